import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateSyntheticCloudTrail } from '../src/app/demo/syntheticCloudTrail';
import { seededRandom } from '../src/ipinsights/random';
import type { RetrainingRecord } from '../src/ipinsights/retraining';
import { formatNumber, type BenchRow, type BenchSection } from './table';

/**
 * The scheduled retraining's throughput, to size the retraining function: a window of gzipped
 * CloudTrail (CloudTrail's own layout and record shape) listed, read, trained on and gated in a
 * process of its own, as the function does. Bytes are as listed in S3 (compressed); memory is
 * that process's peak resident set. The template's MemorySize, Timeout and RETRAINING_MAX_BYTES
 * come from these.
 */

const END = new Date('2026-11-21T00:00:00Z');
const MIB = 1024 * 1024;
/** The function's memory (1,769 MiB is one full vCPU on Lambda) and time limit. */
const LAMBDA_MIB = 1769;
const LAMBDA_SECONDS = 900;
/** A GetObject's first byte from Lambda in the bucket's region, roughly. */
const S3_LATENCY_MS = 30;

/** The synthetic trail, gzipped, in CloudTrail's S3 layout under `dir`; its bytes. */
function writeTrail(dir: string, days: number, users: number): number {
  let bytes = 0;
  for (const file of generateSyntheticCloudTrail(
    { end: END, days, extraUsers: users },
    seededRandom(7),
  )) {
    const gz = gzipSync(JSON.stringify(file.body));
    mkdirSync(dirname(join(dir, file.key)), { recursive: true });
    writeFileSync(join(dir, file.key), gz);
    bytes += gz.length;
  }
  return bytes;
}

interface Run {
  readonly record: RetrainingRecord;
  readonly bytes: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakMiB: number;
}

/** One retraining in its own process (bench/retrainingRun.ts): its peak RSS is the run's alone. */
function measure(days: number, users: number, latencyMs = 0): Run {
  const dir = mkdtempSync(join(tmpdir(), 'retraining-bench-'));
  try {
    const bytes = writeTrail(dir, days, users);
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'retrainingRun.ts'),
        dir,
        String(days),
        END.toISOString(),
        String(latencyMs),
      ],
      { encoding: 'utf8', maxBuffer: 16 * MIB },
    );
    const run = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      record: RetrainingRecord;
      seconds: number;
      cpuSeconds: number;
      maxRssBytes: number;
    };
    return { ...run, bytes, peakMiB: run.maxRssBytes / MIB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const retrainingBench: BenchSection = ({ quick }) => {
  const runs = [];
  for (const users of quick ? [100, 400] : [100, 400, 1600]) runs.push(measure(30, users));
  const rows: BenchRow[] = [];
  for (const run of runs) {
    const pairs = run.record.pairs ?? 0;
    const label = `${formatNumber(pairs)} pairs, ${formatNumber(run.bytes / MIB, 1)} MiB gz`;
    rows.push(
      {
        metric: `${label}: outcome`,
        value: `${run.record.outcome} (AUC ${run.record.candidateAuc?.toFixed(3) ?? '-'})`,
      },
      {
        metric: `${label}: wall time (CPU)`,
        value: `${formatNumber(run.seconds, 1)} s (${formatNumber(run.cpuSeconds, 1)} s)`,
      },
      {
        metric: `${label}: listed bytes per CPU second`,
        value: `${formatNumber(run.bytes / run.cpuSeconds / MIB, 2)} MiB/s`,
      },
      { metric: `${label}: pairs per CPU second`, value: formatNumber(pairs / run.cpuSeconds) },
      {
        metric: `${label}: peak RSS of the run's process`,
        value: `${formatNumber(run.peakMiB)} MiB`,
      },
    );
  }
  // Memory as a line through the two biggest runs: a fixed part (code, buffers) and a part per
  // listed byte (the pairs and entities kept); time from the slowest run per byte.
  const [small, big] = runs.slice(-2) as [(typeof runs)[number], (typeof runs)[number]];
  const perByte = Math.max(0, (big.peakMiB - small.peakMiB) / (big.bytes - small.bytes));
  const fixedMiB = big.peakMiB - perByte * big.bytes;
  const bytesPerSecond = Math.min(...runs.map((run) => run.bytes / run.cpuSeconds));
  // Half the timeout and half the memory: headroom for a slower S3 read and a busier window.
  const byTime = (bytesPerSecond * LAMBDA_SECONDS) / 2;
  const byMemory = perByte === 0 ? Infinity : (LAMBDA_MIB / 2 - fixedMiB) / perByte;
  rows.push(
    {
      metric: 'memory: fixed + per MiB of gzipped CloudTrail',
      value: `${formatNumber(fixedMiB)} MiB + ${formatNumber(perByte * MIB, 1)} MiB per MiB`,
    },
    {
      metric: `largest window one function handles (${String(LAMBDA_MIB)} MiB, ${String(LAMBDA_SECONDS)} s, half of each)`,
      value: `${formatNumber(Math.min(byTime, byMemory) / MIB)} MiB gz (time: ${formatNumber(byTime / MIB)}, memory: ${formatNumber(byMemory / MIB)})`,
    },
  );
  // S3 answers each GetObject after a round trip: the function reads 16 objects ahead.
  const slow = measure(30, quick ? 100 : 400, S3_LATENCY_MS);
  const disk = runs[quick ? 0 : 1]!;
  rows.push({
    metric: `${formatNumber(slow.record.objects ?? 0)} objects, ${String(S3_LATENCY_MS)} ms per GetObject: wall time (without the wait)`,
    value: `${formatNumber(slow.seconds, 1)} s (${formatNumber(disk.seconds, 1)} s); one by one the wait alone would be ${formatNumber(((slow.record.objects ?? 0) * S3_LATENCY_MS) / 1000, 1)} s`,
  });
  return Promise.resolve(rows);
};
