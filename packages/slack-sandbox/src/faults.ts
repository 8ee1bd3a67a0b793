/**
 * Planned failures of Web API methods, so tests can show the bot survives Slack outages:
 * - `{status: 429, retryAfter}`: HTTP 429 with `Retry-After: <seconds>`, which WebClient waits out
 *   and retries;
 * - `{status: 500}`: an HTTP 500, which WebClient retries with backoff;
 * - `{error}`: HTTP 200 `{ok:false, error}`, a Slack platform error (not retried).
 * The pseudo-method `response_url` plans failures of POSTs to response URLs.
 */
export type Fault =
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 500 }
  | { readonly error: string };

export interface FaultOptions {
  /** How many of the next calls fail (default 1). */
  readonly times?: number;
}

/** The HTTP answer of a faulted call and the error recorded for it. */
export interface FaultAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { ok: false; error: string };
}

interface PlannedFault {
  readonly fault: Fault;
  remaining: number;
}

export class FaultPlan {
  private readonly planned = new Map<string, PlannedFault[]>();

  failNext(method: string, fault: Fault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`failNext(${method}): times must be a whole number ≥ 1, got ${times}`);
    }
    if ('retryAfter' in fault && !(Number.isInteger(fault.retryAfter) && fault.retryAfter >= 0)) {
      throw new RangeError(`failNext(${method}): retryAfter must be whole seconds ≥ 0`);
    }
    const queue = this.planned.get(method) ?? [];
    queue.push({ fault, remaining: times });
    this.planned.set(method, queue);
  }

  /** Consumes the next planned fault of the method, if any. */
  take(method: string): FaultAnswer | undefined {
    const queue = this.planned.get(method);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) queue.shift();
    return answerFor(next.fault);
  }
}

function answerFor(fault: Fault): FaultAnswer {
  if ('error' in fault)
    return { status: 200, headers: {}, body: { ok: false, error: fault.error } };
  if (fault.status === 429) {
    return {
      status: 429,
      headers: { 'Retry-After': String(fault.retryAfter) },
      body: { ok: false, error: 'ratelimited' },
    };
  }
  return { status: 500, headers: {}, body: { ok: false, error: 'internal_error' } };
}
