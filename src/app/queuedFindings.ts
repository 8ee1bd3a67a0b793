import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { FindingValidationError, parseFindingInput, type Finding } from '../findings';
import type { BatchOutcome } from '../bot/findingPublisher';
import type { Log } from '../shared/log';
import { errorMessage } from '../shared/errors';
import type { Pipeline } from './pipeline';
import { reachedSlack } from './seenFindings';

export interface QueuedFindingsOptions {
  /** Milliseconds the invocation has left (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs?: () => number;
  /** Findings not started with less than this left are handed back to the queue. */
  readonly reserveMs?: number;
  /** Records each finding's account and region for `/guardduty status` (never throws). */
  readonly seen?: (finding: Finding) => Promise<void>;
}

/** Enough for one more post that waits out a Retry-After, and the record after it. */
const DEFAULT_RESERVE_MS = 20_000;

interface Queued {
  readonly finding: Finding;
  readonly messageIds: string[];
}

function newer(a: Finding, b: Finding): boolean {
  return (
    a.service.count > b.service.count ||
    (a.service.count === b.service.count && Date.parse(a.updatedAt) > Date.parse(b.updatedAt))
  );
}

/**
 * The findings queue's consumer: a batch of EventBridge events, published together (so a burst
 * of one type and account is threaded), paced to Slack's per-channel rate. A malformed event is
 * logged and deleted (retrying cannot help); a finding that failed, or was not started before the
 * invocation ran short of time, is reported as a batch item failure and received again.
 */
export function createQueuedFindingsHandler(
  pipeline: () => Promise<Pipeline>,
  log: Log,
  options: QueuedFindingsOptions = {},
) {
  const reserveMs = options.reserveMs ?? DEFAULT_RESERVE_MS;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const byId = new Map<string, Queued>();
    for (const record of event.Records) {
      let finding: Finding;
      try {
        ({ finding } = parseFindingInput(JSON.parse(record.body)));
      } catch (error) {
        if (!(error instanceof FindingValidationError) && !(error instanceof SyntaxError)) {
          throw error;
        }
        log.error('rejected message: not a GuardDuty finding event', {
          messageId: record.messageId,
          reason: error.message,
        });
        continue;
      }
      // The same finding twice in one batch (a re-publication): the newer one speaks for both.
      const queued = byId.get(finding.id);
      if (queued === undefined) byId.set(finding.id, { finding, messageIds: [record.messageId] });
      else {
        queued.messageIds.push(record.messageId);
        if (newer(finding, queued.finding)) byId.set(finding.id, { ...queued, finding });
      }
    }
    const { publisher, samples } = await pipeline();
    const failures: string[] = [];
    // The canary's own samples are recorded, never published.
    const queued: Queued[] = [];
    for (const item of byId.values()) {
      try {
        const sample = await samples?.receive(item.finding);
        if (sample?.kind === 'canary') {
          log.info('canary sample recorded', {
            findingId: item.finding.id,
            runId: sample.runId,
            latencyMs: sample.latencyMs,
          });
          continue;
        }
        queued.push(item);
      } catch (error) {
        failures.push(...item.messageIds);
        log.error('canary sample check failed; its message is received again', {
          findingId: item.finding.id,
          error: errorMessage(error),
        });
      }
    }
    const remaining = options.remainingMs;
    const outcomes: readonly BatchOutcome[] = await publisher.publishMany(
      queued.map((q) => q.finding),
      remaining === undefined ? {} : { stop: () => remaining() < reserveMs },
    );
    for (const [i, outcome] of outcomes.entries()) {
      const { finding, messageIds } = queued[i] ?? { finding: undefined, messageIds: [] };
      if (outcome.kind === 'failed') {
        failures.push(...messageIds);
        log.error('finding not processed; its message is received again', {
          findingId: finding?.id,
          messageIds,
          error: errorMessage(outcome.error),
        });
      } else {
        if (finding !== undefined && options.seen !== undefined && reachedSlack(outcome)) {
          await options.seen(finding);
        }
        log.info('finding processed', {
          findingId: finding?.id,
          messageIds,
          outcome: outcome.kind,
          ...('threadTs' in outcome && outcome.threadTs !== undefined
            ? { threadTs: outcome.threadTs }
            : {}),
        });
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
