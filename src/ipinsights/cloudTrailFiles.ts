import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { CloudTrailStats, tupleFromCloudTrailRecord } from './cloudTrail';
import {
  concatenated,
  decodedStream,
  logFiles,
  oneLine,
  readUpTo,
  withoutBom,
  type LogFile,
} from './logFiles';
import type { ObjectLister, ObjectReader } from './objectStorage';
import type { Tuple } from './scorer';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';

/** A CloudTrail log file, local or in S3. */
export type CloudTrailFile = LogFile;

/** One file could not be read; fatal only with `strict`, otherwise skipped and counted. */
export class CloudTrailInputError extends CodedError {
  override readonly name = 'CloudTrailInputError';
  readonly code = ErrorCode.CloudTrailInputInvalid;
}

/**
 * Names a folder walk or an S3 listing keeps: CloudTrail's `….json.gz`, uncompressed copies,
 * JSON lines, in any case (`.JSON.GZ`). A file named on the command line is read whatever its
 * name.
 */
export function isCloudTrailFileName(name: string): boolean {
  return /\.(json|jsonl|ndjson)(\.gz)?$/i.test(name);
}

/**
 * Files up to this size (decompressed) are parsed whole, which is ~10x faster than a streaming
 * parser; CloudTrail delivers a file every few minutes, so nearly all are far smaller. Larger
 * files are streamed record by record, so memory stays bounded by this, whatever the input.
 */
const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

const EVENTBRIDGE_CLOUDTRAIL = /via CloudTrail$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The CloudTrail records one JSON value holds, in every form trails and datasets publish:
 * `{"Records": [...]}` as CloudTrail writes to S3, a bare array of records, an EventBridge
 * "AWS API Call via CloudTrail" event (its `detail` is the record), or a single record.
 * Anything else holds none.
 */
export function recordsOf(document: unknown): unknown[] {
  if (Array.isArray(document)) return document.flatMap(recordOf);
  if (!isObject(document)) return [];
  if ('Records' in document) return Array.isArray(document.Records) ? document.Records : [];
  return recordOf(document);
}

function recordOf(value: unknown): unknown[] {
  if (!isObject(value)) return [value];
  const detailType = value['detail-type'];
  if (typeof detailType === 'string' && EVENTBRIDGE_CLOUDTRAIL.test(detailType)) {
    return [value.detail];
  }
  if ('eventVersion' in value || 'userIdentity' in value || 'eventName' in value) return [value];
  return [];
}

/**
 * The records of one log file, in any of the forms of `recordsOf`, or JSON lines of them;
 * gzip is recognised by its magic bytes, a UTF-8 byte-order mark is ignored. Throws
 * CloudTrailInputError naming the file, on one printable line, when it cannot be read.
 */
export async function* cloudTrailRecords(
  file: CloudTrailFile,
  wholeFileLimit = WHOLE_FILE_LIMIT,
): AsyncIterable<unknown> {
  let decoded: Readable | undefined;
  try {
    decoded = await decodedStream(file);
    const read = await readUpTo(decoded, wholeFileLimit);
    if (read.complete) {
      yield* parseWhole(withoutBom(read.body.toString('utf8')));
      return;
    }
    yield* streamedRecords(read.head, read.rest);
  } catch (error) {
    throw new CloudTrailInputError(`${file.name}: ${oneLine(error)}`);
  } finally {
    decoded?.destroy();
  }
}

function parseWhole(text: string): unknown[] {
  if (text.trim() === '') return [];
  try {
    return recordsOf(JSON.parse(text));
  } catch (wholeError) {
    const lines = text.split('\n');
    if (lines.filter((line) => line.trim() !== '').length < 2) {
      throw new Error(`not JSON (${oneLine(wholeError)})`, { cause: wholeError });
    }
    return lines.flatMap((line, index) => parseLine(line, index + 1));
  }
}

function parseLine(line: string, number: number): unknown[] {
  if (line.trim() === '') return [];
  try {
    return recordsOf(JSON.parse(line));
  } catch (error) {
    throw new Error(`not JSON, nor JSON lines: line ${number}: ${oneLine(error)}`, {
      cause: error,
    });
  }
}

/** Large files: a top-level array, JSON lines, or `{"Records": [...]}`, one record at a time. */
async function* streamedRecords(
  head: readonly Buffer[],
  rest: AsyncIterator<Buffer>,
): AsyncIterable<unknown> {
  const headBytes = Buffer.concat(head);
  const newline = headBytes.indexOf(0x0a);
  const firstLine = withoutBom(headBytes.toString('utf8', 0, newline < 0 ? 0 : newline));
  const input = Readable.from(concatenated(head, rest));
  if (
    withoutBom(headBytes.toString('utf8', 0, 64))
      .trimStart()
      .startsWith('[')
  ) {
    for await (const value of streamed(input, null)) yield* recordOf(value);
    return;
  }
  if (firstLine.trim() !== '' && parsesAsJson(firstLine)) {
    const lines = createInterface({ input, crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) yield* parseLine(withoutBom(line), ++number);
    return;
  }
  yield* streamed(input, 'Records');
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* streamed(input: Readable, field: string | null): AsyncIterable<unknown> {
  const records = streamArray();
  const done =
    field === null
      ? pipeline(input, parser(), records)
      : pipeline(input, parser(), pick({ filter: field }), records);
  done.catch(() => undefined); // surfaced through the iteration or the final await
  try {
    for await (const item of records) yield (item as { value: unknown }).value;
    await done;
  } catch (error) {
    // `{"Records": {…}}` holds no records, as it does when parsed whole.
    if (field !== null && /should be an array/.test(oneLine(error))) return;
    throw error;
  }
}

export interface CloudTrailReadOptions {
  readonly storage?: ObjectLister & ObjectReader;
  /** Stop at the first unreadable file (the behaviour before skipping was added). */
  readonly strict?: boolean;
}

/**
 * Every tuple of every record of every file, counting what was read and skipped in `stats`.
 * A file that cannot be read (truncated gzip, not JSON) contributes nothing, is named in
 * `stats.unreadable` and reading goes on, unless `strict`. A file with a non-empty body and no
 * record is named in `stats.withoutRecords`. A file's tuples are released once it is read to
 * the end, so a file that fails halfway adds none.
 */
export async function* cloudTrailTuples(
  paths: readonly string[],
  stats: CloudTrailStats,
  options: CloudTrailReadOptions = {},
): AsyncIterable<Tuple> {
  for await (const file of logFiles(paths, isCloudTrailFileName, options.storage)) {
    const fileStats = new CloudTrailStats();
    const tuples: Tuple[] = [];
    let empty = true;
    try {
      for await (const record of cloudTrailRecords(file)) {
        empty = false;
        const outcome = tupleFromCloudTrailRecord(record);
        fileStats.count(outcome);
        if (outcome.kind === 'tuple') tuples.push(outcome.tuple);
      }
    } catch (error) {
      if (options.strict === true) throw error;
      stats.files++;
      stats.unreadable.push({ name: file.name, reason: readReason(error, file.name) });
      continue;
    }
    stats.files++;
    stats.add(fileStats);
    if (empty && (await hasBody(file))) stats.withoutRecords.push(file.name);
    yield* tuples;
  }
}

function readReason(error: unknown, name: string): string {
  const message = errorMessage(error);
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : oneLine(error);
}

/** True when the file holds more than whitespace (after gunzip): zero records from it is news. */
async function hasBody(file: CloudTrailFile): Promise<boolean> {
  const decoded = await decodedStream(file);
  try {
    for await (const chunk of decoded) {
      if (withoutBom((chunk as Buffer).toString('utf8')).trim() !== '') return true;
    }
    return false;
  } finally {
    decoded.destroy();
  }
}
