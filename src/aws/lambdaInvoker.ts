import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AsyncInvoker } from '../actions/ports/dispatch';
import { CodedError, ErrorCode } from '../shared/errors';

/** Lambda answered an asynchronous invocation with something other than 202 Accepted. */
export class InvokeRejectedError extends CodedError {
  override readonly name = 'InvokeRejectedError';
  readonly code = ErrorCode.InvokeRejected;
}

/** Starts the worker function asynchronously: Lambda queues the event and retries failures. */
export class LambdaAsyncInvoker implements AsyncInvoker {
  constructor(private readonly client: LambdaClient = new LambdaClient({ maxAttempts: 3 })) {}

  async invokeAsync(
    functionName: string,
    payload: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    const response = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (response.StatusCode !== 202) {
      throw new InvokeRejectedError(
        `Lambda answered ${response.StatusCode ?? 'no status'} to the asynchronous invocation of ${functionName}`,
      );
    }
  }
}
