import type { AwsCall, AwsCallResult } from '../actions/ports/awsGateway';
import { CodedError, ErrorCode } from '../shared/errors';

/** Throttling and transient errors are retried by the SDK with backoff (adaptive: rate-limited). */
export const RemediationRetry = { maxAttempts: 5, retryMode: 'adaptive' } as const;

/** A call the adapter does not know: a planner and an adapter disagree (a bug, never user input). */
export class UnsupportedCallError extends CodedError {
  override readonly name = 'UnsupportedCallError';
  readonly code = ErrorCode.AwsCallUnsupported;
  constructor(call: AwsCall) {
    super(`no adapter for ${call.service}:${call.command}`);
  }
}

/** A call needs a region its planner did not give. */
export class MissingRegionError extends CodedError {
  override readonly name = 'MissingRegionError';
  readonly code = ErrorCode.AwsRegionMissing;
}

/** The SDK output without `$metadata`, and the request id from it. */
export function resultOf(output: { $metadata?: { requestId?: string } }): AwsCallResult {
  const { $metadata, ...rest } = output;
  const requestId = $metadata?.requestId;
  return {
    ...(requestId === undefined ? {} : { requestId }),
    output: rest,
  };
}

/** One client per region, created on first use. */
export class RegionalClients<Client> {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly create: (region: string) => Client) {}

  get(region: string | undefined): Client {
    if (region === undefined)
      throw new MissingRegionError('a regional AWS call came without a region');
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.create(region);
      this.clients.set(region, client);
    }
    return client;
  }
}
