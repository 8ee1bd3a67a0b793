import { performance } from 'node:perf_hooks';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createQueuedFindingsHandler } from '../src/app/queuedFindings';
import { createPipeline } from '../src/app/pipeline';
import { openedStore } from '../src/app/store';
import { burstGroups, findingRecords } from '../src/app/findingRecordWriter';
import { loadConfig } from '../src/config';
import { createScorer } from '../src/ipinsights/factory';
import { parseRoutes } from '../src/routing/parseRoutes';
import { silentLog, type Log } from '../src/shared/log';
import { FINDING_EVENT_TYPE } from '../src/bot/render/finding';
import { BURST_EVENT_TYPE } from '../src/bot/render/burst';
import { rawFinding } from './fixtures';
import { LocalQueue } from './localQueue';
import { startTestStore } from './store';
import { countStoreCalls } from './storeCalls';
import { percentile } from './percentile';

/** A clock running `scale` times faster than the wall, and a sleep on it. */
export function scaledClock(scale: number, start = Date.parse('2026-12-01T03:00:00Z')) {
  const origin = performance.now();
  return {
    scale,
    now: () => Math.round(start + (performance.now() - origin) * scale),
    sleep: (ms: number) =>
      new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms / scale))),
  };
}

export const BURST_CHANNELS = ['C0HIGH', 'C0MEDIUM', 'C0LOW'] as const;

/** Slack's posting limit as the sandbox enforces it in the run. */
export const SLACK_LIMIT = { messagesPerSecond: 1, burst: 3 } as const;

/** The template's findings queue and event source mapping. */
export const QUEUE = {
  batchSize: 10,
  maxConcurrency: 2,
  visibilityTimeoutMs: 720_000,
  maxReceiveCount: 5,
  functionTimeoutMs: 120_000,
} as const;

const routes = (grouping: { windowSeconds: number; threshold: number }) => `
version: 1
grouping: { windowSeconds: ${grouping.windowSeconds}, threshold: ${grouping.threshold} }
routes:
  - { name: high, match: { severity: [Critical, High] }, to: { channels: [C0HIGH] } }
  - { name: medium, match: { severity: [Medium] }, to: { channels: [C0MEDIUM] } }
  - { name: low, match: { severity: [Low] }, to: { channels: [C0LOW] } }
`;

const BASE = 'Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json';

interface Kind {
  readonly type: string;
  readonly severity: number;
  readonly accounts: number;
  readonly share: number;
}

/**
 * A crypto-mining outbreak across an auto-scaling group, the reconnaissance around it and a
 * tail of low-severity findings of many kinds: most keys are bursts, some stay below the
 * threshold (posted on their own).
 */
const KINDS: readonly Kind[] = [
  { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', severity: 8, accounts: 2, share: 0.34 },
  { type: 'Recon:EC2/PortProbeUnprotectedPort', severity: 5, accounts: 3, share: 0.2 },
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 5, accounts: 2, share: 0.13 },
  ...Array.from({ length: 5 }, (_, i) => ({
    type: `Policy:S3/Synthetic${i.toString().padStart(2, '0')}`,
    severity: 2,
    accounts: 3,
    share: 0.3 / 5,
  })),
  // A tail of single findings: never a burst.
  ...Array.from({ length: 30 }, (_, i) => ({
    type: `Discovery:S3/Synthetic${i.toString().padStart(2, '0')}`,
    severity: 2 + (i % 3) * 2.5,
    accounts: 1,
    share: 0.001,
  })),
];

/** `total` distinct findings of the kinds above, as EventBridge events (ids are hex, unique). */
export function burstEvents(total: number): string[] {
  const events: string[] = [];
  const base = rawFinding(BASE);
  let n = 0;
  for (const [k, kind] of KINDS.entries()) {
    // The last kind takes what rounding left, so there are exactly `total`.
    const count = k === KINDS.length - 1 ? total - n : Math.round(kind.share * total);
    for (let i = 0; i < count && n < total; i += 1, n += 1) {
      const detail = structuredClone(base);
      const account = `1111${(i % kind.accounts).toString().padStart(8, '0')}`;
      detail.id = `b${n.toString(16).padStart(31, '0')}`;
      detail.arn = `arn:aws:guardduty:us-east-1:${account}:detector/d/finding/${String(detail.id)}`;
      detail.accountId = account;
      detail.type = kind.type;
      detail.severity = kind.severity;
      detail.title = `${kind.type} on i-${n.toString(16).padStart(17, '0')}`;
      events.push(
        JSON.stringify({
          version: '0',
          id: `e${n.toString(16).padStart(35, '0')}`,
          'detail-type': 'GuardDuty Finding',
          source: 'aws.guardduty',
          account,
          time: '2026-12-01T03:00:00Z',
          region: 'us-east-1',
          resources: [],
          detail,
        }),
      );
    }
  }
  return interleaved(events);
}

/** A burst arrives mixed: a fixed shuffle (a small LCG), the same in every run. */
function interleaved<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 20_261_201;
  for (let i = out.length - 1; i > 0; i -= 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface BurstResult {
  readonly findings: number;
  readonly scale: number;
  /** chat.postMessage calls Slack accepted: burst messages, findings on their own, replies. */
  readonly posted: number;
  readonly topLevel: number;
  readonly bursts: number;
  readonly replies: number;
  readonly slackCalls: number;
  readonly rateLimited: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly batches: number;
  /** Slack seconds from the first event queued to the last message posted. */
  readonly totalS: number;
  /** The least time Slack's limit allows for the messages posted (the busiest channel). */
  readonly floorS: number;
  readonly postP50S: number;
  readonly postP99S: number;
  readonly storeRoundTripsPerFinding: number;
  readonly wallMs: number;
  /** CPU time of the whole process (pipeline, embedded store and sandbox) per finding. */
  readonly cpuMsPerFinding: number;
}

function findingIdOf(message: { metadata?: { event_type: string; event_payload: unknown } }) {
  if (message.metadata?.event_type !== FINDING_EVENT_TYPE) return undefined;
  const payload = message.metadata.event_payload as Record<string, unknown> | undefined;
  return typeof payload?.finding_id === 'string' ? payload.finding_id : undefined;
}

/** Every finding message in the channels, threads included: finding id → how many. */
function messagesByFinding(slack: LocalSlack): { counts: Map<string, number>; bursts: number } {
  const counts = new Map<string, number>();
  let bursts = 0;
  for (const channel of BURST_CHANNELS) {
    for (const message of slack.workspace.history(channel)) {
      const top = findingIdOf(message);
      if (top !== undefined) counts.set(top, (counts.get(top) ?? 0) + 1);
      if (message.metadata?.event_type !== BURST_EVENT_TYPE) continue;
      bursts += 1;
      for (const reply of slack.workspace.thread(channel, message.ts)) {
        if (reply.ts === message.ts) continue;
        const id = findingIdOf(reply);
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
  }
  return { counts, bursts };
}

/**
 * A burst through the real pipeline: the events in the findings queue at once, its consumer
 * (the findings function's handler, MaximumConcurrency 2, batches of 10) against the embedded
 * store and the sandbox's Slack enforcing 1 message per second per channel, all on a clock
 * `scale` times faster than the wall.
 */
export async function runBurst(options: {
  readonly findings: number;
  readonly scale: number;
  /** Where the consumers' warnings and errors go (default: nowhere). */
  readonly log?: Log;
  /** The routing file's grouping (default: 5 findings in 300 s, the built-in one). */
  readonly grouping?: { readonly windowSeconds: number; readonly threshold: number };
  /** The queue and function settings (default: the template's). */
  readonly queue?: Partial<Record<keyof typeof QUEUE, number>>;
}): Promise<BurstResult> {
  const log = options.log ?? silentLog;
  const settings = { ...QUEUE, ...options.queue };
  const clock = scaledClock(options.scale);
  const store = await startTestStore();
  const slack = await startLocalSlack({
    channels: [...BURST_CHANNELS],
    clock: { now: clock.now },
    rateLimit: SLACK_LIMIT,
  });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: BURST_CHANNELS[0],
    MIN_SEVERITY: '0',
    STORE: 'dynamodb',
  });
  const opened = openedStore(store.client, store.tables, () => Promise.resolve());
  const scorer = await createScorer({}, {});
  // One pipeline per concurrent consumer: each Lambda instance paces and counts on its own.
  const pipelines = Array.from({ length: settings.maxConcurrency }, () =>
    createPipeline(config, {
      log: silentLog,
      store: opened,
      findings: findingRecords(opened),
      scorer,
      routes: parseRoutes(
        routes(options.grouping ?? { windowSeconds: 300, threshold: 5 }),
        'burst routes',
        BURST_CHANNELS[0],
      ),
      clock: () => new Date(clock.now()),
      pace: { now: clock.now, sleep: clock.sleep },
      bursts: burstGroups(opened),
    }),
  );
  const queue = new LocalQueue({ ...settings, now: clock.now, sleep: clock.sleep });
  const calls = countStoreCalls(store.client);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const events = burstEvents(options.findings);
    const sentAt = clock.now();
    for (const body of events) queue.send(body);
    await queue.drain((event, worker) => {
      // Each batch is one invocation with the function's timeout.
      const deadline = clock.now() + settings.functionTimeoutMs;
      const pipeline = pipelines[worker];
      if (pipeline === undefined) throw new Error(`no pipeline for consumer ${worker}`);
      return createQueuedFindingsHandler(() => Promise.resolve(pipeline), log, {
        remainingMs: () => deadline - clock.now(),
      })(event);
    });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const posts = slack.callsTo('chat.postMessage');
    const accepted = posts.filter((c) => c.ok);
    const { counts, bursts } = messagesByFinding(slack);
    const ids = new Set(events.map((e) => (JSON.parse(e) as { detail: { id: string } }).detail.id));
    let duplicates = 0;
    for (const n of counts.values()) duplicates += Math.max(0, n - 1);
    const lost = [...ids].filter((id) => !counts.has(id)).length;
    const perChannel = BURST_CHANNELS.map(
      (channel) => accepted.filter((c) => c.args.channel === channel).length,
    );
    const floorS = Math.max(
      ...perChannel.map((n) => Math.max(0, n - SLACK_LIMIT.burst) / SLACK_LIMIT.messagesPerSecond),
    );
    const lastAt = Math.max(...accepted.map((c) => c.at));
    const toPost = accepted
      .filter((c) => c.args.thread_ts !== undefined || c.args.metadata !== undefined)
      .map((c) => (c.at - sentAt) / 1000)
      .sort((a, b) => a - b);
    const topLevel = BURST_CHANNELS.reduce((n, c) => n + slack.workspace.history(c).length, 0);
    return {
      findings: events.length,
      scale: options.scale,
      posted: accepted.length,
      topLevel,
      bursts,
      replies: accepted.length - topLevel,
      slackCalls: slack.calls.length,
      rateLimited: posts.filter((c) => c.error === 'ratelimited').length,
      lost,
      duplicates,
      deadLettered: queue.deadLettered.length,
      batches: queue.batches,
      totalS: (lastAt - sentAt) / 1000,
      floorS,
      postP50S: percentile(toPost, 50),
      postP99S: percentile(toPost, 99),
      storeRoundTripsPerFinding: calls.sent.length / events.length,
      wallMs,
      cpuMsPerFinding: (used.user + used.system) / 1000 / events.length,
    };
  } finally {
    calls.stop();
    await slack.close();
    for (const pipeline of pipelines) await pipeline.close();
    await store.close();
  }
}
