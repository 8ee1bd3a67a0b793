import type { Log } from '../log';

/** Hands an accepted intent to the remediation worker. */
export interface Dispatcher {
  dispatch(intentId: string): Promise<void>;
}

/** The worker's event: which intent to run. */
export interface WorkerEvent {
  readonly intentId: string;
}

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
          error: error instanceof Error ? error.message : String(error),
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

/** Starts a function asynchronously (Lambda `Invoke` with `InvocationType: 'Event'`). */
export interface AsyncInvoker {
  /** The payload is the worker's event: an intent, or a deferred `/guardduty` command. */
  invokeAsync(functionName: string, payload: Readonly<Record<string, unknown>>): Promise<void>;
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
