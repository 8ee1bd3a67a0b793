import { join } from 'node:path';
import { createDocumentClient } from '../../src/store/documentClient';
import { DynamoIntents } from '../../src/store/dynamoIntents';
import { DynamoSubjectStates } from '../../src/store/dynamoSubjectStates';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/store/embeddedDynamo';
import { ensureTables } from '../../src/store/ensureTables';
import { tableDefinitions } from '../../src/store/tables';
import { rawFixture } from '../../harness/fixtures';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { loadTemplate, stackOf } from '../../harness/deploy/cfn';
import { lambdaFunctions, ROOT } from '../../harness/deploy/functions';
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
 * The worker bundle as deployed, in a live stack (DryRun=false) with a responder: built by
 * scripts/build.mjs, started in a fresh Node process with the template's environment, reading its
 * tables from the embedded DynamoDB and calling "GuardDuty", "Slack" and the command's
 * response_url on one recording server. The finding it acts on was posted by the findings bundle.
 */

const SIGNING_SECRET = 'signing-secret-worker-bundle-012345';
const BOT_TOKEN = 'xoxb-5555-6666-worker-bundle';
const ALICE = 'U0ALICE';
const stack = stackOf(loadTemplate(join(ROOT, 'template.yaml')), {
  DryRun: 'false',
  Responders: ALICE,
});
const functions = lambdaFunctions(stack);
const workerFunction = functions.find((fn) => fn.logicalId === 'WorkerFunction')!;
const findingsFunction = functions.find((fn) => fn.logicalId === 'FindingsFunction')!;
const event = rawFixture('UnauthorizedAccess_EC2_TorClient.json');
const finding = event.detail as { id: string; service: { detectorId: string } };
const RESPONSE_PATH = '/hooks/commands/T0LOCAL001/1234/abcd';

let build: BuildOutput;
let dynamo: EmbeddedDynamo;
let fakes: RecordingServer;

/** Secrets Manager, every Slack method, GuardDuty's ArchiveFindings and the response_url. */
function answer(call: RecordedCall): Answer {
  // The stack's routing file as created: the built-in routes alone.
  if (call.target === 'AmazonSSM.GetParameter') return ssmParameterAnswer(call, 'routes: []');
  if (call.target === 'secretsmanager.GetSecretValue') {
    return slackSecretAnswer(call, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  }
  if (call.target === '/api/auth.test') {
    // The bot's own workspace: the worker refuses intents from any other.
    return {
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, team_id: 'T0LOCAL001', user_id: 'U0BOT', bot_id: 'B0BOT' }),
    };
  }
  if (call.target.startsWith('/api/')) {
    const ts = '1760000000.000200';
    return {
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, channel: 'C0SECURITY1', ts, message: { ts } }),
    };
  }
  if (call.target === `/detector/${finding.service.detectorId}/findings/archive`) {
    return { contentType: 'application/json', body: '{}' };
  }
  if (call.target === RESPONSE_PATH) return { body: 'ok' };
  return { status: 404 };
}

const documentClient = () => createDocumentClient({ endpoint: dynamo.endpoint });

beforeAll(async () => {
  build = buildBundles();
  dynamo = await startEmbeddedDynamo();
  const client = documentClient();
  const env = workerFunction.environment;
  await ensureTables(
    client,
    tableDefinitions({
      findings: env.FINDINGS_TABLE!,
      audit: env.AUDIT_TABLE!,
      idempotency: env.IDEMPOTENCY_TABLE!,
      health: findingsFunction.environment.HEALTH_TABLE!,
    }),
  );
  client.destroy();
  fakes = await startRecordingServer(answer);
  // The finding as the findings function posted it.
  const posted = await runColdStart(build, stack, findingsFunction, [{ event, requestId: 'f-1' }], {
    endpoint: fakes.url,
    env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint },
  });
  expect(posted.results).toEqual([{ kind: 'posted', ts: '1760000000.000200' }]);
  fakes.recorded.length = 0;
});

afterAll(async () => {
  build.remove();
  await dynamo.close();
  await fakes.close();
});

/** The event the Slack function sends for `/guardduty <text>` typed by Alice. */
function deferredCommand(text: string) {
  return {
    command: {
      command: '/guardduty',
      text,
      user_id: ALICE,
      user_name: 'alice',
      team_id: 'T0LOCAL001',
      channel_id: 'C0SECURITY1',
      response_url: `${fakes.url}${RESPONSE_PATH}`,
      trigger_id: '1.2.3',
    },
  };
}

describe('the worker bundle with the template’s environment', () => {
  test('a deferred /guardduty archive makes one ArchiveFindings, finishes its intent and answers', async () => {
    const { results, output } = await runColdStart(
      build,
      stack,
      workerFunction,
      [{ event: deferredCommand(`archive ${finding.id}`), requestId: 'w-1' }],
      { endpoint: fakes.url, env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint } },
    );

    expect(results).toEqual([{ kind: 'answered', command: `archive ${finding.id}` }]);
    const archives = fakes.recorded.filter((call) => call.target.endsWith('/findings/archive'));
    expect(archives.map((call) => [call.target, JSON.parse(call.body) as unknown])).toEqual([
      [`/detector/${finding.service.detectorId}/findings/archive`, { findingIds: [finding.id] }],
    ]);
    expect(archives[0]!.headers.authorization).toContain('Credential=AKIDBUNDLETEST/');

    const answers = fakes.recorded.filter((call) => call.target === RESPONSE_PATH);
    expect(answers.map((call) => JSON.parse(call.body) as unknown)).toEqual([
      expect.objectContaining({ response_type: 'ephemeral' }),
    ]);

    // The intent ran to its end before the process was left to freeze.
    const client = documentClient();
    try {
      const env = workerFunction.environment;
      const state = await new DynamoSubjectStates(client, env.IDEMPOTENCY_TABLE!).get({
        family: 'archive',
        subject: `finding:${finding.id}`,
      });
      const summary = state.last;
      expect(summary).toMatchObject({ status: 'succeeded', dryRun: false });
      const intent = await new DynamoIntents(client, env.IDEMPOTENCY_TABLE!).get(summary!.intentId);
      expect(intent).toMatchObject({ status: 'succeeded', reported: true });
    } finally {
      client.destroy();
    }
    // The message was redrawn and the thread told, with the bot token.
    const slack = fakes.recorded.filter((call) => call.target.startsWith('/api/'));
    expect(slack.map((call) => call.target)).toEqual(
      expect.arrayContaining(['/api/chat.update', '/api/chat.postMessage']),
    );
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain(SIGNING_SECRET);
  });
});
