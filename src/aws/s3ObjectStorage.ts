import { PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { ObjectStorage, S3Location } from '../ipinsights/objectStorage';
import { S3ObjectReader } from './s3ObjectReader';

/** Lists, reads and writes S3 objects: what `train` needs (CloudTrail under a prefix, the model out). */
export class S3ObjectStorage extends S3ObjectReader implements ObjectStorage {
  async *list(prefix: S3Location): AsyncIterable<string> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: prefix.bucket, Prefix: prefix.key },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key;
      }
    }
  }

  async write(location: S3Location, body: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
  }
}
