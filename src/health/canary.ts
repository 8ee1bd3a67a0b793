import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import { clockTime, duration, type CheckName, type CheckResult } from './checks';
import type {
  GuardDutyProbe,
  HealthMetric,
  HealthNotifier,
  MetricSink,
  ModelProbe,
  QueueProbe,
  RegionStates,
  RuleProbe,
  SampleLedger,
  SampleRequest,
  TokenProbe,
} from './ports';
import {
  advance,
  noticeFailed,
  noticePosted,
  type RegionState,
  type RunSummary,
} from './regionState';

/** A region the canary watches, and the EventBridge rule that carries its findings home. */
export interface CanaryRegion {
  readonly region: string;
  readonly rule: string;
}

export interface NamedQueue {
  /** "findings", "worker": what a message in it is. */
  readonly name: string;
  readonly url: string;
}

export interface CanaryDeps {
  /** The first is the stack's own region: the token, model and queue checks run there. */
  readonly regions: readonly CanaryRegion[];
  readonly findingType: string;
  /** How long a sample may take from CreateSampleFindings to the findings function. */
  readonly delayMs: number;
  readonly guardduty: GuardDutyProbe;
  readonly rules: RuleProbe;
  readonly token: TokenProbe;
  /** Absent: no embedded model is configured (the check is skipped). */
  readonly model?: { readonly probe: ModelProbe; readonly maxAgeMs: number };
  readonly queues: { readonly probe: QueueProbe; readonly queues: readonly NamedQueue[] };
  readonly ledger: SampleLedger;
  readonly states: RegionStates;
  readonly metrics: MetricSink;
  readonly notifier: HealthNotifier;
  readonly clock: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly newId: () => string;
  readonly log: Log;
  /** How often the store is asked whether the samples arrived. */
  readonly pollMs?: number;
}

export interface RegionReport {
  readonly region: string;
  readonly checks: readonly CheckResult[];
  readonly latencyMs?: number;
  readonly sampleFindingId?: string;
  /** The region's state after this run (undefined if it could not be saved). */
  readonly state?: RegionState;
}

export interface CanaryReport {
  readonly runId: string;
  readonly trigger: RunSummary['trigger'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly regions: readonly RegionReport[];
}

const DEFAULT_POLL_MS = 5_000;
const SAVE_ATTEMPTS = 5;

interface Started {
  readonly region: CanaryRegion;
  readonly detector: CheckResult;
  readonly rule: CheckResult;
  /** The sample asked for, or why none could be. */
  readonly sample: SampleRequest | CheckResult;
}

type Arrival = { readonly receivedAt: number; readonly findingId: string };

const ok = (check: CheckName, detail: string): CheckResult => ({ check, status: 'ok', detail });
const failing = (check: CheckName, detail: string): CheckResult => ({
  check,
  status: 'failing',
  detail,
});
const skipped = (check: CheckName, detail: string): CheckResult => ({
  check,
  status: 'skipped',
  detail,
});

/**
 * The canary in the coal mine: in every region it asks GuardDuty for one sample finding and
 * waits for the findings function to record it (the whole path: detector, EventBridge, the
 * rule, the function, the store), checks the detector and the rule are enabled, and, in the
 * stack's region, that Slack accepts the bot token, the model is fresh and the dead-letter queues
 * are empty. It publishes a healthy 1/0 metric per check and region, remembers each region's
 * state, and posts to the channel only when what is failing changes: one alert, one recovery.
 */
export class Canary {
  private readonly pollMs: number;

  constructor(private readonly deps: CanaryDeps) {
    this.pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  }

  async run(trigger: RunSummary['trigger']): Promise<CanaryReport> {
    const { deps } = this;
    const started = deps.clock();
    // Sorts by time: the ledger keeps a region's runs in this order.
    const runId = `${started.toISOString()}~${deps.newId().slice(0, 8)}`;
    deps.log.info('canary run started', {
      runId,
      trigger,
      regions: deps.regions.map((r) => r.region),
    });
    const regions = await Promise.all(deps.regions.map((region) => this.start(runId, region)));
    const [home, arrivals] = await Promise.all([
      this.homeChecks(),
      this.waitForSamples(regions.flatMap((r) => sampleOf(r))),
    ]);
    const results = regions.map((started, index) => {
      const sample = this.sampleResult(started, arrivals);
      const checks = [sample.result, started.detector, started.rule, ...(index === 0 ? home : [])];
      return { region: started.region.region, checks, ...sample.arrival };
    });
    await this.publishMetrics(results, started);
    const reports: RegionReport[] = [];
    for (const result of results) {
      const summary: RunSummary = {
        runId,
        at: started.toISOString(),
        trigger,
        checks: result.checks,
        ...(result.latencyMs === undefined ? {} : { latencyMs: result.latencyMs }),
        ...(result.sampleFindingId === undefined
          ? {}
          : { sampleFindingId: result.sampleFindingId }),
      };
      const state = await this.settle(result.region, summary);
      reports.push({ ...result, ...(state === undefined ? {} : { state }) });
    }
    const finished = deps.clock();
    deps.log.info('canary run finished', {
      runId,
      failing: results.flatMap((r) =>
        r.checks.filter((c) => c.status === 'failing').map((c) => `${r.region}:${c.check}`),
      ),
      latencyMs: Object.fromEntries(results.map((r) => [r.region, r.latencyMs ?? null])),
    });
    return {
      runId,
      trigger,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      regions: reports,
    };
  }

  /** The detector, the rule, and the sample asked for (recorded before GuardDuty is asked). */
  private async start(runId: string, region: CanaryRegion): Promise<Started> {
    const { deps } = this;
    const [detector, rule] = await Promise.all([this.detector(region.region), this.rule(region)]);
    const detectorId = detector.id;
    if (detectorId === undefined) {
      return {
        region,
        detector: detector.result,
        rule,
        sample: failing('sample', `no sample could be asked for in ${region.region}: no detector`),
      };
    }
    const requestedAt = deps.clock().getTime();
    const request: SampleRequest = {
      runId,
      type: deps.findingType,
      detectorId,
      requestedAt,
      deadline: requestedAt + deps.delayMs,
    };
    try {
      await deps.ledger.open(region.region, request);
      await deps.guardduty.createSampleFindings(region.region, detectorId, [deps.findingType]);
      return { region, detector: detector.result, rule, sample: request };
    } catch (error) {
      deps.log.warn('canary sample not requested', {
        region: region.region,
        error: errorMessage(error),
      });
      return {
        region,
        detector: detector.result,
        rule,
        sample: failing(
          'sample',
          `GuardDuty did not create the sample in ${region.region}: ${errorMessage(error)}`,
        ),
      };
    }
  }

  private async detector(
    region: string,
  ): Promise<{ readonly result: CheckResult; readonly id?: string }> {
    const { guardduty } = this.deps;
    try {
      const [id] = await guardduty.detectorIds(region);
      if (id === undefined) {
        return { result: failing('detector', `there is no GuardDuty detector in ${region}`) };
      }
      const status = await guardduty.detectorStatus(region, id);
      if (status === 'ENABLED') return { result: ok('detector', `detector ${id} is ENABLED`), id };
      // A suspended detector produces no findings, samples included (GuardDuty says DISABLED).
      return { result: failing('detector', `detector ${id} is ${status}`), id };
    } catch (error) {
      return {
        result: failing(
          'detector',
          `could not read the detector in ${region}: ${errorMessage(error)}`,
        ),
      };
    }
  }

  private async rule(region: CanaryRegion): Promise<CheckResult> {
    try {
      const state = await this.deps.rules.ruleState(region.region, region.rule);
      if (state === undefined) {
        return failing(
          'rule',
          `EventBridge rule ${region.rule} does not exist in ${region.region}`,
        );
      }
      if (state === 'ENABLED') return ok('rule', `EventBridge rule ${region.rule} is ENABLED`);
      return failing('rule', `EventBridge rule ${region.rule} is ${state}`);
    } catch (error) {
      return failing(
        'rule',
        `could not read EventBridge rule ${region.rule} in ${region.region}: ${errorMessage(error)}`,
      );
    }
  }

  /** Asks the store until every sample has arrived or its deadline has passed. */
  private async waitForSamples(
    requests: readonly { readonly region: string; readonly request: SampleRequest }[],
  ): Promise<ReadonlyMap<string, Arrival>> {
    const { deps } = this;
    const arrived = new Map<string, Arrival>();
    let waiting = [...requests];
    while (waiting.length > 0) {
      const seen = await Promise.all(
        waiting.map(async ({ region, request }) => {
          const stored = (await deps.ledger.requests(region)).find(
            (r) => r.runId === request.runId,
          );
          return { region, stored };
        }),
      );
      for (const { region, stored } of seen) {
        if (stored?.receivedAt !== undefined && stored.findingId !== undefined) {
          arrived.set(region, { receivedAt: stored.receivedAt, findingId: stored.findingId });
        }
      }
      const now = deps.clock().getTime();
      waiting = waiting.filter(
        ({ region, request }) => !arrived.has(region) && now < request.deadline,
      );
      if (waiting.length === 0) break;
      const next = Math.min(...waiting.map(({ request }) => request.deadline)) - now;
      await deps.sleep(Math.max(1, Math.min(this.pollMs, next)));
    }
    return arrived;
  }

  private sampleResult(
    started: Started,
    arrivals: ReadonlyMap<string, Arrival>,
  ): {
    readonly result: CheckResult;
    readonly arrival?: { readonly latencyMs: number; readonly sampleFindingId: string };
  } {
    const { sample, region } = started;
    if (!('runId' in sample)) return { result: sample };
    const arrival = arrivals.get(region.region);
    if (arrival === undefined || arrival.receivedAt > sample.deadline) {
      return {
        result: failing(
          'sample',
          `the canary's ${sample.type} sample, asked for at ${clockTime(sample.requestedAt)}, did not reach the findings function within ${duration(this.deps.delayMs)}`,
        ),
      };
    }
    const latencyMs = Math.max(0, arrival.receivedAt - sample.requestedAt);
    return {
      result: ok('sample', `the sample arrived ${duration(latencyMs)} after it was asked for`),
      arrival: { latencyMs, sampleFindingId: arrival.findingId },
    };
  }

  private async homeChecks(): Promise<CheckResult[]> {
    return Promise.all([this.token(), this.model(), this.queues()]);
  }

  private async token(): Promise<CheckResult> {
    try {
      const verdict = await this.deps.token.check();
      return verdict.ok
        ? ok('token', 'Slack accepts the bot token')
        : failing('token', `Slack rejects the bot token: ${verdict.error}`);
    } catch (error) {
      return failing(
        'token',
        `could not reach Slack to check the bot token: ${errorMessage(error)}`,
      );
    }
  }

  private async model(): Promise<CheckResult> {
    const setting = this.deps.model;
    if (setting === undefined)
      return skipped('model', 'no embedded IP Insights model is configured');
    try {
      const current = await setting.probe.current();
      if (current === undefined) {
        return failing('model', 'no IP Insights model is published yet: findings are not scored');
      }
      const age = this.deps.clock().getTime() - Date.parse(current.trainedAt);
      const days = Math.floor(age / 86_400_000);
      const maxDays = Math.round(setting.maxAgeMs / 86_400_000);
      const trained = `trained ${current.trainedAt.slice(0, 10)}, ${Number.isNaN(days) ? 'at an unknown time' : `${days} days ago`}`;
      if (Number.isNaN(age) || age > setting.maxAgeMs) {
        return failing(
          'model',
          `the IP Insights model is too old: ${trained}; the maximum is ${maxDays} days`,
        );
      }
      return ok('model', `the IP Insights model was ${trained}`);
    } catch (error) {
      return failing('model', `could not read the IP Insights model: ${errorMessage(error)}`);
    }
  }

  private async queues(): Promise<CheckResult> {
    const { probe, queues } = this.deps.queues;
    if (queues.length === 0) return skipped('queues', 'no dead-letter queue here');
    const problems: string[] = [];
    await Promise.all(
      queues.map(async (queue) => {
        try {
          const depth = await probe.depth(queue.url);
          if (depth > 0) {
            problems.push(
              `the ${queue.name} dead-letter queue holds ${depth} message${depth === 1 ? '' : 's'}`,
            );
          }
        } catch (error) {
          problems.push(
            `could not read the ${queue.name} dead-letter queue: ${errorMessage(error)}`,
          );
        }
      }),
    );
    if (problems.length > 0) return failing('queues', problems.sort().join('; '));
    return ok(
      'queues',
      `${queues.length === 1 ? 'the dead-letter queue is' : `all ${queues.length} dead-letter queues are`} empty`,
    );
  }

  private async publishMetrics(
    results: readonly { readonly region: string; readonly checks: readonly CheckResult[] }[],
    at: Date,
  ): Promise<void> {
    const metrics: HealthMetric[] = [];
    let all: 0 | 1 = 1;
    for (const { region, checks } of results) {
      let regionValue: 0 | 1 = 1;
      for (const result of checks) {
        if (result.status === 'skipped') continue;
        const value = result.status === 'ok' ? 1 : 0;
        if (value === 0) regionValue = 0;
        metrics.push({ region, check: result.check, value, at });
      }
      metrics.push({ region, value: regionValue, at });
      if (regionValue === 0) all = 0;
    }
    metrics.push({ value: all, at });
    try {
      await this.deps.metrics.publish(metrics);
    } catch (error) {
      // The channel and the state still say it; the metric's alarm treats the gap as a failure.
      this.deps.log.error('canary metrics not published', { error: errorMessage(error) });
    }
  }

  /** The region's new state, saved against overlapping runs, and its message if it is ours. */
  private async settle(region: string, summary: RunSummary): Promise<RegionState | undefined> {
    const { deps } = this;
    const now = deps.clock();
    let saved: RegionState | undefined;
    let previous: RegionState | undefined;
    for (let attempt = 0; attempt < SAVE_ATTEMPTS && saved === undefined; attempt++) {
      previous = await deps.states.get(region);
      const next = advance(previous, region, summary, now, deps.newId);
      if (await deps.states.save(next)) saved = next;
    }
    if (saved === undefined) {
      deps.log.error('canary state not saved: other runs kept winning', { region });
      return undefined;
    }
    const notice = saved.notice;
    if (notice === undefined || notice.id === previous?.notice?.id) return saved;
    try {
      await deps.notifier.post(region, notice, saved, now);
      deps.log.info('canary state change posted', {
        region,
        failing: notice.failing,
        raised: notice.raised,
        cleared: notice.cleared,
      });
      return (await this.update(region, (state) => noticePosted(state, notice.id))) ?? saved;
    } catch (error) {
      deps.log.error('canary state change not posted', {
        region,
        failing: notice.failing,
        error: errorMessage(error),
      });
      return (
        (await this.update(region, (state) =>
          noticeFailed(state, notice.id, errorMessage(error)),
        )) ?? saved
      );
    }
  }

  private async update(
    region: string,
    change: (state: RegionState) => RegionState | undefined,
  ): Promise<RegionState | undefined> {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const current = await this.deps.states.get(region);
      const next = current === undefined ? undefined : change(current);
      if (next === undefined) return current;
      if (await this.deps.states.save(next)) return next;
    }
    return undefined;
  }
}

function sampleOf(started: Started) {
  return 'runId' in started.sample
    ? [{ region: started.region.region, request: started.sample }]
    : [];
}
