import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { InvokeRejectedError, LambdaAsyncInvoker } from '../../src/aws/lambdaInvoker';

const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());
afterAll(() => lambda.restore());

describe('LambdaAsyncInvoker', () => {
  it('invokes the worker asynchronously (Event) with the intent id as JSON', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await new LambdaAsyncInvoker(new LambdaClient({ region: 'us-east-2' })).invokeAsync(
      'worker-fn',
      { intentId: 'intent#f-1#archive#f-1#v0' },
    );
    const [input] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(input).toMatchObject({ FunctionName: 'worker-fn', InvocationType: 'Event' });
    expect(new TextDecoder().decode(input!.Payload as Uint8Array)).toBe(
      '{"intentId":"intent#f-1#archive#f-1#v0"}',
    );
  });

  it('throws when Lambda does not accept the event', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    await expect(
      new LambdaAsyncInvoker(new LambdaClient({ region: 'us-east-2' })).invokeAsync('worker-fn', {
        intentId: 'x',
      }),
    ).rejects.toThrow(
      new InvokeRejectedError('Lambda answered 200 to the asynchronous invocation of worker-fn'),
    );
  });
});
