import { cpus, loadavg } from 'node:os';
import { runBurst, SLACK_LIMIT, QUEUE } from '../harness/burstRun';
import type { Log } from '../src/shared/log';
import { formatNumber, type BenchRow, type BenchSection } from './table';

const stderrLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, attributes) =>
    void process.stderr.write(`${message} ${JSON.stringify(attributes)}\n`),
  error: (message, attributes) =>
    void process.stderr.write(`${message} ${JSON.stringify(attributes)}\n`),
};

/** Slack seconds per wall second: the sandbox's clock and the pipeline's waits run this fast. */
const SCALE = 5;

/**
 * `npm run bench -- burst`: 1,000 distinct findings queued at once, through the findings queue's
 * consumer (the findings function's handler, batches of 10, MaximumConcurrency 2), the embedded
 * store and the sandbox's Slack enforcing its posting limit, on a scaled clock.
 */
export const burstBench: BenchSection = async ({ quick }) => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const r = await runBurst({
    findings: quick ? 200 : 1000,
    scale: SCALE,
    ...(process.env.BURST_DEBUG === undefined ? {} : { log: stderrLog }),
  });
  const ratio = r.totalS / r.floorS;
  const s = (seconds: number) => `${formatNumber(seconds)} s`;
  return [
    { metric: 'clock (Slack seconds per wall second)', value: `${r.scale}×` },
    {
      metric: 'Slack limit (sandbox)',
      value: `${SLACK_LIMIT.messagesPerSecond}/s per channel, burst ${SLACK_LIMIT.burst}, 429 + Retry-After`,
    },
    {
      metric: 'queue',
      value: `batches of ${QUEUE.batchSize}, MaximumConcurrency ${QUEUE.maxConcurrency}`,
    },
    { metric: 'findings in (3 channels)', value: String(r.findings) },
    { metric: 'messages posted', value: String(r.posted) },
    { metric: '  in the channels (bursts + on their own)', value: String(r.topLevel) },
    { metric: '  burst messages', value: String(r.bursts) },
    { metric: '  thread replies (one per finding)', value: String(r.replies) },
    { metric: 'Slack calls', value: String(r.slackCalls) },
    { metric: '429s received', value: String(r.rateLimited) },
    { metric: 'findings lost', value: String(r.lost), target: '0', ok: r.lost === 0 },
    { metric: 'duplicates', value: String(r.duplicates), target: '0', ok: r.duplicates === 0 },
    {
      metric: 'dead-lettered',
      value: String(r.deadLettered),
      target: '0',
      ok: r.deadLettered === 0,
    },
    { metric: 'time to post p50 (Slack time)', value: s(r.postP50S) },
    { metric: 'time to post p99 (Slack time)', value: s(r.postP99S) },
    { metric: 'total time (Slack time)', value: s(r.totalS) },
    { metric: 'rate-limit floor (busiest channel)', value: s(r.floorS) },
    { metric: 'total / floor', value: formatNumber(ratio, 2) },
    {
      metric: 'store round trips per finding',
      value: formatNumber(r.storeRoundTripsPerFinding),
    },
    { metric: 'wall time', value: `${formatNumber(r.wallMs / 1000)} s` },
    // Every wall millisecond of processing is SCALE Slack milliseconds: a loaded machine shows.
    {
      metric: 'machine load (1 min, cores)',
      value: `${formatNumber(loadavg()[0] ?? 0, 1)} on ${cpus().length}`,
    },
    {
      metric: 'CPU per finding (pipeline + embedded store + sandbox)',
      value: `${formatNumber(r.cpuMsPerFinding, 1)} ms`,
    },
  ] satisfies BenchRow[];
};
