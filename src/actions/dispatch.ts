import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import type { AsyncInvoker, Dispatcher } from './ports/dispatch';

/**
 * Local mode: the worker runs in this process after the listener returns (and Bolt has acked).
 * `idle()` resolves when every dispatched run has finished (tests, benchmarks, shutdown).
 */
export class InProcessDispatcher implements Dispatcher {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly run: (intentId: string) => Promise<void>,
    private readonly log: Log,
  ) {}

  dispatch(intentId: string): Promise<void> {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(intentId))
      .catch((error: unknown) => {
        this.log.error('remediation worker failed', {
          intentId,
          error: errorMessage(error),
        });
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return Promise.resolve();
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

/** On AWS: the worker is its own Lambda function, invoked asynchronously (Lambda retries it). */
export class LambdaInvokeDispatcher implements Dispatcher {
  constructor(
    private readonly invoker: AsyncInvoker,
    private readonly functionName: string,
  ) {}

  dispatch(intentId: string): Promise<void> {
    return this.invoker.invokeAsync(this.functionName, { intentId });
  }
}
