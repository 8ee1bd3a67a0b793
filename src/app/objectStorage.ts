import { S3ObjectStorage } from '../aws/s3ObjectStorage';
import type { ObjectStorage } from '../ipinsights/objectStorage';

/** S3 for `train` and `score` (CloudTrail in, models in and out), with the SDK's defaults. */
export function s3ObjectStorage(): ObjectStorage {
  return new S3ObjectStorage();
}
