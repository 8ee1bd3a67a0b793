import type { Readable } from 'node:stream';
import { CodedError, ErrorCode } from '../shared/errors';

/** An S3 object or prefix named by an `s3://bucket/key` URI. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * What this module needs from S3, implemented in src/aws/; tests use an in-memory one. Split by
 * permission, so a Lambda that only loads a model is granted only `s3:GetObject`.
 */
export interface ObjectReader {
  read(location: S3Location): Promise<Readable>;
}

/** `list` yields keys under a prefix in S3's (lexicographic) order. */
export interface ObjectLister {
  list(prefix: S3Location): AsyncIterable<string>;
}

export interface ObjectWriter {
  write(location: S3Location, body: Uint8Array): Promise<void>;
}

/**
 * A bucket's listing as S3 gives it: objects with their sizes (ListObjectsV2's `Size`, so a window
 * is measured before it is read) from after `startAfter` on, and the "folders" one level below a
 * prefix (its common prefixes for the delimiter `/`).
 */
export interface ObjectInventory {
  listSized(
    prefix: S3Location,
    options?: { readonly startAfter?: string },
  ): AsyncIterable<{ readonly key: string; readonly bytes: number }>;
  folders(prefix: S3Location): AsyncIterable<string>;
}

/** Writes an object and answers the S3 object version it became (undefined: unversioned bucket). */
export interface VersionedObjectWriter {
  writeVersion(location: S3Location, body: Uint8Array): Promise<string | undefined>;
}

export type ObjectStorage = ObjectReader & ObjectLister & ObjectWriter;

/** The object does not exist (S3 NoSuchKey); adapters throw this so callers can say "missing". */
export class ObjectNotFoundError extends CodedError {
  override readonly name = 'ObjectNotFoundError';
  readonly code = ErrorCode.ObjectNotFound;
}

export class ObjectLocationError extends CodedError {
  override readonly name = 'ObjectLocationError';
  readonly code = ErrorCode.ObjectLocationInvalid;
}

export function isS3Uri(text: string): boolean {
  return text.startsWith('s3://');
}

/** `s3://bucket/some/key` → { bucket, key }; the key may be empty (a whole bucket as a prefix). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (match?.[1] === undefined) throw new ObjectLocationError(`not an s3://bucket/key URI: ${uri}`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Thrown when an s3:// location is used but no S3 access was provided. */
export function noStorage(uri: string): ObjectLocationError {
  return new ObjectLocationError(`cannot read ${uri}: no S3 access configured`);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
