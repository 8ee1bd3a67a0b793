import { S3ObjectStorage } from '../aws/s3ObjectStorage';
import type { ObjectStorage } from '../ipinsights/objectStorage';

/**
 * S3 for `train` and `score` (CloudTrail in, models in and out), with the SDK's defaults; its
 * region is resolved here, so a missing one stops the command before any work.
 */
export async function s3ObjectStorage(): Promise<ObjectStorage> {
  const storage = new S3ObjectStorage();
  await storage.region();
  return storage;
}
