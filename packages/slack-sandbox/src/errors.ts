/**
 * A Web API error as Slack reports it: HTTP 200 with `{ok:false, error}` and, for validation
 * failures, `response_metadata.messages` lines that WebClient logs (`[ERROR] ...`).
 */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  constructor(
    readonly code: string,
    readonly messages: readonly string[] = [],
  ) {
    super(messages.length > 0 ? `${code}: ${messages.join('; ')}` : code);
  }
}

/** The local server was asked to act on something that does not exist or cannot be done. */
export class LocalSlackUsageError extends Error {
  override readonly name = 'LocalSlackUsageError';
}

/** A test waited for something the bot never did. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}
