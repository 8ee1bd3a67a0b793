import * as z from 'zod';
import type { PageEvent } from '../paging/pageEvents';
import {
  PageRejectedError,
  PageRetryableError,
  type OnCallPager,
  type PageReceipt,
} from '../paging/ports';

export interface PagerDutyOptions {
  /** The Events API v2 integration key of the service to page. Never logged. */
  readonly routingKey: string;
  /** Default `https://events.pagerduty.com` (`https://events.eu.pagerduty.com` in the EU). */
  readonly eventsUrl?: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

const AcceptedSchema = z.object({ status: z.string(), dedup_key: z.string().min(1) });
const RefusedSchema = z.object({
  message: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

/** The body PagerDuty's `POST /v2/enqueue` takes for an event. */
export function pagerDutyBody(routingKey: string, event: PageEvent): Record<string, unknown> {
  const base = { routing_key: routingKey, event_action: event.action, dedup_key: event.dedupKey };
  if (event.action !== 'trigger') return base;
  return {
    ...base,
    payload: {
      summary: event.summary,
      source: event.source,
      severity: event.severity,
      ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
      ...(event.component === undefined ? {} : { component: event.component }),
      ...(event.group === undefined ? {} : { group: event.group }),
      ...(event.eventClass === undefined ? {} : { class: event.eventClass }),
      ...(event.customDetails === undefined ? {} : { custom_details: event.customDetails }),
    },
    ...(event.links === undefined ? {} : { links: event.links }),
    client: 'guardduty-chatops',
  };
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * PagerDuty's Events API v2 with fetch: one request per event, bounded by a timeout, no waiting
 * inside (a 429's Retry-After is handed to the queue, which waits). `@pagerduty/pdjs` was not used:
 * it only speaks https to a host name (no local recorder in tests or the demo) and sleeps 20 s
 * inside the call on a 429, which would hold a Lambda invocation.
 */
export class PagerDutyEvents implements OnCallPager {
  readonly name = 'PagerDuty';
  private readonly url: string;

  constructor(private readonly options: PagerDutyOptions) {
    this.url = new URL('/v2/enqueue', options.eventsUrl ?? 'https://events.pagerduty.com').href;
  }

  async send(event: PageEvent): Promise<PageReceipt> {
    const fetchFn = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await fetchFn(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(pagerDutyBody(this.options.routingKey, event)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new PageRetryableError(
        timedOut
          ? `PagerDuty did not answer within ${this.options.timeoutMs ?? 10_000} ms`
          : `PagerDuty is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status === 202 || response.status === 200) {
      const accepted = AcceptedSchema.safeParse(safeJson(text));
      return { incidentKey: accepted.success ? accepted.data.dedup_key : event.dedupKey };
    }
    if (response.status === 429) {
      throw new PageRetryableError('PagerDuty is throttling events (429)', retryAfterMs(response));
    }
    if (response.status >= 500) {
      throw new PageRetryableError(`PagerDuty answered ${response.status}`);
    }
    const refused = RefusedSchema.safeParse(safeJson(text));
    const reasons = refused.success
      ? [refused.data.message, ...(refused.data.errors ?? [])].filter((r) => r !== undefined)
      : [];
    throw new PageRejectedError(
      `PagerDuty refused the ${event.action} (${response.status})${reasons.length === 0 ? '' : `: ${reasons.join('; ').slice(0, 300)}`}`,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
