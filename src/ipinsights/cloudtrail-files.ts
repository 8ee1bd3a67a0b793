import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { CloudTrailStats, tupleFromCloudTrailRecord } from './cloudtrail';
import { isS3Uri, noStorage, parseS3Uri, type ObjectStorage } from './object-storage';
import type { Tuple } from './scorer';

/** A CloudTrail log file, local or in S3, opened lazily so only one is read at a time. */
export interface CloudTrailFile {
  readonly name: string;
  open(): Promise<Readable>;
}

export class CloudTrailInputError extends Error {
  override readonly name = 'CloudTrailInputError';
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
export async function* cloudTrailFiles(
  paths: readonly string[],
  storage?: ObjectStorage,
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
 * The records of one log file, streamed element by element out of `{"Records": [...]}` so a
 * large file never sits in memory whole; `.gz` files are gunzipped on the way.
 */
export async function* cloudTrailRecords(file: CloudTrailFile): AsyncIterable<unknown> {
  const input = await file.open();
  const records = streamArray();
  const done = file.name.endsWith('.gz')
    ? pipeline(input, createGunzip(), parser(), pick({ filter: 'Records' }), records)
    : pipeline(input, parser(), pick({ filter: 'Records' }), records);
  done.catch(() => undefined); // surfaced below through the iteration or the final await
  try {
    for await (const item of records) yield (item as { value: unknown }).value;
    await done;
  } catch (error) {
    throw new CloudTrailInputError(
      `${file.name}: not a readable CloudTrail log file (${error instanceof Error ? error.message : String(error)})`,
    );
  } finally {
    input.destroy();
  }
}

/** Every tuple of every record of every file, counting what was read and skipped in `stats`. */
export async function* cloudTrailTuples(
  paths: readonly string[],
  stats: CloudTrailStats,
  storage?: ObjectStorage,
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
