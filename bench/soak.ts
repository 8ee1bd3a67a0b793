import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { CHANNEL, RESPONDER, startServeBench, untilButton, type ServeBench } from './serveProcess';
import { percentile } from '../harness/percentile';
import { formatNumber, type BenchRow, type BenchSection } from './table';

const RATE_PER_SECOND = 20;
const GROWTH_LIMIT = 0.15;

/** One request of the mix; clicks toggle a finding between archived and not, as people do. */
type Kind = 'click' | 'show' | 'help' | 'score' | 'audit';
const MIX: readonly Kind[] = [
  'click',
  'show',
  'click',
  'help',
  'click',
  'score',
  'click',
  'audit',
  'click',
  'show',
];

interface Tally {
  sent: number;
  /** Clicks not sent because every finding's last click was still running: the worker was behind. */
  skipped: number;
  failed: number;
  acks: number[];
  reasons: Map<string, number>;
}

class Traffic {
  private readonly idle: number[];
  private readonly archived = new Set<number>();
  private turn = 0;
  readonly tally: Tally = { sent: 0, skipped: 0, failed: 0, acks: [], reasons: new Map() };
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly bench: ServeBench) {
    this.idle = bench.messages.map((_, n) => n);
  }

  /** Sends the next request of the mix without waiting for it. */
  send(): void {
    const kind = MIX[this.turn % MIX.length] ?? 'help';
    this.turn += 1;
    const request = this.request(kind).catch((error: unknown) => {
      this.fail(error instanceof Error ? error.message : String(error));
    });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async request(kind: Kind): Promise<void> {
    const { slack, messages, findingIds } = this.bench;
    const pick = this.turn % findingIds.length;
    if (kind === 'click') {
      // A finding whose last click has finished; none free means the worker is behind: count it.
      const n = this.idle.shift();
      if (n === undefined) {
        this.tally.skipped += 1;
        return;
      }
      const ts = messages[n] ?? '';
      const undo = this.archived.has(n);
      try {
        const response = await slack.clickButton({
          user: RESPONDER,
          messageTs: ts,
          actionId: undo ? 'remediate:unarchive' : 'remediate:archive',
        });
        this.record(response.status, response.elapsedMs);
        const next = undo ? 'remediate:archive' : 'remediate:unarchive';
        if (!(await untilButton(slack, ts, next, 60_000))) throw new Error('never finished');
        if (undo) this.archived.delete(n);
        else this.archived.add(n);
      } finally {
        this.idle.push(n);
      }
      return;
    }
    const text =
      kind === 'show'
        ? `show ${findingIds[pick] ?? ''}`
        : kind === 'score'
          ? 'score AIDAEXAMPLEUSER 198.51.100.7'
          : kind === 'audit'
            ? `audit --finding ${findingIds[pick] ?? ''}`
            : 'help';
    const response = await slack.runSlashCommand({ user: RESPONDER, channel: CHANNEL, text });
    this.record(response.status, response.elapsedMs);
  }

  private record(status: number, elapsedMs: number): void {
    this.tally.sent += 1;
    this.tally.acks.push(elapsedMs);
    if (status !== 200) this.fail(`answered ${String(status)}`);
  }

  private fail(reason: string): void {
    this.tally.failed += 1;
    this.tally.reasons.set(reason, (this.tally.reasons.get(reason) ?? 0) + 1);
  }
}

/** Sends the mix at RATE_PER_SECOND for `seconds`, on a fixed schedule (late ticks catch up). */
async function drive(traffic: Traffic, seconds: number): Promise<void> {
  const started = performance.now();
  const total = seconds * RATE_PER_SECOND;
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    traffic.send();
  }
}

/**
 * `serve` in its own process under 20 requests a second of mixed traffic (clicks that archive and
 * unarchive, show, help, score, audit) for ten minutes: its RSS at the end must be within 15% of
 * its RSS after the warm-up. Memory that grows with clicks shows here, not in a short test.
 */
export const soakBench: BenchSection = async ({ quick }) => {
  const warmUp = quick ? 20 : 60;
  const soak = quick ? 60 : 600;
  const bench = await startServeBench(100);
  const samples: number[] = [];
  let traffic;
  let atWarm;
  let atEnd;
  try {
    traffic = new Traffic(bench);
    await drive(traffic, warmUp);
    await traffic.drain();
    atWarm = bench.serve.rssMiB();
    const sampler = setInterval(() => samples.push(bench.serve.rssMiB()), 10_000);
    try {
      await drive(traffic, soak);
      await traffic.drain();
    } finally {
      clearInterval(sampler);
    }
    atEnd = bench.serve.rssMiB();
  } finally {
    await bench.close();
  }
  const growth = (atEnd - atWarm) / atWarm;
  const acks = [...traffic.tally.acks].sort((a, b) => a - b);
  const mib = (value: number) => `${formatNumber(value, 0)} MiB`;
  return [
    {
      metric: 'mixed requests (half clicks)',
      value: `${formatNumber(traffic.tally.sent)} in ${formatNumber(warmUp + soak)} s`,
    },
    {
      metric: 'clicks skipped: all 100 findings still busy (worker behind)',
      value: formatNumber(traffic.tally.skipped),
    },
    {
      metric: 'failed (not 200, or never finished)',
      value: [
        formatNumber(traffic.tally.failed),
        ...[...traffic.tally.reasons].map(([reason, n]) => `${reason}: ${formatNumber(n)}`),
      ].join('; '),
      target: '0',
      ok: traffic.tally.failed === 0,
    },
    { metric: 'ack p99', value: `${formatNumber(percentile(acks, 99), 0)} ms` },
    { metric: `RSS after ${String(warmUp)} s warm-up`, value: mib(atWarm) },
    { metric: 'RSS highest sample', value: mib(Math.max(atWarm, ...samples)) },
    { metric: `RSS after ${String(soak)} s more`, value: mib(atEnd) },
    {
      metric: 'RSS growth after warm-up',
      value: `${formatNumber(growth * 100, 1)}%`,
      target: `≤ ${String(GROWTH_LIMIT * 100)}%`,
      ok: growth <= GROWTH_LIMIT,
    },
  ] satisfies BenchRow[];
};
