import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ListName } from '../actions/lists/entries';
import {
  changeList,
  listFileBody,
  listObjectKey,
  parseListFile,
  type ListChange,
} from '../actions/lists/listFile';
import type {
  IpListStore,
  ListChangeResult,
  ListContents,
  ListVersion,
} from '../actions/ports/ipLists';
import { CodedError, ErrorCode } from '../shared/errors';

/** Every attempt lost to another writer: the change was not made (nothing was overwritten). */
export class ListContentionError extends CodedError {
  override readonly name = 'ListContentionError';
  readonly code = ErrorCode.ListContention;
}

export interface S3IpListsOptions {
  readonly bucket: string;
  /** Defaults to a client in `region` (the bucket's, the stack's Region). */
  readonly client?: S3Client;
  readonly region?: string;
  /** The account that must own the bucket (S3 refuses the call otherwise): the stack's. */
  readonly expectedOwner?: string;
  /** Attempts of one change against concurrent writers (each loses only to a write that landed). */
  readonly maxAttempts?: number;
  /** Waits between attempts (injected so tests need no timers); jittered by `random`. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** 412: the object changed since it was read; 409: a concurrent write is still landing. */
function lostTheRace(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 412 ||
      error.$metadata.httpStatusCode === 409 ||
      error.name === 'PreconditionFailed' ||
      error.name === 'ConditionalRequestConflict')
  );
}

const DEFAULT_ATTEMPTS = 40;

/**
 * The lists as TXT objects in the stack's bucket (versioned, SSE-S3, public access blocked by
 * the template). GuardDuty reads the object itself through its service-linked role.
 */
export class S3IpLists implements IpListStore {
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly client: S3Client;

  constructor(private readonly options: S3IpListsOptions) {
    this.client =
      options.client ??
      new S3Client({ ...(options.region === undefined ? {} : { region: options.region }) });
    this.maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
    this.sleep =
      options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
    this.random = options.random ?? Math.random;
  }

  private owner(): { ExpectedBucketOwner?: string } {
    const { expectedOwner } = this.options;
    return expectedOwner === undefined ? {} : { ExpectedBucketOwner: expectedOwner };
  }

  location(list: ListName, region: string): string {
    return `https://s3.amazonaws.com/${this.options.bucket}/${listObjectKey(list, region)}`;
  }

  async read(list: ListName, region: string): Promise<ListContents> {
    const { client } = this;
    const { bucket } = this.options;
    const location = this.location(list, region);
    try {
      const object = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: listObjectKey(list, region),
          ...this.owner(),
        }),
      );
      const entries = parseListFile((await object.Body?.transformToString('utf8')) ?? '');
      const version: ListVersion = {
        ...(object.ETag === undefined ? {} : { etag: object.ETag }),
        ...(object.VersionId === undefined ? {} : { versionId: object.VersionId }),
        entries: entries.length,
      };
      return { entries, version, location };
    } catch (error) {
      if (error instanceof NoSuchKey) return { entries: [], location };
      throw error;
    }
  }

  async change(list: ListName, region: string, change: ListChange): Promise<ListChangeResult> {
    const { client } = this;
    const { bucket } = this.options;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const current = await this.read(list, region);
      const next = changeList(current.entries, change, list);
      const before = current.version;
      if (!next.changed) {
        return {
          ...(before === undefined ? {} : { before, after: before }),
          changed: false,
          location: current.location,
        };
      }
      try {
        const put = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: listObjectKey(list, region),
            Body: Buffer.from(listFileBody(next.entries), 'utf8'),
            ContentType: 'text/plain; charset=utf-8',
            ServerSideEncryption: 'AES256',
            ...this.owner(),
            // The write lands only on the version read: a concurrent change makes it fail, not vanish.
            ...(before?.etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: before.etag }),
          }),
        );
        const after: ListVersion = {
          ...(put.ETag === undefined ? {} : { etag: put.ETag }),
          ...(put.VersionId === undefined ? {} : { versionId: put.VersionId }),
          entries: next.entries.length,
        };
        return {
          ...(before === undefined ? {} : { before }),
          after,
          changed: true,
          location: current.location,
        };
      } catch (error) {
        if (!lostTheRace(error)) throw error;
        // Full jitter: concurrent writers spread out instead of colliding again in step.
        await this.sleep(Math.floor(this.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))));
      }
    }
    throw new ListContentionError(
      `the ${list === 'threat' ? 'threat list' : 'trusted IP list'} kept changing under ${this.maxAttempts} attempts; nothing was written — try again`,
    );
  }
}
