/** Hands an accepted intent to the remediation worker. */
export interface Dispatcher {
  dispatch(intentId: string): Promise<void>;
}

/** Starts a function asynchronously (Lambda `Invoke` with `InvocationType: 'Event'`). */
export interface AsyncInvoker {
  /** The payload is the worker's event: an intent, or a deferred `/guardduty` command. */
  invokeAsync(functionName: string, payload: Readonly<Record<string, unknown>>): Promise<void>;
}
