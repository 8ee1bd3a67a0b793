import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { ObjectStartReader } from '../ipinsights/modelInfo';
import {
  ObjectNotFoundError,
  type ObjectReader,
  type S3Location,
} from '../ipinsights/objectStorage';

/** Stream-reads S3 objects (`s3:GetObject` only): what the Lambda functions need for a model. */
export class S3ObjectReader implements ObjectReader, ObjectStartReader {
  constructor(protected readonly client: S3Client = new S3Client({})) {}

  async read(location: S3Location): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      );
      const body = response.Body;
      if (body instanceof Readable) return body;
      if (body === undefined) return Readable.from([]);
      return Readable.from([await body.transformToByteArray()]);
    } catch (error) {
      if (error instanceof NoSuchKey) {
        throw new ObjectNotFoundError(`no such object: s3://${location.bucket}/${location.key}`);
      }
      throw error;
    }
  }

  /** The first `bytes` of the newest version, and that version's id (a ranged GetObject). */
  async readStart(
    location: S3Location,
    bytes: number,
  ): Promise<{ readonly bytes: Uint8Array; readonly version?: string }> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Range: `bytes=0-${bytes - 1}`,
        }),
      );
      const body =
        response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
      return {
        bytes: body,
        ...(response.VersionId === undefined || response.VersionId === 'null'
          ? {}
          : { version: response.VersionId }),
      };
    } catch (error) {
      if (error instanceof NoSuchKey) {
        throw new ObjectNotFoundError(`no such object: s3://${location.bucket}/${location.key}`);
      }
      throw error;
    }
  }
}
