import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { guarddutyCommandBody, signedSlackEvent } from '../helpers/events';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { loadTemplate, stackOf } from '../../harness/deploy/cfn';
import { runColdStart } from './support/coldStart';
import { lambdaFunctions, ROOT } from '../../harness/deploy/functions';
import {
  slackSecretAnswer,
  startRecordingServer,
  type Answer,
  type RecordedCall,
  type RecordingServer,
} from './support/recordingServer';

/**
 * The Slack bundle as deployed: built by scripts/build.mjs, loaded in a fresh Node process with
 * the template's environment and its layer on NODE_PATH as Lambda puts it, answering signed
 * requests. Secrets Manager, Slack and Lambda are one recording server on loopback, reached
 * through the SDK's and WebClient's standard endpoint settings; any other call gets a 404.
 */

const SIGNING_SECRET = 'signing-secret-slack-bundle-0123456';
const BOT_TOKEN = 'xoxb-3333-4444-slack-bundle';
const USER = 'U0ALICE';
const CHANNEL = 'C0SECURITY1';
const template = loadTemplate(join(ROOT, 'template.yaml'));
const stack = stackOf(template);
const slackFunction = lambdaFunctions(stack).find((fn) => fn.logicalId === 'SlackFunction')!;
/** The packages the stand-in layer provides, and the only Bolt files allowed to import them. */
const STUBBED = new Map([
  ['raw-body', 'node_modules/@slack/bolt/dist/receivers/HTTPModuleFunctions.js'],
  ['@slack/socket-mode', 'node_modules/@slack/bolt/dist/receivers/SocketModeReceiver.js'],
]);

let build: BuildOutput;
let fakes: RecordingServer;

/** Secrets Manager, Slack's auth.test and Lambda's Invoke; a 404 for anything else. */
function answer(call: RecordedCall): Answer {
  if (call.target === 'secretsmanager.GetSecretValue') {
    return slackSecretAnswer(call, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  }
  if (call.target === '/api/auth.test') {
    const identity = {
      ok: true,
      user_id: 'U0BUNDLEBOT',
      bot_id: 'B0BUNDLE',
      team_id: 'T0LOCAL001',
    };
    return { contentType: 'application/json', body: JSON.stringify(identity) };
  }
  if (/^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(call.target)) return { status: 202 };
  return { status: 404 };
}

beforeAll(async () => {
  build = buildBundles();
  fakes = await startRecordingServer(answer);
});

afterAll(async () => {
  build.remove();
  await fakes.close();
});

beforeEach(() => {
  fakes.recorded.length = 0;
});

interface Response {
  readonly statusCode: number;
  readonly body: string;
}

/** One cold start of the bundle, then each event in turn (requests req-1, req-2…). */
async function run(events: unknown[], options: { withLayers?: boolean } = {}) {
  const invocations = events.map((event, n) => ({ event, requestId: `req-${n + 1}` }));
  const { results, logs, output } = await runColdStart(build, stack, slackFunction, invocations, {
    endpoint: fakes.url,
    ...options,
  });
  return { responses: results as Response[], logs, output };
}

const command = (text: string, secret = SIGNING_SECRET) =>
  signedSlackEvent(guarddutyCommandBody(text, USER, CHANNEL), secret);

describe('the Slack bundle with its layer and the template’s environment', () => {
  test('answers a signed /guardduty help, having read the secret and asked Slack who it is', async () => {
    const { responses, output } = await run([command('help')]);

    expect(responses).toHaveLength(1);
    expect(responses[0]!.statusCode).toBe(200);
    const ack = JSON.parse(responses[0]!.body) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toBe(
      '/guardduty help: list, show, stats, score, archive, suppress, audit, status',
    );
    expect(fakes.recorded.map((call) => call.target)).toEqual([
      'secretsmanager.GetSecretValue',
      '/api/auth.test',
    ]);
    expect(fakes.recorded[1]!.body).toContain(`token=${BOT_TOKEN}`);
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain(SIGNING_SECRET);
  });

  test('hands /guardduty list to the worker with one asynchronous Invoke, then acks', async () => {
    const { responses } = await run([command('list --severity high')]);

    expect(responses[0]!.statusCode).toBe(200);
    const invokes = fakes.recorded.filter((call) => call.target.endsWith('/invocations'));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]!.target).toBe(
      `/2015-03-31/functions/${encodeURIComponent(slackFunction.environment.WORKER_FUNCTION_NAME!)}/invocations`,
    );
    expect(invokes[0]!.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(invokes[0]!.body)).toMatchObject({
      command: { command: '/guardduty', text: 'list --severity high', user_id: USER },
    });
  });

  test('logs each request as JSON with its request id and Slack user, and nothing secret', async () => {
    const { logs, output } = await run([command('help'), command('list --since 7d')]);

    const requests = logs.filter((line) => line.message === 'slack request');
    expect(requests).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'guardduty-chatops-slack',
        function_request_id: 'req-1',
        cold_start: true,
        slackUser: USER,
        slackTeam: 'T0LOCAL001',
        slackRequest: 'command /guardduty help',
      }),
      expect.objectContaining({
        function_request_id: 'req-2',
        cold_start: false,
        slackUser: USER,
        slackRequest: 'command /guardduty list',
      }),
    ]);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, 'hooks.slack.com', 'trigger_id']) {
      expect(output).not.toContain(secret);
    }
  });

  test('refuses a forged request with 401, and a good one after it still works', async () => {
    const { responses } = await run([command('help', 'forged-secret'), command('help')]);
    expect(responses.map((response) => response.statusCode)).toEqual([401, 200]);
  });

  test('answers a signed but truncated body 400 at once, and a good one after it still works', async () => {
    const body = guarddutyCommandBody('help', USER, CHANNEL);
    const cut = signedSlackEvent(body.slice(0, body.indexOf('&command=')), SIGNING_SECRET);
    const { responses } = await run([cut, command('help')]);
    expect(responses.map((response) => response.statusCode)).toEqual([400, 200]);
  });

  test('does not load without the layer: the packages it stands in for are not in the bundle', async () => {
    await expect(run([command('help')], { withLayers: false })).rejects.toThrow(
      /Cannot find module '(raw-body|@slack\/socket-mode)'/,
    );
  });
});

describe('the stand-in layer', () => {
  test('the template marks exactly the stood-in packages External, and the function has the layer', () => {
    const external = slackFunction.buildProperties.External as string[];
    expect([...external].sort()).toEqual([...STUBBED.keys()].sort());
    expect(slackFunction.properties.Layers).toEqual([{ Ref: 'BoltReceiverStubsLayer' }]);
    expect(template.Resources.BoltReceiverStubsLayer?.Properties).toMatchObject({
      ContentUri: 'layers/bolt-receiver-stubs/',
      CompatibleRuntimes: [slackFunction.properties.Runtime ?? template.Globals?.Function?.Runtime],
    });
  });

  test('nothing in the bundle imports the stood-in packages but Bolt’s unused receivers', () => {
    const metafile: Metafile = build.metafile('slack');
    const importers = Object.entries(metafile.inputs).flatMap(([file, input]) =>
      input.imports
        .filter((entry) => entry.external === true && STUBBED.has(entry.path))
        .map((entry) => [entry.path, file]),
    );
    expect(importers.sort()).toEqual([...STUBBED].sort());
  });

  test.each([
    ['raw-body', (module: unknown) => (module as () => unknown)()],
    [
      '@slack/socket-mode',
      (module: unknown) =>
        new (module as { SocketModeClient: new () => unknown }).SocketModeClient(),
    ],
  ])('%s refuses to be used, saying why', (name, use) => {
    const path = join(ROOT, 'layers/bolt-receiver-stubs/nodejs/node_modules', name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module: unknown = require(path);
    expect(() => use(module)).toThrow(
      expect.objectContaining({
        name: 'ReceiverNotDeployedError',
        message: expect.stringContaining('AwsLambdaReceiver') as string,
      }) as Error,
    );
  });
});
