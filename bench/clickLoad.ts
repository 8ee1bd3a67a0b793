import { performance } from 'node:perf_hooks';
import { RESPONDER, startServeBench, untilButton, type ServeBench } from './serveProcess';
import { percentile } from '../harness/percentile';
import { formatNumber, type BenchRow, type BenchSection } from './table';

/** Slack's limit: a request not acknowledged within 3 s is shown to the user as failed. */
const SLACK_ACK_MS = 3_000;
const DONE_TIMEOUT_MS = 120_000;

interface Click {
  readonly status: number;
  readonly ackMs: number;
  /** Click to the message showing Unarchive, or undefined when it never did. */
  readonly doneMs: number | undefined;
}

async function archive(bench: ServeBench, ts: string): Promise<Click> {
  const started = performance.now();
  const response = await bench.slack.clickButton({
    user: RESPONDER,
    messageTs: ts,
    actionId: 'remediate:archive',
  });
  const done = await untilButton(bench.slack, ts, 'remediate:unarchive', DONE_TIMEOUT_MS);
  return {
    status: response.status,
    ackMs: response.elapsedMs,
    doneMs: done ? performance.now() - started : undefined,
  };
}

/** Archives every message, `concurrency` clicks in flight at a time. */
async function clickAll(
  bench: ServeBench,
  messages: readonly string[],
  concurrency: number,
): Promise<{ clicks: Click[]; seconds: number }> {
  const clicks: Click[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages.length) {
        const ts = messages[next];
        next += 1;
        if (ts !== undefined) clicks.push(await archive(bench, ts));
      }
    }),
  );
  return { clicks, seconds: (performance.now() - started) / 1000 };
}

/**
 * Archive clicks on distinct findings against `serve` in its own process (dry run, embedded store):
 * first one at a time, then 20 at a time, side by side in one run. Every ack must come within
 * Slack's 3 s, every action must finish, and the audit chains must verify afterwards.
 */
export const clickLoadBench: BenchSection = async ({ quick }) => {
  const sequential = quick ? 10 : 40;
  const concurrent = quick ? 40 : 200;
  const concurrency = 20;
  // One more message warms every path (first auth.test, first intent, first chain) before timing.
  const bench = await startServeBench(1 + sequential + concurrent);
  let one;
  let many;
  let verified;
  try {
    const [warm, ...rest] = bench.messages;
    if (warm !== undefined) await archive(bench, warm);
    one = await clickAll(bench, rest.slice(0, sequential), 1);
    many = await clickAll(bench, rest.slice(sequential), concurrency);
  } finally {
    await bench.serve.stop();
  }
  try {
    verified = await bench.cli(['audit', 'verify']);
  } finally {
    await bench.close();
  }
  const acks = many.clicks.map((c) => c.ackMs).sort((a, b) => a - b);
  const done = many.clicks.flatMap((c) => (c.doneMs === undefined ? [] : [c.doneMs]));
  done.sort((a, b) => a - b);
  const late = acks.filter((ms) => ms >= SLACK_ACK_MS).length;
  const refused = many.clicks.filter((c) => c.status !== 200).length;
  const rateOne = one.clicks.length / one.seconds;
  const rateMany = many.clicks.length / many.seconds;
  const ms = (value: number) => `${formatNumber(value, 0)} ms`;
  const ackP99 = percentile(acks, 99);
  return [
    {
      metric: `clicks at concurrency ${String(concurrency)} (distinct findings)`,
      value: formatNumber(many.clicks.length),
    },
    { metric: 'click → ack p50', value: ms(percentile(acks, 50)) },
    {
      metric: 'click → ack p99',
      value: ms(ackP99),
      target: '< 3,000 ms',
      ok: ackP99 < SLACK_ACK_MS,
    },
    { metric: 'click → ack max', value: ms(acks.at(-1) ?? Number.NaN) },
    {
      metric: 'acks at or over 3 s, or not 200',
      value: formatNumber(late + refused),
      target: '0',
      ok: late + refused === 0,
    },
    {
      metric: 'actions done (message shows Unarchive)',
      value: `${formatNumber(done.length)} / ${formatNumber(many.clicks.length)}`,
      target: 'all',
      ok: done.length === many.clicks.length,
    },
    { metric: 'click → done p50', value: ms(percentile(done, 50)) },
    { metric: 'click → done p99', value: ms(percentile(done, 99)) },
    { metric: 'throughput, one at a time', value: `${formatNumber(rateOne, 1)} clicks/s` },
    {
      metric: `throughput, ${String(concurrency)} at a time`,
      value: `${formatNumber(rateMany, 1)} clicks/s`,
    },
    {
      metric: `throughput ratio ${String(concurrency)} / 1`,
      value: formatNumber(rateMany / rateOne, 2),
      // The CPU bounds both on a saturated box; what must not happen is a fall (it was 0.56).
      target: '≥ 0.9 (does not fall with concurrency)',
      ok: rateMany / rateOne >= 0.9,
    },
    {
      metric: 'audit verify afterwards',
      value:
        verified.code === 0
          ? 'intact (exit 0)'
          : `exit ${String(verified.code)}: ${verified.stdout}${verified.stderr}`.slice(0, 200),
      target: 'exit 0',
      ok: verified.code === 0,
    },
  ] satisfies BenchRow[];
};
