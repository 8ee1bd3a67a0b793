import { join } from 'node:path';
import { createDocumentClient } from '../../src/store/documentClient';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/store/embeddedDynamo';
import { ensureTables } from '../../src/store/ensureTables';
import { tableDefinitions } from '../../src/store/tables';
import { sampleEvent } from '../../harness/canarySamples';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { loadTemplate, stackOf, type Stack } from '../../harness/deploy/cfn';
import { lambdaFunctions, ROOT, valueOf } from '../../harness/deploy/functions';
import { runColdStart } from './support/coldStart';
import {
  slackSecretAnswer,
  ssmParameterAnswer,
  startRecordingServer,
  type Answer,
  type RecordedCall,
  type RecordingServer,
} from './support/recordingServer';

/**
 * The canary bundle as deployed, with the template's environment, against loopback stand-ins for
 * GuardDuty, EventBridge, SQS, CloudWatch, Secrets Manager and Slack, and the embedded DynamoDB.
 * When it asks GuardDuty for its sample, the stand-in delivers the sample to the built findings
 * bundle in a process of its own, as EventBridge would: the run sees it arrive through the real
 * health table.
 */

const BOT_TOKEN = 'xoxb-1111-2222-canary-token';
const DETECTOR = '5ab0c1d2e3f405a6b7c8d9e0f1a2b3c4';
const stack: Stack = stackOf(loadTemplate(join(ROOT, 'template.yaml')));
const fns = lambdaFunctions(stack);
const canaryFunction = fns.find((fn) => fn.logicalId === 'CanaryFunction')!;
const findingsFunction = fns.find((fn) => fn.logicalId === 'FindingsFunction')!;

let build: BuildOutput;
let dynamo: EmbeddedDynamo;
let fakes: RecordingServer;
const deliveries: Promise<unknown>[] = [];
let ruleState = 'ENABLED';
let samples = 0;

function json(body: unknown, contentType = 'application/x-amz-json-1.1'): Answer {
  return { contentType, body: JSON.stringify(body) };
}

function answer(call: RecordedCall): Answer {
  switch (call.target) {
    case 'secretsmanager.GetSecretValue':
      return slackSecretAnswer(call, {
        signingSecret: 'signing-secret-canary-bundle-0123456',
        botToken: BOT_TOKEN,
      });
    case 'AmazonSSM.GetParameter':
      return ssmParameterAnswer(call, 'routes: []');
    case '/detector':
      return json({ detectorIds: [DETECTOR] }, 'application/json');
    case `/detector/${DETECTOR}`:
      return json(
        { status: 'ENABLED', serviceRole: 'x', createdAt: '2026-01-01' },
        'application/json',
      );
    case `/detector/${DETECTOR}/findings/create`: {
      // EventBridge delivering the sample to the findings function, a few seconds later.
      samples += 1;
      const event = sampleEvent(
        stack.region,
        stack.accountId,
        DETECTOR,
        `c0ffee${samples}`.padEnd(32, '0'),
        new Date(),
      );
      deliveries.push(
        runColdStart(build, stack, findingsFunction, [{ event, requestId: 'sample-1' }], {
          endpoint: fakes.url,
          env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint },
        }),
      );
      return json({}, 'application/json');
    }
    case 'AWSEvents.DescribeRule':
      return json({ Name: (JSON.parse(call.body) as { Name: string }).Name, State: ruleState });
    case 'AmazonSQS.GetQueueAttributes':
      return json(
        { Attributes: { ApproximateNumberOfMessages: '0' } },
        'application/x-amz-json-1.0',
      );
    case 'GraniteServiceVersion20100801.PutMetricData':
      return json({}, 'application/x-amz-json-1.0');
    case '/api/auth.test':
      return json(
        { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM' },
        'application/json',
      );
    case '/api/chat.postMessage':
      return json(
        { ok: true, channel: 'C0SECURITY1', ts: '1760000000.000300' },
        'application/json',
      );
    default:
      return { status: 404 };
  }
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
  await Promise.allSettled(deliveries);
  build.remove();
  await dynamo.close();
  await fakes.close();
});

const calls = (target: string) => fakes.recorded.filter((r) => r.target === target);

describe('the canary bundle with the template’s environment', () => {
  test('asks for one sample, sees the findings bundle record it, and reports every check healthy', async () => {
    const run = await runColdStart(
      build,
      stack,
      canaryFunction,
      [{ event: { trigger: 'schedule' }, requestId: 'canary-1' }],
      {
        endpoint: fakes.url,
        // A short wait, should the sample be lost; it arrives within seconds.
        env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, CANARY_DELAY_MINUTES: '1' },
      },
    );
    await Promise.all(deliveries);
    const [result] = run.results as {
      kind: string;
      report: { regions: { checks: unknown[] }[] };
    }[];
    expect(result?.kind).toBe('ran');
    expect(result?.report.regions).toHaveLength(1);
    expect(result?.report.regions[0]?.checks).toEqual([
      expect.objectContaining({ check: 'sample', status: 'ok' }),
      { check: 'detector', status: 'ok', detail: `detector ${DETECTOR} is ENABLED` },
      {
        check: 'rule',
        status: 'ok',
        detail: `EventBridge rule ${valueOf(stack, 'FindingsRule')} is ENABLED`,
      },
      { check: 'token', status: 'ok', detail: 'Slack accepts the bot token' },
      { check: 'model', status: 'skipped', detail: 'no embedded IP Insights model is configured' },
      { check: 'queues', status: 'ok', detail: 'all 4 dead-letter queues are empty' },
    ]);
    expect(JSON.parse(calls(`/detector/${DETECTOR}/findings/create`)[0]!.body)).toEqual({
      findingTypes: ['UnauthorizedAccess:EC2/RDPBruteForce'],
    });
    expect(JSON.parse(calls('AWSEvents.DescribeRule')[0]!.body)).toEqual({
      Name: valueOf(stack, 'FindingsRule'),
    });
    expect(
      calls('AmazonSQS.GetQueueAttributes')
        .map((c) => (JSON.parse(c.body) as { QueueUrl: string }).QueueUrl)
        .sort(),
    ).toEqual(
      [
        valueOf(stack, 'FindingsDeadLetterQueue'),
        valueOf(stack, 'WorkerDeadLetterQueue'),
        valueOf(stack, 'PageDeadLetterQueue'),
        valueOf(stack, 'DigestDeadLetterQueue'),
      ].sort(),
    );
    const metrics = JSON.parse(calls('GraniteServiceVersion20100801.PutMetricData')[0]!.body) as {
      Namespace: string;
      MetricData: { Dimensions: { Name: string; Value: string }[]; Value: number }[];
    };
    expect(metrics.Namespace).toBe('guardduty-chatops');
    expect(metrics.MetricData.at(-1)).toMatchObject({
      Dimensions: [{ Name: 'Stack', Value: stack.stackName }],
      Value: 1,
    });
    // The sample never reached the channel, and nothing changed: nothing was posted.
    expect(calls('/api/chat.postMessage')).toEqual([]);
    expect(run.logs).toContainEqual(
      expect.objectContaining({ message: 'canary run finished', function_request_id: 'canary-1' }),
    );
  }, 120_000);

  test('a disabled rule is alerted once, by the bundle itself', async () => {
    ruleState = 'DISABLED';
    const run = await runColdStart(
      build,
      stack,
      canaryFunction,
      [
        { event: { trigger: 'schedule' }, requestId: 'canary-2' },
        { event: { trigger: 'schedule' }, requestId: 'canary-3' },
      ],
      {
        endpoint: fakes.url,
        env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, CANARY_DELAY_MINUTES: '1' },
      },
    );
    await Promise.all(deliveries);
    expect(run.results).toHaveLength(2);
    const posts = calls('/api/chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(new URLSearchParams(posts[0]!.body).get('text')).toContain(
      'guardduty-chatops canary: eu-west-1 is failing',
    );
  }, 120_000);
});
