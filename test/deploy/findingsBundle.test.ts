import { join } from 'node:path';
import { createDocumentClient } from '../../src/store/documentClient';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/store/embeddedDynamo';
import { ensureTables } from '../../src/store/ensureTables';
import { tableDefinitions } from '../../src/store/tables';
import { rawFixture } from '../../harness/fixtures';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { loadTemplate, stackOf } from '../../harness/deploy/cfn';
import { runColdStart } from './support/coldStart';
import { lambdaFunctions, ROOT } from '../../harness/deploy/functions';
import {
  slackSecretAnswer,
  ssmParameterAnswer,
  startRecordingServer,
  type Answer,
  type RecordedCall,
  type RecordingServer,
} from './support/recordingServer';

/**
 * The findings bundle as deployed: built by scripts/build.mjs, started in a fresh Node process
 * with exactly the environment the template gives it, reading the Slack credentials from "Secrets
 * Manager", its state from "DynamoDB" and posting to "Slack" — each a real server on loopback
 * that the SDK and the WebClient reach through their standard endpoint settings.
 */

const SIGNING_SECRET = 'signing-secret-findings-bundle-4f1c9a';
const BOT_TOKEN = 'xoxb-1111-2222-bundle-token';
const stack = stackOf(loadTemplate(join(ROOT, 'template.yaml')));
const findingsFunction = lambdaFunctions(stack).find((fn) => fn.logicalId === 'FindingsFunction')!;

let build: BuildOutput;
let dynamo: EmbeddedDynamo;
let fakes: RecordingServer;

/** The routes the operator put in the stack's parameter: one drop rule before the defaults. */
const ROUTES = `routes:
  - name: canary
    match: { type: "Canary:*" }
    drop: integration-test canaries
`;

/** Set by a test: Slack answers chat.postMessage with this error. */
let slackFails: string | undefined;

/** Secrets Manager's GetSecretValue, SSM's GetParameter and Slack's chat.postMessage. */
function answer(call: RecordedCall): Answer {
  if (call.target === 'AmazonSSM.GetParameter') return ssmParameterAnswer(call, ROUTES);
  if (call.target === 'secretsmanager.GetSecretValue') {
    return slackSecretAnswer(call, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  }
  if (call.target === '/api/chat.postMessage') {
    if (slackFails !== undefined) {
      return {
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: slackFails }),
      };
    }
    return {
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, channel: 'C0SECURITY1', ts: '1760000000.000100' }),
    };
  }
  return { status: 404 };
}

beforeAll(async () => {
  build = buildBundles();
  dynamo = await startEmbeddedDynamo();
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  const env = findingsFunction.environment;
  await ensureTables(
    client,
    tableDefinitions({
      findings: env.FINDINGS_TABLE!,
      audit: 'unused-audit',
      idempotency: env.IDEMPOTENCY_TABLE!,
      health: env.HEALTH_TABLE!,
    }),
  );
  client.destroy();
  fakes = await startRecordingServer(answer);
});

afterAll(async () => {
  build.remove();
  await dynamo.close();
  await fakes.close();
});

/** One cold start and one invocation of the bundle, in its own process. */
async function invoke(event: unknown, requestId: string) {
  const { results, logs, output } = await runColdStart(
    build,
    stack,
    findingsFunction,
    [{ event, requestId }],
    { endpoint: fakes.url, env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint } },
  );
  return { result: results[0], logs, output };
}

describe('the findings bundle with the template’s environment', () => {
  const event = rawFixture('UnauthorizedAccess_EC2_TorClient.json');
  const findingId = (event.detail as { id: string }).id;

  test('reads the secret, posts the finding once and records it', async () => {
    const first = await invoke(event, 'req-first');
    expect(first.result).toEqual({ kind: 'posted', ts: '1760000000.000100' });
    const posts = fakes.recorded.filter((r) => r.target === '/api/chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(new URLSearchParams(posts[0]!.body).get('channel')).toBe('C0SECURITY1');
    expect(fakes.recorded.filter((r) => r.target === 'secretsmanager.GetSecretValue')).toHaveLength(
      1,
    );

    // A redelivery, in a new cold start, finds the stored state and posts nothing.
    const again = await invoke(event, 'req-again');
    expect(again.result).toEqual({
      kind: 'unchanged',
      reason: 'not newer than the posted finding',
    });
    expect(fakes.recorded.filter((r) => r.target === '/api/chat.postMessage')).toHaveLength(1);
  });

  test('routes by the parameter the template names: a dropped finding posts nothing', async () => {
    const before = fakes.recorded.filter((r) => r.target === '/api/chat.postMessage').length;
    const canary = rawFixture('Canary_EC2_Stateless.IntegTest.json');
    const { result } = await invoke(canary, 'req-canary');
    expect(result).toEqual({
      kind: 'dropped',
      route: 'canary',
      reason: 'integration-test canaries',
    });
    const reads = fakes.recorded.filter((r) => r.target === 'AmazonSSM.GetParameter');
    expect(reads.map((r) => JSON.parse(r.body) as unknown)).toContainEqual({
      Name: findingsFunction.environment.ROUTES_PARAMETER,
      WithDecryption: true,
    });
    expect(fakes.recorded.filter((r) => r.target === '/api/chat.postMessage')).toHaveLength(before);
  });

  test('logs JSON lines with the finding id and the request id, and never a secret', async () => {
    const { logs, output } = await invoke(event, 'req-logs');
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'finding processed',
        service: 'guardduty-chatops-findings',
        findingId,
        function_request_id: 'req-logs',
        cold_start: true,
      }),
    );
    expect(output).not.toContain(SIGNING_SECRET);
    expect(output).not.toContain(BOT_TOKEN);
  });

  test('rejects an event that is not a finding, saying which event', async () => {
    const { result, logs } = await invoke({ id: 'evt-bad', detail: { nope: true } }, 'req-bad');
    expect(result).toMatchObject({ kind: 'rejected' });
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'rejected event: not a valid GuardDuty finding',
        eventId: 'evt-bad',
        function_request_id: 'req-bad',
      }),
    );
  });

  test('takes the findings queue’s batches: posts the new, deletes the malformed, hands back what failed', async () => {
    const sqs = (bodies: readonly string[]) => ({
      Records: bodies.map((body, i) => ({
        messageId: `msg-${i}`,
        receiptHandle: `rh-${i}`,
        body,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:findings',
        awsRegion: 'us-east-1',
      })),
    });
    const postsBefore = fakes.recorded.filter((r) => r.target === '/api/chat.postMessage').length;
    const recon = rawFixture('Recon_EC2_Portscan.json');
    const { result, logs } = await invoke(
      sqs([JSON.stringify(recon), '{"not":"a finding"}', JSON.stringify(event)]),
      'req-batch',
    );
    // The malformed one is deleted (logged), the replay is unchanged, the new one posted.
    expect(result).toEqual({ batchItemFailures: [] });
    expect(fakes.recorded.filter((r) => r.target === '/api/chat.postMessage')).toHaveLength(
      postsBefore + 1,
    );
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        messageId: 'msg-1',
        function_request_id: 'req-batch',
      }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'finding processed', findingId, outcome: 'unchanged' }),
    );

    // Slack refusing: the new finding's message is handed back to the queue, nothing is lost.
    slackFails = 'internal_error';
    try {
      const tor = rawFixture('UnauthorizedAccess_EC2_TorClient.json');
      (tor.detail as { id: string }).id = 'f'.repeat(32);
      const failed = await invoke(sqs([JSON.stringify(tor)]), 'req-fail');
      expect(failed.result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    } finally {
      slackFails = undefined;
    }
  });
});
