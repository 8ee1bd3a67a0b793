import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { describeAwsFailure } from '../../src/actions/errors';
import { RemediationRetry, UnsupportedCallError } from '../../src/aws/remediationCalls';
import { GuardDutyGateway } from '../../src/aws/guardDutyRemediation';
import type { AwsCall } from '../../src/actions/ports/awsGateway';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

/** GuardDuty's REST API on loopback: answers each request with the next planned response. */
async function fakeGuardDuty(answers: { status: number; body: string; type?: string }[]) {
  const seen: Seen[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'x-amzn-requestid': `req-${seen.length}`,
        ...(answer.type === undefined ? {} : { 'x-amzn-errortype': answer.type }),
      });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = new GuardDutyGateway(
    (region) =>
      new GuardDutyClient({
        region,
        endpoint,
        credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
        ...RemediationRetry,
      }),
  );
  return {
    seen,
    gateway,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const archive: AwsCall = {
  service: 'guardduty',
  command: 'ArchiveFindings',
  region: 'us-east-2',
  input: { DetectorId: 'd-1', FindingIds: ['f-1'] },
};

const throttled = {
  status: 429,
  type: 'TooManyRequestsException',
  body: '{"message":"Rate exceeded"}',
};

describe('GuardDutyGateway over the real SDK client', () => {
  it('retries a throttled call with backoff and then succeeds', async () => {
    const fake = await fakeGuardDuty([throttled, { status: 200, body: '{}' }]);
    try {
      const result = await fake.gateway.call(archive);
      expect(result.requestId).toBe('req-2');
      expect(fake.seen).toEqual([
        { method: 'POST', url: '/detector/d-1/findings/archive', body: '{"findingIds":["f-1"]}' },
        { method: 'POST', url: '/detector/d-1/findings/archive', body: '{"findingIds":["f-1"]}' },
      ]);
    } finally {
      await fake.close();
    }
  });

  it('gives up after 5 attempts with an error that says so', async () => {
    const fake = await fakeGuardDuty([throttled]);
    try {
      const error: unknown = await fake.gateway.call(archive).catch((e: unknown) => e);
      expect(fake.seen).toHaveLength(5);
      expect(describeAwsFailure(error, archive)).toBe(
        'AWS kept throttling guardduty:ArchiveFindings after 5 attempts; try again in a minute',
      );
    } finally {
      await fake.close();
    }
  });

  it('sends CreateFilter with the criteria as GuardDuty expects them', async () => {
    const fake = await fakeGuardDuty([{ status: 200, body: '{"name":"guardduty-chatops-1"}' }]);
    try {
      const result = await fake.gateway.call({
        service: 'guardduty',
        command: 'CreateFilter',
        region: 'us-east-2',
        input: {
          DetectorId: 'd-1',
          Name: 'guardduty-chatops-1',
          Action: 'ARCHIVE',
          FindingCriteria: { Criterion: { type: { Eq: ['Recon:EC2/Portscan'] } } },
          ClientToken: 'token-1',
        },
      });
      expect(result.output).toEqual({ Name: 'guardduty-chatops-1' });
      expect(fake.seen[0]).toMatchObject({ url: '/detector/d-1/filter' });
      expect(JSON.parse(fake.seen[0]!.body)).toEqual({
        name: 'guardduty-chatops-1',
        action: 'ARCHIVE',
        findingCriteria: { criterion: { type: { eq: ['Recon:EC2/Portscan'] } } },
        clientToken: 'token-1',
      });
    } finally {
      await fake.close();
    }
  });

  it('refuses a command it has no adapter for', () => {
    const gateway = new GuardDutyGateway();
    expect(() => gateway.call({ ...archive, command: 'DeleteDetector' })).toThrow(
      new UnsupportedCallError({ ...archive, command: 'DeleteDetector' }),
    );
    expect(() => gateway.call({ ...archive, service: 'ec2' })).toThrow(UnsupportedCallError);
  });
});
