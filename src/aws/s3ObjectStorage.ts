import { PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type {
  ObjectInventory,
  ObjectStorage,
  S3Location,
  VersionedObjectWriter,
} from '../ipinsights/objectStorage';
import { CodedError, ErrorCode } from '../shared/errors';
import { S3ObjectReader } from './s3ObjectReader';

/** No region for S3 in the environment or the AWS profile: nothing can be read or written. */
export class S3RegionMissingError extends CodedError {
  override readonly name = 'S3RegionMissingError';
  readonly code = ErrorCode.AwsRegionMissing;
}

/** Lists, reads and writes S3 objects: what `train` needs (CloudTrail under a prefix, the model out). */
export class S3ObjectStorage
  extends S3ObjectReader
  implements ObjectStorage, ObjectInventory, VersionedObjectWriter
{
  /**
   * The region S3 calls go to, resolved now (the SDK resolves it at the first call, which for
   * `train --out s3://…` comes after the training): one line naming the fix when there is none.
   */
  async region(): Promise<string> {
    try {
      return await this.client.config.region();
    } catch {
      throw new S3RegionMissingError(
        'no AWS region for S3: set AWS_REGION, or a region in your AWS profile',
      );
    }
  }

  async *list(prefix: S3Location): AsyncIterable<string> {
    for await (const object of this.listSized(prefix)) yield object.key;
  }

  async *listSized(
    prefix: S3Location,
    options: { readonly startAfter?: string } = {},
  ): AsyncIterable<{ readonly key: string; readonly bytes: number }> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      {
        Bucket: prefix.bucket,
        Prefix: prefix.key,
        ...(options.startAfter === undefined ? {} : { StartAfter: options.startAfter }),
      },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, bytes: object.Size ?? 0 };
      }
    }
  }

  async *folders(prefix: S3Location): AsyncIterable<string> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: prefix.bucket, Prefix: prefix.key, Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const common of page.CommonPrefixes ?? []) {
        if (common.Prefix !== undefined) yield common.Prefix;
      }
    }
  }

  async write(location: S3Location, body: Uint8Array): Promise<void> {
    await this.writeVersion(location, body);
  }

  async writeVersion(location: S3Location, body: Uint8Array): Promise<string | undefined> {
    const { VersionId } = await this.client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
    return VersionId === undefined || VersionId === 'null' ? undefined : VersionId;
  }
}
