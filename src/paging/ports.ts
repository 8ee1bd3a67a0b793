import { CodedError, ErrorCode } from '../shared/errors';
import type { PageAction, PageEvent } from './pageEvents';
import type { PageActor, PageState } from './pageState';

/** What the on-call tool answered to an accepted event. */
export interface PageReceipt {
  /** The tool's key for the incident (PagerDuty: the dedup key). */
  readonly incidentKey: string;
}

/**
 * An on-call tool (PagerDuty's Events API v2; Opsgenie's alert API would be a second adapter:
 * trigger → create alert with alias = dedup key, acknowledge → acknowledge by alias, resolve →
 * close by alias). Throws PageRetryableError when trying again may work, PageRejectedError when
 * it cannot.
 */
export interface OnCallPager {
  readonly name: string;
  send(event: PageEvent): Promise<PageReceipt>;
}

/** The tool is unreachable, slow, throttling or failing: the request goes back for a retry. */
export class PageRetryableError extends CodedError {
  override readonly name = 'PageRetryableError';
  readonly code = ErrorCode.PageRetryable;
  constructor(
    message: string,
    /** How long the tool asked us to wait (a 429's Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The tool refused the event itself (a bad routing key, an invalid event): a retry cannot help. */
export class PageRejectedError extends CodedError {
  override readonly name = 'PageRejectedError';
  readonly code = ErrorCode.PageRejected;
}

/** One page action to deliver, carried by the page queue. */
export interface PageRequest {
  readonly findingId: string;
  readonly action: PageAction;
  readonly requestedAt: string;
  readonly by?: PageActor;
  /** Resolve: what ended the incident ("archived", "access key disabled"). */
  readonly reason?: string;
  /**
   * Trigger: the finding as published (JSON) and its IP Insights reading, so the page goes out
   * even when its Slack message could not be posted.
   */
  readonly finding?: string;
  readonly reading?: string;
}

/**
 * Where page requests wait for delivery: an SQS queue with its own retries, dead-letter queue and
 * alarm on AWS; a retrying in-process queue on a laptop. Enqueueing is fast and never waits for
 * the on-call tool, so nothing that pages is slowed or stopped by it.
 */
export interface PageQueue {
  enqueue(request: PageRequest): Promise<void>;
}

/** The page state on each finding's record; written by the pager alone. */
export interface PageStates {
  /**
   * Moves the finding's page to `state` when what is stored is one of `from` (`none`: no page
   * yet). False when another delivery moved it first.
   */
  set(
    findingId: string,
    state: PageState,
    from: readonly (PageState['status'] | 'none')[],
  ): Promise<boolean>;
}
