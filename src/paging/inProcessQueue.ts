import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import { PageRejectedError, PageRetryableError, type PageQueue, type PageRequest } from './ports';

export interface InProcessPageQueueOptions {
  readonly deliver: (
    request: PageRequest,
    attempt: { number: number; final: boolean },
  ) => Promise<unknown>;
  readonly log: Log;
  /** Tries in all, the first included (SQS's maxReceiveCount on AWS). */
  readonly maxAttempts?: number;
  /** Wait before retry n (1-based); a 429's Retry-After wins when longer. */
  readonly backoffMs?: (retry: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The page queue of one process (`serve`, the demo, `post`): a request is delivered after the
 * enqueue returns, tried again with backoff, and given up after the last try (logged as dead
 * lettered), the same contract SQS and its dead-letter queue give the pager function on AWS.
 */
export class InProcessPageQueue implements PageQueue {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: InProcessPageQueueOptions) {}

  enqueue(request: PageRequest): Promise<void> {
    const run = this.run(request).finally(() => this.running.delete(run));
    this.running.add(run);
    return Promise.resolve();
  }

  /** Resolves when every request enqueued so far was delivered or given up. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async run(request: PageRequest): Promise<void> {
    const { options } = this;
    const maxAttempts = options.maxAttempts ?? 5;
    const backoff = options.backoffMs ?? ((retry: number) => 1000 * 2 ** (retry - 1));
    const sleep = options.sleep ?? sleepFor;
    for (let number = 1; number <= maxAttempts; number += 1) {
      try {
        await options.deliver(request, { number, final: number === maxAttempts });
        return;
      } catch (error) {
        if (error instanceof PageRejectedError || number === maxAttempts) {
          options.log.error('page request dead-lettered', {
            findingId: request.findingId,
            action: request.action,
            attempts: number,
            error: errorMessage(error),
          });
          return;
        }
        const asked = error instanceof PageRetryableError ? (error.retryAfterMs ?? 0) : 0;
        await sleep(Math.max(backoff(number), asked));
      }
    }
  }
}
