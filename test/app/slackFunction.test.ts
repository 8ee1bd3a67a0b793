import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { interactivityBody } from '@guardduty-chatops/slack-sandbox';
import { LambdaInvokeDispatcher } from '../../src/actions/dispatch';
import { LambdaAsyncInvoker } from '../../src/aws/lambdaInvoker';
import { botListeners } from '../../src/app/botListeners';
import {
  createSlackHandler,
  deferToWorker,
  suppressCountByWorker,
  WORKER_ONLY_GUARDDUTY,
  type SlackHandler,
} from '../../src/app/slackFunction';
import { GetFindingsStatisticsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { defaultCriteria } from '../../src/actions/targets';
import { createWorkerHandler } from '../../src/app/workerFunction';
import { SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import { suppressModal } from '../../src/bot/interactions/suppressModal';
import { silentSlackLogger as silentLogger } from '../../src/bot/slackLogger';
import { silentLog } from '../../src/shared/log';
import { fixtureFinding } from '../../harness/fixtures';
import { guarddutyCommandBody, signedSlackEvent } from '../helpers/events';
import { ALICE, CHANNEL, startRuntimeHarness, type RuntimeHarness, NOW } from '../helpers/bot';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');

let harness: RuntimeHarness;
let lambda: AwsClientStub<LambdaClient>;
let handler: SlackHandler;
let now: number;

beforeEach(async () => {
  now = NOW.getTime();
  lambda = mockClient(LambdaClient);
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const invoker = new LambdaAsyncInvoker(new LambdaClient({ region: 'us-east-2' }));
  const dispatcher = new LambdaInvokeDispatcher(invoker, 'guardduty-chatops-worker');
  harness = await startRuntimeHarness({ dispatcher, clock: () => new Date(now) });
  await harness.runtime.publisher.publish(finding);
  const listeners = botListeners({
    config: harness.config,
    runtime: harness.runtime,
    log: silentLog,
    guardduty: WORKER_ONLY_GUARDDUTY,
    deferCommand: deferToWorker(invoker, 'guardduty-chatops-worker'),
  });
  handler = createSlackHandler(harness.config, listeners, { logger: silentLogger });
});
afterEach(async () => {
  await harness.close();
  lambda.restore();
});

function functionUrlEvent(body: string, options: { secret?: string; ageSeconds?: number } = {}) {
  return signedSlackEvent(body, options.secret ?? harness.config.slack.signingSecret, options);
}

function commandEvent(text: string) {
  return functionUrlEvent(guarddutyCommandBody(text, ALICE, CHANNEL));
}

/** A Function URL (payload 2.0) event carrying a signed block_actions request. */
function clickEvent(options: { secret?: string; ageSeconds?: number } = {}) {
  const payload = {
    type: 'block_actions',
    user: { id: ALICE, username: 'alice', name: 'alice', team_id: 'T0LOCAL001' },
    api_app_id: 'A0LOCALAPP',
    token: 'local-verification-token',
    container: { type: 'message', message_ts: '1.000001', channel_id: CHANNEL },
    trigger_id: '1.2.3',
    team: { id: 'T0LOCAL001', domain: 'guardduty-local' },
    channel: { id: CHANNEL, name: 'security' },
    response_url: 'http://127.0.0.1:9/respond/R1',
    actions: [
      {
        type: 'button',
        action_id: 'remediate:archive',
        block_id: 'finding_actions',
        value: JSON.stringify({ f: finding.id, v: 0 }),
        action_ts: '1.000002',
      },
    ],
  };
  return functionUrlEvent(interactivityBody(payload), options);
}

describe('the Slack Lambda handler', () => {
  it('records the intent and invokes the worker asynchronously before answering 200', async () => {
    const response = await handler(clickEvent(), {});
    expect(response.statusCode).toBe(200);

    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({
      FunctionName: 'guardduty-chatops-worker',
      InvocationType: 'Event',
    });
    const event = JSON.parse(new TextDecoder().decode(invokes[0]!.Payload as Uint8Array)) as {
      intentId: string;
    };
    expect(event.intentId).toBe(`intent#archive#finding:${finding.id}#v0`);
    expect(await harness.runtime.remediation.intents.get(event.intentId)).toMatchObject({
      status: 'pending',
      actor: { userId: ALICE },
    });
    expect(harness.aws.guardduty.calls()).toHaveLength(0);
  });

  it('rejects a forged, 6-minute-old or 6-minute-future request with 401 and records nothing', async () => {
    expect((await handler(clickEvent({ secret: 'forged' }), {})).statusCode).toBe(401);
    expect((await handler(clickEvent({ ageSeconds: 360 }), {})).statusCode).toBe(401);
    expect((await handler(clickEvent({ ageSeconds: -360 }), {})).statusCode).toBe(401);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(
      await harness.runtime.remediation.intents.get(`intent#archive#finding:${finding.id}#v0`),
    ).toBeUndefined();
  });

  it('answers a signed but truncated or random body 400 at once, an unsigned one 401', async () => {
    const body = guarddutyCommandBody('list', ALICE, CHANNEL);
    const cut = body.slice(0, body.indexOf('&command='));
    const payloadCut = interactivityBody({ type: 'block_actions', actions: [] }).slice(0, 40);
    // Random bytes, as text the way the function reads them, sent base64-encoded.
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString();
    const base64 = {
      ...functionUrlEvent(random),
      body: Buffer.from(random).toString('base64'),
      isBase64Encoded: true,
    };
    const slackCalls = harness.slack.calls.length;
    const statuses = [];
    for (const event of [functionUrlEvent(cut), functionUrlEvent(payloadCut), base64]) {
      statuses.push((await handler(event, {})).statusCode);
    }
    const forged = await handler(functionUrlEvent(payloadCut, { secret: 'forged' }), {});
    expect([...statuses, forged.statusCode]).toEqual([400, 400, 400, 401]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(harness.slack.calls).toHaveLength(slackCalls);
  });

  it('says so when the worker cannot be invoked, and hands the intent over on the next click', async () => {
    lambda.on(InvokeCommand).resolvesOnce({ StatusCode: 500 }).resolves({ StatusCode: 202 });
    const response = await handler(clickEvent(), {});
    expect(response.statusCode).toBe(200);
    const id = `intent#archive#finding:${finding.id}#v0`;
    // Nothing ran, so nothing is decided: the intent waits, still pending, for a hand-over.
    expect(await harness.runtime.remediation.intents.get(id)).toMatchObject({ status: 'pending' });
    expect(harness.slack.workspace.listEphemerals().at(-1)?.text).toMatch(
      /^:warning: Could not start: could not hand archive to the remediation worker: Lambda answered 500/,
    );
    // Clicked again a minute later: the same intent, handed to the worker this time.
    now += 61_000;
    expect((await handler(clickEvent(), {})).statusCode).toBe(200);
    const payloads = lambda
      .commandCalls(InvokeCommand)
      .map(
        (c) =>
          JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)) as unknown,
      );
    expect(payloads).toEqual([{ intentId: id }, { intentId: id }]);
  });

  it('hands a slow /guardduty subcommand to the worker and acks at once', async () => {
    const response = await handler(commandEvent('list --severity high'), {});
    expect(response).toMatchObject({ statusCode: 200 });
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({
      FunctionName: 'guardduty-chatops-worker',
      InvocationType: 'Event',
    });
    expect(JSON.parse(new TextDecoder().decode(invokes[0]!.Payload as Uint8Array))).toEqual({
      command: {
        command: '/guardduty',
        text: 'list --severity high',
        user_id: ALICE,
        user_name: 'alice',
        team_id: 'T0LOCAL001',
        channel_id: CHANNEL,
        response_url: 'https://hooks.slack.com/commands/T0LOCAL001/1/abc',
        trigger_id: '1.2.3',
      },
    });
    expect(harness.aws.guardduty.calls()).toHaveLength(0);
  });

  it('hands /guardduty score to the worker too: this function loads no model', async () => {
    const response = await handler(commandEvent('score AIDA123456789EXAMPLE 203.0.113.77'), {});
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    const [invoke] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(JSON.parse(new TextDecoder().decode(invoke!.Payload as Uint8Array))).toMatchObject({
      command: { text: 'score AIDA123456789EXAMPLE 203.0.113.77' },
    });
  });

  it('answers help in the ack itself, without the worker', async () => {
    const response = await handler(commandEvent('help'), {});
    expect(response).toMatchObject({ statusCode: 200 });
    expect((response as { body: string }).body).toContain('/guardduty list');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('the suppress modal’s count on Lambda', () => {
  it('is handed to the worker as an event the worker accepts and answers with views.update', async () => {
    harness.aws.guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [{ FindingType: finding.type, TotalFindings: 2 }],
      },
    });
    const modal = suppressModal(
      finding,
      defaultCriteria(finding),
      { findingId: finding.id },
      {
        kind: 'counting',
      },
    );
    const opened = harness.slack.views.open(
      ALICE,
      JSON.parse(JSON.stringify(modal)) as Parameters<typeof harness.slack.views.open>[1],
    );
    const invoker = new LambdaAsyncInvoker(new LambdaClient({ region: 'us-east-2' }));
    const job = { viewId: opened.id, hash: opened.hash, findingId: finding.id, version: 0 };

    await suppressCountByWorker(invoker, 'guardduty-chatops-worker')(job);

    const [invoke] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invoke).toMatchObject({
      FunctionName: 'guardduty-chatops-worker',
      InvocationType: 'Event',
    });
    const event: unknown = JSON.parse(new TextDecoder().decode(invoke!.Payload as Uint8Array));
    expect(event).toEqual({ suppressCount: job });
    const worker = createWorkerHandler(
      () =>
        Promise.resolve({
          config: harness.config,
          runtime: harness.runtime,
          guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
        }),
      silentLog,
    );
    await expect(worker(event)).resolves.toEqual({ kind: 'counted', findingId: finding.id });
    expect(JSON.stringify(harness.slack.views.get(opened.id)?.view.blocks)).toContain(
      `*2* open findings of type \`${finding.type}\``,
    );
  });
});
