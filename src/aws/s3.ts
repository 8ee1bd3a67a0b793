import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import {
  ObjectNotFoundError,
  type ObjectStorage,
  type S3Location,
} from '../ipinsights/object-storage';

/** ObjectStorage over the S3 client: list, stream-read and write objects. */
export class S3ObjectStorage implements ObjectStorage {
  constructor(private readonly client: S3Client = new S3Client({})) {}

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
