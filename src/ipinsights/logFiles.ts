import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  isS3Uri,
  noStorage,
  parseS3Uri,
  type ObjectLister,
  type ObjectReader,
} from './objectStorage';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';

/** A log file, local or in S3, opened lazily so only one is read at a time. */
export interface LogFile {
  readonly name: string;
  open(): Promise<Readable>;
}

/** A path the caller gave that is not there: always fatal, unlike one unreadable file of many. */
export class LogInputError extends CodedError {
  override readonly name = 'LogInputError';
  readonly code = ErrorCode.CloudTrailInputInvalid;
}

/**
 * The log files behind each path, in a stable order: a file as given (whatever its name), a
 * folder tree walked in name order keeping the names `isLogName` accepts, or an
 * `s3://bucket/prefix` listed through `storage` with the same filter.
 */
export async function* logFiles(
  paths: readonly string[],
  isLogName: (name: string) => boolean,
  storage?: ObjectLister & ObjectReader,
): AsyncIterable<LogFile> {
  for (const path of paths) {
    if (isS3Uri(path)) {
      if (storage === undefined) throw noStorage(path);
      const prefix = parseS3Uri(path);
      for await (const key of storage.list(prefix)) {
        if (!isLogName(key)) continue;
        const location = { bucket: prefix.bucket, key };
        yield { name: `s3://${prefix.bucket}/${key}`, open: () => storage.read(location) };
      }
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new LogInputError(`no such file or folder: ${path}`);
    if (info.isDirectory()) yield* walk(path, isLogName);
    else yield localFile(path);
  }
}

function localFile(path: string): LogFile {
  return { name: path, open: () => Promise.resolve(createReadStream(path)) };
}

async function* walk(folder: string, isLogName: (name: string) => boolean): AsyncIterable<LogFile> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path, isLogName);
    else if (entry.isFile() && isLogName(entry.name)) yield localFile(path);
  }
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The file's bytes, gunzipped when they start with gzip's magic bytes (whatever the name says:
 * `.JSON.GZ`, gzip in a `.json`, plain text in a `.gz`). Ends with an error for a truncated or
 * corrupt gzip stream.
 */
export async function decodedStream(file: LogFile): Promise<Readable> {
  const input = await file.open();
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await chunks.next();
  const head = first.done === true ? Buffer.alloc(0) : toBuffer(first.value);
  const rest = Readable.from(prepend(head, chunks));
  rest.once('close', () => input.destroy());
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return rest;
  return pipeline(rest, createGunzip(), () => undefined);
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer | string>): AsyncIterable<Buffer> {
  if (head.length > 0) yield head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) {
    yield toBuffer(next.value);
  }
}

/**
 * Reads a decoded stream whole when it is at most `limit` bytes (`complete`), or returns what
 * was read so far and the rest of the stream to go on with (`head` + `rest`).
 */
export async function readUpTo(
  stream: Readable,
  limit: number,
): Promise<
  | { readonly complete: true; readonly body: Buffer }
  | { readonly complete: false; readonly head: Buffer[]; readonly rest: AsyncIterator<Buffer> }
> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await chunks.next();
    if (next.done === true) return { complete: true, body: Buffer.concat(head) };
    head.push(next.value);
    size += next.value.length;
  }
  return { complete: false, head, rest: chunks };
}

export async function* concatenated(
  head: readonly Buffer[],
  rest: AsyncIterator<Buffer>,
): AsyncIterable<Buffer> {
  yield* head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

const UTF8_BOM = '\ufeff';

export function withoutBom(text: string): string {
  return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
}

const SHOWN_REASON = 120;

/**
 * An error as one short printable line: no newline, no control character, no raw binary from a
 * file that echoes into a terminal.
 */
export function oneLine(error: unknown): string {
  // By shape: errors from node's internals (zlib, streams) may come from another realm.
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String(error.message)
      : errorMessage(error);
  // eslint-disable-next-line no-control-regex
  const text = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').trim();
  return text.length > SHOWN_REASON ? `${text.slice(0, SHOWN_REASON)}…` : text;
}

/** A file that could not be read, and why; the summary names them. */
export interface UnreadableFile {
  readonly name: string;
  readonly reason: string;
}

/** The files part of a read summary: how many were read, which were skipped and why. */
export class FileCounts {
  files = 0;
  readonly unreadable: UnreadableFile[] = [];
  /** Files with a non-empty body in which no record was found (a format this reader does not know). */
  readonly withoutRecords: string[] = [];
}
