import type { CheckName } from './checks';
import type { Notice, RegionState } from './regionState';

/**
 * What the canary needs from the world, owned here and implemented in `aws/`, `store/` and
 * `bot/`; the demo implements the GuardDuty and EventBridge ones over its local parts.
 */

/** GuardDuty in one region: the detector and the one write the canary makes. */
export interface GuardDutyProbe {
  detectorIds(region: string): Promise<readonly string[]>;
  /** The detector's status as GuardDuty says it: ENABLED or DISABLED (suspended). */
  detectorStatus(region: string, detectorId: string): Promise<string>;
  createSampleFindings(
    region: string,
    detectorId: string,
    findingTypes: readonly string[],
  ): Promise<void>;
}

/** EventBridge: the rule's state (ENABLED, DISABLED…), or undefined when there is no such rule. */
export interface RuleProbe {
  ruleState(region: string, ruleName: string): Promise<string | undefined>;
}

/** How many messages wait in a queue (SQS ApproximateNumberOfMessages). */
export interface QueueProbe {
  depth(queueUrl: string): Promise<number>;
}

export type TokenVerdict = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Slack's `auth.test` with the bot token. */
export interface TokenProbe {
  check(): Promise<TokenVerdict>;
}

/** The model the scorers load: when it was trained (read from its header), which version. */
export interface ModelProbe {
  /** Undefined when no model is published yet. */
  current(): Promise<{ readonly trainedAt: string; readonly version?: string } | undefined>;
}

export interface HealthMetric {
  readonly region?: string;
  readonly check?: CheckName;
  /** 1 healthy, 0 not. */
  readonly value: 0 | 1;
  readonly at: Date;
}

/** CloudWatch (PutMetricData), or nothing where there is none. */
export interface MetricSink {
  publish(metrics: readonly HealthMetric[]): Promise<void>;
}

/** Posts a region's state change to the security channel. */
export interface HealthNotifier {
  post(region: string, notice: Notice, state: RegionState, now: Date): Promise<void>;
}

/** A sample the canary asked GuardDuty for, and whether the findings function saw it. */
export interface SampleRequest {
  readonly runId: string;
  readonly type: string;
  readonly detectorId: string;
  /** Epoch ms, just before CreateSampleFindings. */
  readonly requestedAt: number;
  /** Epoch ms: after this the run has failed the sample check. */
  readonly deadline: number;
  readonly receivedAt?: number;
  readonly findingId?: string;
}

/** The samples of recent runs per region (the health table), as the canary writes them. */
export interface SampleLedger {
  /** Records a run's request before it is made (kept a day). */
  open(region: string, request: SampleRequest): Promise<void>;
  /** The region's recent runs' requests, newest first. */
  requests(region: string): Promise<readonly SampleRequest[]>;
}

/** The same records as the findings function reads them, marking a sample's arrival. */
export interface SampleArrivals {
  requests(region: string): Promise<readonly SampleRequest[]>;
  /** The findings function saw the sample: false when the run has one already. */
  markReceived(
    region: string,
    runId: string,
    arrival: { readonly receivedAt: number; readonly findingId: string },
  ): Promise<boolean>;
}

/** Each region's canary state (the health table). */
export interface RegionStates {
  get(region: string): Promise<RegionState | undefined>;
  getMany(regions: readonly string[]): Promise<ReadonlyMap<string, RegionState>>;
  /** Writes `state` if the stored version is still `state.version - 1`; false if another run won. */
  save(state: RegionState): Promise<boolean>;
}
