import type { Context, EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { FindingValidationError, parseFindingInput, type Finding } from '../findings';
import { accountGate, loadAccountsPolicy } from './accounts';
import { organizationActivity } from './organizationActivity';
import { reachedSlack, seenFindingsRecorder } from './seenFindings';
import type { PublishOutcome } from '../bot/findingPublisher';
import { loadConfig } from '../config';
import type { Log } from '../shared/log';
import { createLogger } from './logging';
import { coldStartOnce } from './coldStart';
import { createPipeline, type Pipeline } from './pipeline';
import { loadRoutingTable } from './routes';
import { scorerFromConfig } from './scorer';
import { openDynamoStore } from './store';
import { burstGroups, findingRecords } from './findingRecordWriter';
import { createQueuedFindingsHandler } from './queuedFindings';
import { canarySampleIntake } from './canarySamples';
import { withSlackSecrets } from '../aws/slackSecrets';
import { queuedPaging } from './queuedPaging';

export type FindingsResult =
  | PublishOutcome
  | { readonly kind: 'rejected'; readonly reason: string }
  /** The canary's own sample: its arrival recorded, nothing posted. */
  | { readonly kind: 'canary-sample'; readonly runId: string; readonly latencyMs: number };

/**
 * One EventBridge event, invoked directly (an operator replaying a finding with `aws lambda
 * invoke`). A malformed event is rejected and logged (retrying it cannot help); a Slack or store
 * failure throws.
 */
export function createFindingsHandler(
  pipeline: () => Promise<Pipeline>,
  log: Log,
  /** Records the finding's account and region for `/guardduty status` (never throws). */
  seen?: (finding: Finding) => Promise<void>,
) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<FindingsResult> => {
    let finding;
    try {
      ({ finding } = parseFindingInput(event));
    } catch (error) {
      if (!(error instanceof FindingValidationError)) throw error;
      log.error('rejected event: not a valid GuardDuty finding', {
        eventId: event.id,
        reason: error.message,
      });
      return { kind: 'rejected', reason: error.message };
    }
    let outcome;
    try {
      const parts = await pipeline();
      const sample = await parts.samples?.receive(finding);
      if (sample?.kind === 'canary') {
        return { kind: 'canary-sample', runId: sample.runId, latencyMs: sample.latencyMs };
      }
      outcome = await parts.publisher.publish(finding);
    } catch (error) {
      // Lambda retries the event, then sends it to the dead-letter queue: say which finding.
      log.error('finding not processed; the event will be retried', {
        findingId: finding.id,
        eventId: event.id,
        error,
      });
      throw error;
    }
    if (seen !== undefined && reachedSlack(outcome)) await seen(finding);
    log.info('finding processed', {
      findingId: finding.id,
      eventId: event.id,
      outcome: outcome.kind,
    });
    return outcome;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isQueueBatch(event: unknown): event is SQSEvent {
  return typeof event === 'object' && event !== null && Array.isArray((event as SQSEvent).Records);
}

/**
 * The findings function as Lambda runs it: configuration from the environment and Secrets
 * Manager; batches from the findings queue (EventBridge → SQS → here), or one event invoked
 * directly.
 */
export function findingsFunction() {
  const { logger, log } = createLogger('guardduty-chatops-findings');
  let recorder: ((finding: Finding) => Promise<void>) | undefined;
  const pipeline = coldStartOnce(async () => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
    const store = openDynamoStore(config);
    const built = createPipeline(config, {
      paging: queuedPaging(config),
      log,
      store,
      findings: findingRecords(store),
      routes: await loadRoutingTable(config),
      scorer: await scorerFromConfig(config, { log }),
      pace: { now: Date.now, sleep },
      bursts: burstGroups(store),
      accounts: accountGate(config, await loadAccountsPolicy(config), log),
      samples: canarySampleIntake(store, () => new Date(), log, config.canary.findingType),
    });
    recorder = seenFindingsRecorder(organizationActivity(store), built.clock, log);
    return built;
  });
  const seen = (finding: Finding) =>
    recorder === undefined ? Promise.resolve() : recorder(finding);
  const handleOne = createFindingsHandler(pipeline, log, seen);
  // Every log line of an invocation carries its request id and cold-start flag (Lambda context).
  return (
    event: SQSEvent | EventBridgeEvent<string, unknown>,
    context: Context,
  ): Promise<SQSBatchResponse | FindingsResult> => {
    logger.addContext(context);
    if (!isQueueBatch(event)) return handleOne(event);
    return createQueuedFindingsHandler(pipeline, log, {
      remainingMs: () => context.getRemainingTimeInMillis(),
      seen,
    })(event);
  };
}
