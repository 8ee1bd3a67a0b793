import { randomBytes } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Config } from '../../config';
import type { Finding } from '../../findings';
import type { Canary } from '../../health/canary';
import type { GuardDutyProbe, MetricSink, QueueProbe, RuleProbe } from '../../health/ports';
import type { Log } from '../../shared/log';
import { createCanary } from '../canary';
import { createFindingsHandler } from '../findingsFunction';
import type { Runtime } from '../runtime';
import { SAMPLE_DETECTOR_ID } from './sampleGuardDuty';

/** The demo's account, as its sample findings name it. */
const DEMO_ACCOUNT = '123456789012';

/**
 * The demo's EventBridge: one rule per region carrying GuardDuty's findings to the findings
 * handler, the same handler the findings Lambda function runs (sample recognition, then the
 * publisher). A disabled rule delivers nothing, as EventBridge's does.
 */
export class DemoEventBus implements RuleProbe {
  private readonly states = new Map<string, string>();
  private readonly deliveries = new Set<Promise<unknown>>();

  constructor(
    private readonly rule: string,
    private readonly deliver: (event: EventBridgeEvent<string, unknown>) => Promise<unknown>,
    private readonly log: Log,
  ) {}

  setRuleState(region: string, state: 'ENABLED' | 'DISABLED'): void {
    this.states.set(region, state);
  }

  ruleState(region: string, ruleName: string): Promise<string | undefined> {
    if (ruleName !== this.rule) return Promise.resolve(undefined);
    return Promise.resolve(this.states.get(region) ?? 'ENABLED');
  }

  /** Delivered after the caller returns, as EventBridge delivers after PutEvents answers. */
  put(region: string, event: EventBridgeEvent<string, unknown>): void {
    if ((this.states.get(region) ?? 'ENABLED') !== 'ENABLED') return;
    const delivery = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.deliver(event))
      .catch((error: unknown) => {
        this.log.error('demo event not delivered', { error: String(error) });
      })
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }
}

/**
 * GuardDuty's CreateSampleFindings for the demo: the sample is the demo's own finding of that
 * type, made a sample as GuardDuty makes one (a new id, now, `additionalInfo.sample`), put on
 * the demo's event bus. A suspended detector creates nothing.
 */
export class DemoSampleGuardDuty implements GuardDutyProbe {
  private status = 'ENABLED';

  constructor(
    private readonly findings: readonly Finding[],
    private readonly bus: DemoEventBus,
    private readonly clock: () => Date,
  ) {}

  suspend(): void {
    this.status = 'DISABLED';
  }

  detectorIds(): Promise<readonly string[]> {
    return Promise.resolve([SAMPLE_DETECTOR_ID]);
  }

  detectorStatus(): Promise<string> {
    return Promise.resolve(this.status);
  }

  createSampleFindings(
    region: string,
    detectorId: string,
    findingTypes: readonly string[],
  ): Promise<void> {
    if (this.status !== 'ENABLED') return Promise.resolve();
    for (const type of findingTypes) {
      const template = this.findings.find((f) => f.type === type);
      if (template === undefined) continue;
      this.bus.put(region, sampleEvent(template, region, detectorId, this.clock()));
    }
    return Promise.resolve();
  }
}

export function sampleEvent(
  template: Finding,
  region: string,
  detectorId: string,
  at: Date,
): EventBridgeEvent<string, unknown> {
  const id = randomBytes(16).toString('hex');
  const accountId = template.accountId || DEMO_ACCOUNT;
  return {
    version: '0',
    id: `event-${id}`,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: accountId,
    time: at.toISOString(),
    region,
    resources: [],
    detail: {
      ...template,
      id,
      region,
      accountId,
      arn: `arn:aws:guardduty:${region}:${accountId}:detector/${detectorId}/finding/${id}`,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      service: {
        ...template.service,
        detectorId,
        archived: false,
        count: 1,
        additionalInfo: { value: '{"sample":true}', type: 'default' },
      },
    },
  };
}

/** The demo has no CloudWatch: the metric goes to the log. */
const loggedMetrics = (log: Log): MetricSink => ({
  publish(metrics) {
    log.info('canary metrics (no CloudWatch in the demo)', {
      unhealthy: metrics
        .filter((m) => m.value === 0)
        .map((m) => `${m.region ?? ''}:${m.check ?? ''}`),
    });
    return Promise.resolve();
  },
});

/** The demo has no dead-letter queues. */
const NO_QUEUES: QueueProbe = { depth: () => Promise.resolve(0) };

export interface DemoCanary {
  readonly canary: Canary;
  readonly bus: DemoEventBus;
  readonly guardduty: DemoSampleGuardDuty;
}

/**
 * The canary against the demo's parts: its sample goes through the real findings handler (the
 * runtime's sample recognition and store), the token is checked with the local Slack's
 * auth.test, the model by its file's header, and state changes are posted to the channel.
 */
export function demoCanary(
  config: Config,
  runtime: Runtime,
  findings: readonly Finding[],
  log: Log,
): DemoCanary {
  const handle = createFindingsHandler(() => Promise.resolve(runtime), log);
  const bus = new DemoEventBus(config.canary.findingsRule, handle, log);
  const guardduty = new DemoSampleGuardDuty(findings, bus, runtime.clock);
  const canary = createCanary({
    config,
    store: runtime.store,
    slack: runtime.slack,
    guardduty,
    rules: bus,
    queues: NO_QUEUES,
    metrics: loggedMetrics(log),
    clock: runtime.clock,
    log,
    pollMs: 100,
  });
  return { canary, bus, guardduty };
}
