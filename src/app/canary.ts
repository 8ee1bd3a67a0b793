import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { S3ObjectReader } from '../aws/s3ObjectReader';
import { SlackHealthNotifier, SlackTokenProbe } from '../bot/health/slackHealth';
import { renderCanaryCheck } from '../bot/health/healthReport';
import type { CommandDeps } from '../bot/commands/deps';
import type { Config } from '../config';
import { Canary, type CanaryRegion } from '../health/canary';
import type {
  GuardDutyProbe,
  MetricSink,
  ModelProbe,
  QueueProbe,
  RuleProbe,
} from '../health/ports';
import { readModelInfo } from '../ipinsights/modelInfo';
import { isS3Uri } from '../ipinsights/objectStorage';
import type { Log } from '../shared/log';
import { regionStates, sampleLedger } from './canaryRecords';
import type { OpenedStore } from './store';

/** What a canary is made of; the Lambda function, the demo and the tests each bring their own. */
export interface CanaryParts {
  readonly config: Config;
  readonly store: OpenedStore;
  /** The bot's client: `auth.test` and the channel messages. */
  readonly slack: WebClient;
  readonly guardduty: GuardDutyProbe;
  readonly rules: RuleProbe;
  readonly queues: QueueProbe;
  readonly metrics: MetricSink;
  /** Default: the header of the configured model (S3 or a file); none without a model. */
  readonly model?: ModelProbe;
  readonly clock?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log: Log;
  readonly pollMs?: number;
}

/** The model the scorers load, as its header says (a ranged read: a few kilobytes). */
export function configuredModelProbe(config: Config): ModelProbe | undefined {
  const setting = config.ipInsights;
  if (setting.kind !== 'model') return undefined;
  const reader = isS3Uri(setting.location) ? new S3ObjectReader() : undefined;
  return {
    async current() {
      const info = await readModelInfo(setting.location, reader);
      return info === undefined
        ? undefined
        : {
            trainedAt: info.metadata.trainedAt,
            ...(info.version === undefined ? {} : { version: info.version }),
          };
    },
  };
}

/** The regions the canary watches: the stack's own with its rule, the others with the forwarder. */
export function canaryRegions(config: Config): CanaryRegion[] {
  const { regions, findingsRule, forwarderRule } = config.canary;
  return regions.map((region, index) => ({
    region,
    rule: index === 0 ? findingsRule : forwarderRule,
  }));
}

export function createCanary(parts: CanaryParts): Canary {
  const { config } = parts;
  const model = parts.model ?? configuredModelProbe(config);
  return new Canary({
    regions: canaryRegions(config),
    findingType: config.canary.findingType,
    delayMs: config.canary.delayMs,
    guardduty: parts.guardduty,
    rules: parts.rules,
    token: new SlackTokenProbe(parts.slack),
    ...(model === undefined
      ? {}
      : { model: { probe: model, maxAgeMs: config.canary.modelMaxAgeDays * 86_400_000 } }),
    queues: { probe: parts.queues, queues: config.canary.deadLetterQueues },
    ledger: sampleLedger(parts.store),
    states: regionStates(parts.store),
    metrics: parts.metrics,
    notifier: new SlackHealthNotifier(parts.slack, config.slack.channelId),
    clock: parts.clock ?? (() => new Date()),
    sleep: parts.sleep ?? ((ms) => sleep(ms)),
    newId: randomUUID,
    log: parts.log,
    ...(parts.pollMs === undefined ? {} : { pollMs: parts.pollMs }),
  });
}

/** `/guardduty status --check` in one process (the demo): the run made here, its report the answer. */
export function inProcessCanaryCheck(
  canary: Canary,
): NonNullable<CommandDeps['requestCanaryCheck']> {
  return async () => renderCanaryCheck(await canary.run('command'));
}
