import type { Readable } from 'node:stream';
import { CloudTrailStats } from './cloudTrail';
import { cloudTrailTuples, type CloudTrailReadOptions } from './cloudTrailFiles';
import { FlowLogStats, flowLogTuples, type FlowLogOptions } from './flowLogs';
import { parseIp } from './ip';
import type { TrainingSetBuilder } from './trainingSet';
import { MalformedInputError, readTupleCsv } from './tupleCsv';
import { entityForPrincipal } from '../shared/principalEntity';

/**
 * Reading → training set, as library functions: the `train` command, the demo and a scheduled
 * retrain all fill a TrainingSetBuilder through these and get the counts for their summary.
 */

export interface ReadProgress {
  (pairs: number): void;
}

const PROGRESS_EVERY = 50_000;

/** CloudTrail files, folders or `s3://` prefixes into `builder` (IPv4 pairs; IPv6 counted). */
export async function addCloudTrail(
  builder: TrainingSetBuilder,
  paths: readonly string[],
  options: CloudTrailReadOptions & { readonly onProgress?: ReadProgress } = {},
): Promise<CloudTrailStats> {
  const stats = new CloudTrailStats();
  for await (const tuple of cloudTrailTuples(paths, stats, options)) {
    const ip = parseIp(tuple.ip);
    if (ip.kind !== 'ipv4') continue; // IPv6: counted by stats, not trained
    builder.add(tuple.entity, ip.value);
    if (builder.size % PROGRESS_EVERY === 0) options.onProgress?.(builder.size);
  }
  return stats;
}

/**
 * VPC Flow Logs (files, folders, `s3://` prefixes) into the same builder: instances become
 * entities beside the principals, so one model scores both kinds of finding.
 */
export async function addFlowLogs(
  builder: TrainingSetBuilder,
  paths: readonly string[],
  options: FlowLogOptions & { readonly onProgress?: ReadProgress } = {},
): Promise<FlowLogStats> {
  const stats = new FlowLogStats();
  for await (const tuple of flowLogTuples(paths, stats, options)) {
    builder.add(tuple.entity, tuple.ip);
    if (builder.size % PROGRESS_EVERY === 0) options.onProgress?.(builder.size);
  }
  return stats;
}

/** What an `entity,ip` CSV held. */
export interface CsvStats {
  lines: number;
  pairs: number;
  ipv6: number;
  leadingZero: number;
  notAnIp: number;
}

/**
 * `entity,ip` lines into `builder`. Entities go through the same principal → entity mapping as
 * CloudTrail and the findings (`AROA…:session` → `AROA…`). Lines whose IP is not an address
 * (or a leading-zero dotted quad) are skipped and counted, or rejected with `strict`.
 */
export async function addTupleCsv(
  builder: TrainingSetBuilder,
  input: Readable,
  source: string,
  options: { readonly strict?: boolean; readonly onProgress?: ReadProgress } = {},
): Promise<CsvStats> {
  const stats: CsvStats = { lines: 0, pairs: 0, ipv6: 0, leadingZero: 0, notAnIp: 0 };
  for await (const tuple of readTupleCsv(input, source)) {
    stats.lines++;
    const ip = parseIp(tuple.ip);
    if (ip.kind === 'ipv4') {
      builder.add(entityForPrincipal(tuple.entity), ip.value);
      stats.pairs++;
      if (builder.size % PROGRESS_EVERY === 0) options.onProgress?.(builder.size);
      continue;
    }
    if (ip.kind === 'ipv6') {
      stats.ipv6++;
      continue;
    }
    if (options.strict === true) {
      throw new MalformedInputError(`${source}:${tuple.line}: not an IP address: "${tuple.ip}"`);
    }
    if (ip.kind === 'leading-zero') stats.leadingZero++;
    else stats.notAnIp++;
  }
  return stats;
}
