import type { PageAction } from './pageEvents';

/** Who asked for a page action from Slack (absent: the route, or a remediation). */
export interface PageActor {
  readonly userId: string;
  readonly userName?: string;
}

/**
 * The page of one finding, kept on its record and shown on its message: `triggered` →
 * `acknowledged` → `resolved`; `failed` while a trigger is being retried or after it gave up.
 */
export interface PageState {
  readonly status: 'triggered' | 'acknowledged' | 'resolved' | 'failed';
  readonly at: string;
  readonly by?: PageActor;
  /** Why it was resolved: "archived", "access key disabled"… */
  readonly reason?: string;
  readonly error?: string;
  /** Failed for good: the request is in the dead-letter queue. */
  readonly final?: boolean;
  /** The on-call tool's key for the incident (the dedup key it answered). */
  readonly incidentKey?: string;
}

/** Whether an action still has something to do for the page as it is. */
export function pageActionApplies(page: PageState | undefined, action: PageAction): boolean {
  switch (action) {
    case 'trigger':
      return page === undefined || page.status === 'failed' || page.status === 'resolved';
    case 'acknowledge':
      return page?.status === 'triggered';
    case 'resolve':
      return page?.status === 'triggered' || page?.status === 'acknowledged';
  }
}
