import type { EventBridgeEvent } from 'aws-lambda';
import { FindingValidationError, parseFindingInput } from '../findings';
import type { PublishOutcome } from '../bot/findingPublisher';
import { loadConfig } from '../config';
import { createLogger, type Log } from '../log';
import { createRuntime, type Runtime } from '../runtime';
import { withSlackSecrets } from './secrets';

export type FindingsResult =
  PublishOutcome | { readonly kind: 'rejected'; readonly reason: string };

/**
 * The EventBridge target. A malformed event is rejected and logged (retrying it cannot help);
 * a Slack or store failure throws, so Lambda retries the event and then sends it to the
 * dead-letter queue.
 */
export function createFindingsHandler(runtime: () => Promise<Runtime>, log: Log) {
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
    const outcome = await (await runtime()).publisher.publish(finding);
    log.info('finding processed', {
      findingId: finding.id,
      eventId: event.id,
      outcome: outcome.kind,
    });
    return outcome;
  };
}

const { log } = createLogger('guardduty-chatops-findings');
let runtimePromise: Promise<Runtime> | undefined;

// Built once per cold start; a failed start is retried on the next invocation.
function coldStartRuntime(): Promise<Runtime> {
  runtimePromise ??= (async () => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
    return createRuntime(config, { log });
  })().catch((error: unknown) => {
    runtimePromise = undefined;
    throw error;
  });
  return runtimePromise;
}

export const handler = createFindingsHandler(coldStartRuntime, log);
