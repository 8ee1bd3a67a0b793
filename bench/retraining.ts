import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { generateSyntheticCloudTrail } from '../src/app/demo/syntheticCloudTrail';
import { resolveHyperparameters } from '../src/ipinsights/hyperparameters';
import type { S3Location } from '../src/ipinsights/objectStorage';
import { seededRandom } from '../src/ipinsights/random';
import { retrain, type RetrainingRecord } from '../src/ipinsights/retraining';
import { silentLog } from '../src/shared/log';
import { formatNumber, type BenchRow, type BenchSection } from './table';

/**
 * The scheduled retraining's throughput, to size the retraining function: a window of gzipped
 * CloudTrail (CloudTrail's own layout and record shape) read, trained on and gated in this
 * process, as the function does. Bytes are as listed in S3 (compressed); memory is the peak
 * resident set. The template's MemorySize, Timeout and RETRAINING_MAX_BYTES come from these.
 */

const END = new Date('2026-11-21T00:00:00Z');
const MIB = 1024 * 1024;
/** The function's memory (1,769 MiB is one full vCPU on Lambda) and time limit. */
const LAMBDA_MIB = 1769;
const LAMBDA_SECONDS = 900;

function trail(days: number, users: number) {
  const files = generateSyntheticCloudTrail(
    { end: END, days, extraUsers: users },
    seededRandom(7),
  ).map((file) => ({ key: `trail/${file.key}`, bytes: gzipSync(JSON.stringify(file.body)) }));
  const objects = new Map(files.map((f) => [f.key, f.bytes]));
  return { objects };
}

async function measure(days: number, users: number) {
  const { objects } = trail(days, users);
  const storage = {
    async *listSized(prefix: S3Location) {
      for (const [key, bytes] of [...objects].sort(([a], [b]) => a.localeCompare(b))) {
        if (key.startsWith(prefix.key)) yield await Promise.resolve({ key, bytes: bytes.length });
      }
    },
    read: (location: S3Location) => Promise.resolve(Readable.from([objects.get(location.key)!])),
  };
  const bytes = [...objects.values()].reduce((sum, b) => sum + b.length, 0);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let record: RetrainingRecord | undefined;
  await retrain(
    {
      cloudTrail: 's3://trail-bucket/trail',
      windowDays: days,
      hyperparameters: (entities) => resolveHyperparameters({}, entities),
    },
    {
      storage,
      models: { current: () => Promise.resolve(undefined), publish: () => Promise.resolve('v1') },
      records: { save: (r) => Promise.resolve(void (record = r)) },
      clock: () => END,
      log: silentLog,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { record: record!, bytes, seconds, cpuSeconds, peakMiB: (peak - rssBefore) / MIB };
}

export const retrainingBench: BenchSection = async ({ quick }) => {
  const runs = [];
  for (const users of quick ? [100] : [100, 400]) runs.push(await measure(30, users));
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
      { metric: `${label}: peak RSS above start`, value: `${formatNumber(run.peakMiB)} MiB` },
    );
  }
  const last = runs.at(-1)!;
  // CPU seconds, not wall time: a shared machine would understate what one vCPU does.
  const bytesPerSecond = last.bytes / last.cpuSeconds;
  const mibPerByte = last.peakMiB / last.bytes;
  // Half the timeout and half the memory: headroom for a slower S3 read and a busier window.
  const byTime = (bytesPerSecond * LAMBDA_SECONDS) / 2;
  const byMemory = LAMBDA_MIB / 2 / mibPerByte;
  rows.push({
    metric: `largest window one function handles (${String(LAMBDA_MIB)} MiB, ${String(LAMBDA_SECONDS)} s, half of each)`,
    value: `${formatNumber(Math.min(byTime, byMemory) / MIB)} MiB gz (time: ${formatNumber(byTime / MIB)}, memory: ${formatNumber(byMemory / MIB)})`,
  });
  return rows;
};
