import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { Uint8ArrayBlobAdapter } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerEndpointInvoker } from '../../src/aws/sageMakerEndpoint';
import { SageMakerScorer } from '../../src/ipinsights/sageMakerScorer';

const runtime = mockClient(SageMakerRuntimeClient);
beforeEach(() => runtime.reset());

function scorer(batchSize = 1000) {
  const client = new SageMakerRuntimeClient({ region: 'us-east-1' });
  return new SageMakerScorer('ipinsights-prod', new SageMakerEndpointInvoker(client), {
    batchSize,
  });
}

/** The algorithm's documented response shape. */
const response = (...dotProducts: number[]) => ({
  ContentType: 'application/json',
  Body: Uint8ArrayBlobAdapter.fromString(
    JSON.stringify({ predictions: dotProducts.map((dot_product) => ({ dot_product })) }),
  ),
});

describe('SageMaker scorer over InvokeEndpoint', () => {
  it('sends text/csv "entity,ip" lines and reads predictions[].dot_product in order', async () => {
    runtime.on(InvokeEndpointCommand).resolves(response(2.5, -7.25));
    const results = await scorer().score([
      { entity: 'AIDA123456789EXAMPLE', ip: '203.0.113.77' },
      { entity: 'AROA123456789EXAMPLE', ip: '198.51.100.23' },
    ]);
    expect(results).toEqual([
      { kind: 'scored', score: 2.5 },
      { kind: 'scored', score: -7.25 },
    ]);
    const calls = runtime.commandCalls(InvokeEndpointCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect({ ...input, Body: new TextDecoder().decode(input.Body as Uint8Array) }).toEqual({
      EndpointName: 'ipinsights-prod',
      ContentType: 'text/csv',
      Accept: 'application/json',
      Body: 'AIDA123456789EXAMPLE,203.0.113.77\nAROA123456789EXAMPLE,198.51.100.23',
    });
  });

  it('batches many tuples per call and keeps IPv6 tuples out of the request', async () => {
    runtime.on(InvokeEndpointCommand).resolvesOnce(response(1, 2)).resolvesOnce(response(3));
    const results = await scorer(2).score([
      { entity: 'a', ip: '10.0.0.1' },
      { entity: 'a', ip: '2001:db8::1' },
      { entity: 'b', ip: '10.0.0.2' },
      { entity: 'c', ip: '10.0.0.3' },
    ]);
    expect(results).toEqual([
      { kind: 'scored', score: 1 },
      {
        kind: 'unscored',
        reason: 'IPv6 address: IP Insights models score IPv4 only',
        cause: 'ipv6',
      },
      { kind: 'scored', score: 2 },
      { kind: 'scored', score: 3 },
    ]);
    const bodies = runtime
      .commandCalls(InvokeEndpointCommand)
      .map((call) => new TextDecoder().decode(call.args[0].input.Body as Uint8Array));
    expect(bodies).toEqual(['a,10.0.0.1\nb,10.0.0.2', 'c,10.0.0.3']);
  });

  it('leaves tuples unscored with the endpoint error, never throwing', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejects(
        new ModelError({ message: 'Received client error (400) from primary', $metadata: {} }),
      );
    await expect(scorer().score([{ entity: 'a', ip: '10.0.0.1' }])).resolves.toEqual([
      {
        kind: 'unscored',
        reason:
          'SageMaker endpoint ipinsights-prod failed: ModelError: Received client error (400) from primary',
        cause: 'scorer-failed',
      },
    ]);
  });
});
