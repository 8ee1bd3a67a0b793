import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline as pipelineCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { CloudTrailStats, tupleFromCloudTrailRecord } from './cloudTrail';
import {
  isS3Uri,
  noStorage,
  parseS3Uri,
  type ObjectLister,
  type ObjectReader,
} from './objectStorage';
import type { Tuple } from './scorer';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';

/** A CloudTrail log file, local or in S3, opened lazily so only one is read at a time. */
export interface CloudTrailFile {
  readonly name: string;
  open(): Promise<Readable>;
}

export class CloudTrailInputError extends CodedError {
  override readonly name = 'CloudTrailInputError';
  readonly code = ErrorCode.CloudTrailInputInvalid;
}

/** CloudTrail writes `…_CloudTrail_<region>_<time>_<id>.json.gz`; uncompressed copies are `.json`. */
function isLogFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.json.gz');
}

/**
 * The log files behind each path, in a stable order: a file as given, a folder tree (as
 * CloudTrail lays it out in S3 and `aws s3 sync` copies it) walked in name order, or an
 * `s3://bucket/prefix` listed through `storage`.
 */
async function* cloudTrailFiles(
  paths: readonly string[],
  storage?: ObjectLister & ObjectReader,
): AsyncIterable<CloudTrailFile> {
  for (const path of paths) {
    if (isS3Uri(path)) {
      if (storage === undefined) throw noStorage(path);
      const prefix = parseS3Uri(path);
      for await (const key of storage.list(prefix)) {
        if (!isLogFileName(key)) continue;
        const location = { bucket: prefix.bucket, key };
        yield { name: `s3://${prefix.bucket}/${key}`, open: () => storage.read(location) };
      }
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new CloudTrailInputError(`no such file or folder: ${path}`);
    if (info.isDirectory()) yield* walk(path);
    else yield localFile(path);
  }
}

function localFile(path: string): CloudTrailFile {
  return { name: path, open: () => Promise.resolve(createReadStream(path)) };
}

async function* walk(folder: string): AsyncIterable<CloudTrailFile> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && isLogFileName(entry.name)) yield localFile(path);
  }
}

/**
 * Files up to this size (decompressed) are parsed whole, which is ~10x faster than a streaming
 * parser; CloudTrail delivers a file every few minutes, so nearly all are far smaller. Larger
 * files are streamed record by record, so memory stays bounded by this, whatever the input.
 */
const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * The records of one log file out of `{"Records": [...]}`; `.gz` files are gunzipped on the way.
 * The error for an unreadable file names it.
 */
export async function* cloudTrailRecords(
  file: CloudTrailFile,
  wholeFileLimit = WHOLE_FILE_LIMIT,
): AsyncIterable<unknown> {
  const input = await file.open();
  const decoded = file.name.endsWith('.gz')
    ? pipelineCallback(input, createGunzip(), () => undefined)
    : input;
  try {
    const chunks = decoded[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let size = 0;
    while (size <= wholeFileLimit) {
      const next = await chunks.next();
      if (next.done === true) {
        yield* recordsOf(JSON.parse(Buffer.concat(head).toString('utf8')));
        return;
      }
      head.push(next.value);
      size += next.value.length;
    }
    yield* streamedRecords(Readable.from(concatenated(head, chunks)));
  } catch (error) {
    throw new CloudTrailInputError(
      `${file.name}: not a readable CloudTrail log file (${errorMessage(error)})`,
    );
  } finally {
    input.destroy();
    decoded.destroy();
  }
}

function recordsOf(document: unknown): unknown[] {
  if (typeof document !== 'object' || document === null || !('Records' in document)) return [];
  return Array.isArray(document.Records) ? document.Records : [];
}

async function* concatenated(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  yield* head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

/** Streams `Records` elements one at a time, for files too large to parse whole. */
async function* streamedRecords(input: Readable): AsyncIterable<unknown> {
  const records = streamArray();
  const done = pipeline(input, parser(), pick({ filter: 'Records' }), records);
  done.catch(() => undefined); // surfaced through the iteration or the final await
  for await (const item of records) yield (item as { value: unknown }).value;
  await done;
}

/** Every tuple of every record of every file, counting what was read and skipped in `stats`. */
export async function* cloudTrailTuples(
  paths: readonly string[],
  stats: CloudTrailStats,
  storage?: ObjectLister & ObjectReader,
): AsyncIterable<Tuple> {
  for await (const file of cloudTrailFiles(paths, storage)) {
    stats.files++;
    for await (const record of cloudTrailRecords(file)) {
      const outcome = tupleFromCloudTrailRecord(record);
      stats.count(outcome);
      if (outcome.kind === 'tuple') yield outcome.tuple;
    }
  }
}
