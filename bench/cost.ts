import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { findingRecords } from '../src/app/findingRecordWriter';
import { subjectStates } from '../src/app/findingRepositories';
import { openedStore } from '../src/app/store';
import { FindingPublisher } from '../src/bot/findingPublisher';
import { createRemediationDecorator } from '../src/bot/interactions/decorator';
import { renderFinding } from '../src/bot/render/finding';
import { scoreFinding } from '../src/bot/scoreFinding';
import type { ChannelMessages } from '../src/bot/slackClient';
import { parseFindingInput } from '../src/findings';
import { createScorer } from '../src/ipinsights/factory';
import { routeFinding } from '../src/routing/match';
import { parseRoutes } from '../src/routing/parseRoutes';
import { silentLog } from '../src/shared/log';
import { fixtureNames, rawFixture } from '../harness/fixtures';
import { startTestStore } from '../harness/store';
import { formatNumber, type BenchRow, type BenchSection } from './table';

const CHANNEL = 'C0SECURITY';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Slack as a stub that answers at once: what is measured is the bot's own work. */
function stubMessages(): ChannelMessages {
  let n = 0;
  return {
    post: () => Promise.resolve({ ts: `1760000000.${(n += 1).toString().padStart(6, '0')}` }),
    update: () => Promise.resolve(),
    findFindingMessage: () => Promise.resolve(undefined),
  };
}

/** The fixture events with ids of their own for one round (each round's findings are new). */
function roundEvents(round: number): unknown[] {
  return fixtureNames().map((name) => {
    const raw = structuredClone(rawFixture(name));
    const detail = (raw.detail ?? raw) as Record<string, unknown>;
    detail.id = `${round.toString(16).padStart(4, '0')}${String(detail.id).slice(4)}`;
    return raw;
  });
}

/**
 * Cost per finding, side by side on the same events in one run: a stateless render-and-post
 * notifier (parse, render, post: what a bot without state does) and this project's publisher
 * (parse, route, claim, score, render with the remediation state, post, record) against the
 * embedded store on loopback. Slack is an in-process stub in both, so the times are the bots'
 * own processing, store round trips included; the round trips are counted at the SDK.
 */
export const costBench: BenchSection = async ({ quick }) => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const rounds = quick ? 5 : 25;
  const store = await startTestStore();
  const opened = openedStore(store.client, store.tables, () => Promise.resolve());
  const trips: { table: string; command: string }[] = [];
  store.client.middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input as { TableName?: string; RequestItems?: object };
      trips.push({
        command: String(context.commandName),
        table: input.TableName ?? Object.keys(input.RequestItems ?? {}).join(','),
      });
      return next(args);
    },
    { step: 'initialize', name: 'costBenchTrips' },
  );
  const scorer = await createScorer({}, {});
  const routes = parseRoutes(
    `routes: [{ name: everything, to: { channels: [${CHANNEL}] } }]`,
    'bench routes',
    CHANNEL,
  );
  const publisher = new FindingPublisher({
    store: findingRecords(opened),
    messages: stubMessages(),
    scorer,
    route: (finding) => routeFinding(routes, finding),
    minSeverity: 0,
    clock: () => new Date(),
    newToken: randomUUID,
    log: silentLog,
    decorate: createRemediationDecorator(subjectStates(opened)),
  });
  const baselineMessages = stubMessages();
  const baseline: number[] = [];
  const fresh: number[] = [];
  const replay: number[] = [];
  let events = 0;
  let freshTrips = 0;
  let freshRecordTrips = 0;
  let replayTrips = 0;
  try {
    for (let round = 0; round <= rounds; round += 1) {
      const batch = roundEvents(round);
      // The baseline's score view is made before timing: a stateless notifier does not score.
      const views = await Promise.all(
        batch.map((e) => scoreFinding(parseFindingInput(e).finding, scorer, silentLog)),
      );
      let t = performance.now();
      for (const [i, event] of batch.entries()) {
        const { finding } = parseFindingInput(event);
        const view = views[i];
        if (view === undefined) throw new Error('unreachable: no score view');
        await baselineMessages.post(CHANNEL, renderFinding(finding, { score: view }));
      }
      const baselineMs = (performance.now() - t) / batch.length;
      trips.length = 0;
      t = performance.now();
      for (const event of batch) await publisher.publish(parseFindingInput(event).finding);
      const freshMs = (performance.now() - t) / batch.length;
      const freshCount = trips.length;
      const recordCount = trips.filter((r) => r.table === store.tables.findings).length;
      trips.length = 0;
      t = performance.now();
      for (const event of batch) {
        const outcome = await publisher.publish(parseFindingInput(event).finding);
        if (outcome.kind !== 'unchanged') throw new Error(`replay was ${outcome.kind}`);
      }
      const replayMs = (performance.now() - t) / batch.length;
      // Round 0 warms every path up; it is not counted.
      if (round === 0) continue;
      baseline.push(baselineMs);
      fresh.push(freshMs);
      replay.push(replayMs);
      events += batch.length;
      freshTrips += freshCount;
      freshRecordTrips += recordCount;
      replayTrips += trips.length;
    }
  } finally {
    store.client.middlewareStack.remove('costBenchTrips');
    await store.close();
  }
  const perFinding = (n: number) => formatNumber(n / events, 2);
  const ms = (n: number) => `${formatNumber(n, 2)} ms`;
  const base = median(baseline);
  return [
    {
      metric: 'events (the fixtures, fresh ids each round)',
      value: `${String(events / rounds)} × ${String(rounds)}`,
    },
    { metric: 'stateless baseline: parse, render, post (per finding)', value: ms(base) },
    { metric: 'this project, new finding (per finding)', value: ms(median(fresh)) },
    { metric: '  ratio to the baseline', value: `${formatNumber(median(fresh) / base, 1)}×` },
    {
      metric: '  store round trips per new finding',
      value: perFinding(freshTrips),
    },
    {
      metric: '  of them on the finding record (claim, record)',
      value: perFinding(freshRecordTrips),
      target: '≤ 2',
      ok: freshRecordTrips / events <= 2,
    },
    {
      metric: '  the rest: remediation state of its instance, key or role',
      value: perFinding(freshTrips - freshRecordTrips),
    },
    { metric: 'this project, unchanged replay (per finding)', value: ms(median(replay)) },
    {
      metric: '  store round trips per replay',
      value: perFinding(replayTrips),
      target: '1',
      ok: replayTrips === events,
    },
  ] satisfies BenchRow[];
};
