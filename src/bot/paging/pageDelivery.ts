import type { FindingRecord } from '../../actions/findingRecords';
import { SCORE_PENDING } from '../../actions/findingRecords';
import type { FindingRecordRepository } from '../../actions/ports/repositories';
import { parseStoredFinding, extractTuples } from '../../findings';
import { followUpEvent, triggerEvent, type PageEvent } from '../../paging/pageEvents';
import { pageActionApplies, type PageState } from '../../paging/pageState';
import {
  PageRejectedError,
  type OnCallPager,
  type PageRequest,
  type PageStates,
} from '../../paging/ports';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import { messageLink } from '../commands/queries';
import type { FindingPublisher } from '../findingPublisher';
import type { ScoreView } from '../render/finding';

export interface PageDeliveryDeps {
  readonly findings: Pick<FindingRecordRepository, 'get'>;
  readonly pages: PageStates;
  readonly pager: OnCallPager;
  readonly publisher: Pick<FindingPublisher, 'refresh'>;
  readonly clock: () => Date;
  readonly log: Log;
}

/** Which try this is: the last one records the failure as final (dead-lettered). */
export interface DeliveryAttempt {
  readonly number: number;
  readonly final: boolean;
}

export type DeliveryOutcome =
  | { readonly kind: 'sent'; readonly state: PageState }
  | { readonly kind: 'skipped'; readonly reason: string };

const FROM: Readonly<Record<PageRequest['action'], readonly (PageState['status'] | 'none')[]>> = {
  trigger: ['none', 'failed', 'resolved'],
  acknowledge: ['triggered'],
  resolve: ['triggered', 'acknowledged'],
};

function scoreOf(record: FindingRecord | undefined): ScoreView | undefined {
  if (record === undefined || record.score === SCORE_PENDING) return undefined;
  return JSON.parse(record.score) as ScoreView;
}

/**
 * Delivers one page request to the on-call tool and shows the outcome on the finding's messages.
 * A failure throws after recording it, so the queue tries again; the last try records it as final.
 * The Slack post never waits for any of this.
 */
export class PageDelivery {
  constructor(private readonly deps: PageDeliveryDeps) {}

  async deliver(request: PageRequest, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    const { deps } = this;
    const record = await deps.findings.get(request.findingId);
    if (!pageActionApplies(record?.page, request.action)) {
      const reason = `the page is ${record?.page?.status ?? 'not open'}`;
      deps.log.info('page request has nothing to do', {
        findingId: request.findingId,
        action: request.action,
        reason,
      });
      return { kind: 'skipped', reason };
    }
    const event = this.eventFor(request, record);
    let incidentKey: string;
    try {
      ({ incidentKey } = await deps.pager.send(event));
    } catch (error) {
      await this.recordFailure(request, record, error, attempt);
      throw error;
    }
    const at = deps.clock().toISOString();
    const state: PageState = {
      status:
        request.action === 'trigger'
          ? 'triggered'
          : request.action === 'acknowledge'
            ? 'acknowledged'
            : 'resolved',
      at,
      incidentKey,
      ...(request.by === undefined ? {} : { by: request.by }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
    };
    if (!(await deps.pages.set(request.findingId, state, FROM[request.action]))) {
      deps.log.info('page state moved meanwhile; kept the newer one', {
        findingId: request.findingId,
        action: request.action,
      });
    }
    deps.log.info('page sent', {
      findingId: request.findingId,
      action: request.action,
      pager: deps.pager.name,
      attempt: attempt.number,
    });
    await this.refresh(request.findingId);
    return { kind: 'sent', state };
  }

  private eventFor(request: PageRequest, record: FindingRecord | undefined): PageEvent {
    if (request.action !== 'trigger') return followUpEvent(request.findingId, request.action);
    const source = record?.finding ?? request.finding;
    if (source === undefined) {
      throw new PageRejectedError(
        `finding ${request.findingId} is not known: nothing to page about`,
      );
    }
    const finding = parseStoredFinding(source);
    const score = scoreOf(record);
    const extraction = extractTuples(finding);
    const ip = score?.tuple?.ip ?? (extraction.scorable ? extraction.tuples[0]?.ip : undefined);
    const reading = score?.reading ?? request.reading;
    const slackUrl = messageLink(record);
    return triggerEvent(finding, {
      ...(reading === undefined ? {} : { reading }),
      ...(ip === undefined ? {} : { remoteIp: ip }),
      ...(slackUrl === undefined ? {} : { slackUrl }),
    });
  }

  /** A failed trigger shows on the message (retrying, or given up); acks and resolves log only. */
  private async recordFailure(
    request: PageRequest,
    record: FindingRecord | undefined,
    error: unknown,
    attempt: DeliveryAttempt,
  ): Promise<void> {
    const { deps } = this;
    const final = attempt.final || error instanceof PageRejectedError;
    deps.log.error(final ? 'page failed for good: dead-lettered' : 'page failed; will retry', {
      findingId: request.findingId,
      action: request.action,
      attempt: attempt.number,
      error: errorMessage(error),
    });
    if (request.action !== 'trigger') return;
    const state: PageState = {
      status: 'failed',
      at: deps.clock().toISOString(),
      error: errorMessage(error).slice(0, 300),
      ...(final ? { final: true } : {}),
    };
    try {
      await deps.pages.set(
        request.findingId,
        state,
        record?.page === undefined ? ['none', 'failed'] : ['failed'],
      );
      await this.refresh(request.findingId);
    } catch (inner) {
      deps.log.warn('could not record the failed page', { error: errorMessage(inner) });
    }
  }

  private async refresh(findingId: string): Promise<void> {
    try {
      await this.deps.publisher.refresh(findingId);
    } catch (error) {
      // The page itself is done; the message catches up at its next redraw.
      this.deps.log.warn('could not redraw the message after a page', {
        findingId,
        error: errorMessage(error),
      });
    }
  }
}
