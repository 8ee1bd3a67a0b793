import {
  SageMakerScorer,
  type EndpointInvoker,
  type EndpointRequest,
} from '../../src/ipinsights/sageMakerScorer';

const tuple = { entity: 'AIDA123456789EXAMPLE', ip: '203.0.113.77' };

function invoker(answer: (request: EndpointRequest, signal: AbortSignal) => Promise<string>) {
  const requests: EndpointRequest[] = [];
  const fake: EndpointInvoker = {
    invoke: (request, signal) => {
      requests.push(request);
      return answer(request, signal);
    },
  };
  return { fake, requests };
}

describe('SageMakerScorer', () => {
  it('describes itself by endpoint name', () => {
    expect(new SageMakerScorer('ipi', invoker(() => Promise.resolve('')).fake).description).toBe(
      'SageMaker endpoint ipi',
    );
  });

  it('gives up after the timeout and says so', async () => {
    const hanging = invoker(
      (_request, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    const scorer = new SageMakerScorer('ipi', hanging.fake, { timeoutMs: 20 });
    await expect(scorer.score([tuple])).resolves.toEqual([
      {
        kind: 'unscored',
        reason: 'SageMaker endpoint ipi did not answer within 20 ms',
        cause: 'scorer-failed',
      },
    ]);
  });

  it.each([
    [
      'not JSON',
      '<html>502</html>',
      'returned a response that is not {"predictions":[{"dot_product":…}]}',
    ],
    [
      'the wrong shape',
      '{"predictions":[{"score":1}]}',
      'returned a response that is not {"predictions":[{"dot_product":…}]}',
    ],
    [
      'the wrong count',
      '{"predictions":[{"dot_product":1},{"dot_product":2}]}',
      'returned 2 predictions for 1 tuples',
    ],
  ])('leaves tuples unscored when the response is %s', async (_name, body, why) => {
    const scorer = new SageMakerScorer('ipi', invoker(() => Promise.resolve(body)).fake);
    await expect(scorer.score([tuple])).resolves.toEqual([
      { kind: 'unscored', reason: `SageMaker endpoint ipi ${why}`, cause: 'scorer-failed' },
    ]);
  });

  it('makes no call when nothing is IPv4', async () => {
    const { fake, requests } = invoker(() => Promise.resolve('{"predictions":[]}'));
    const results = await new SageMakerScorer('ipi', fake).score([
      { entity: 'a', ip: 'fe80::1' },
      { entity: 'a', ip: 'not-an-ip' },
    ]);
    expect(requests).toEqual([]);
    expect(results).toEqual([
      {
        kind: 'unscored',
        reason: 'IPv6 address: IP Insights models score IPv4 only',
        cause: 'ipv6',
      },
      { kind: 'unscored', reason: 'not an IP address: not-an-ip', cause: 'not-an-ip' },
    ]);
  });

  it('quotes an entity that contains a comma', async () => {
    const { fake, requests } = invoker(() =>
      Promise.resolve('{"predictions":[{"dot_product":0.5}]}'),
    );
    await new SageMakerScorer('ipi', fake).score([{ entity: 'rds:db,1/admin', ip: '10.0.0.1' }]);
    expect(requests[0]?.body).toBe('"rds:db,1/admin",10.0.0.1');
  });
});
