import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ArchiveFindingsCommand,
  GetDetectorCommand,
  GetFindingsCommand,
  GuardDutyClient,
  GetFindingsStatisticsCommand,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { defaultCriteria } from '../../src/actions/targets';
import { suppressModal } from '../../src/bot/interactions/suppressModal';
import { SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import type { Dispatcher } from '../../src/actions/ports/dispatch';
import { createWorkerHandler } from '../../src/app/workerFunction';
import { silentLog } from '../../src/shared/log';
import { fixtureFinding } from '../../harness/fixtures';
import { recordingLog } from '../helpers/events';
import { sdkFindingFromWire } from '../../harness/sdkFindings';
import { ALICE, CHANNEL, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');

/** Stands in for the Lambda Invoke: keeps the events the worker function would receive. */
class QueueDispatcher implements Dispatcher {
  readonly events: { intentId: string }[] = [];
  dispatch(intentId: string): Promise<void> {
    this.events.push({ intentId });
    return Promise.resolve();
  }
}

let harness: RuntimeHarness;
let queue: QueueDispatcher;

beforeEach(async () => {
  queue = new QueueDispatcher();
  harness = await startRuntimeHarness({ dispatcher: queue });
  harness.aws.guardduty
    .on(ArchiveFindingsCommand)
    .resolves({ $metadata: { requestId: 'req-archive' } });
  await harness.runtime.publisher.publish(finding);
});
afterEach(() => harness.close());

const parts = () =>
  Promise.resolve({
    config: harness.config,
    runtime: harness.runtime,
    guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
  });

/** A `/guardduty` command as the Slack function hands it to the worker. */
function deferred(text: string, responseUrl: string) {
  return {
    command: '/guardduty',
    text,
    user_id: ALICE,
    user_name: 'alice',
    team_id: 'T0LOCAL001',
    channel_id: CHANNEL,
    response_url: responseUrl,
    trigger_id: '1.2.3',
  };
}

/** A response_url endpoint on loopback that records what is posted to it. */
async function responseUrlServer(status = 200) {
  const posts: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      posts.push(JSON.parse(body));
      response.statusCode = status;
      response.end(status === 200 ? 'ok' : 'expired_url');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    posts,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/respond/R9`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function accept() {
  const outcome = await harness.runtime.remediation.service.request({
    findingId: finding.id,
    kind: 'archive',
    actor: { userId: ALICE, teamId: 'T0LOCAL001' },
    source: 'command',
  });
  expect(outcome.kind).toBe('accepted');
}

describe('the worker Lambda handler', () => {
  it('runs the intent once, however often Lambda delivers the event', async () => {
    await accept();
    const handler = createWorkerHandler(parts, silentLog);
    const [event] = queue.events;
    const results = await Promise.all([handler(event), handler(event), handler(event)]);
    await handler(event);

    expect(results.map((r) => r.kind)).toEqual(['done', 'done', 'done']);
    expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    expect(await harness.runtime.remediation.intents.get(event!.intentId)).toMatchObject({
      status: 'succeeded',
      reported: true,
    });
    expect(
      harness.slack.callsTo('chat.postMessage').filter((c) => 'thread_ts' in c.args),
    ).toHaveLength(1);
  });

  it('reports again on a retry when Slack failed the first time, without acting again', async () => {
    await accept();
    const handler = createWorkerHandler(parts, silentLog);
    const [event] = queue.events;
    harness.slack.failNext('chat.postMessage', { error: 'internal_error' });
    await expect(handler(event)).rejects.toThrow();
    expect(await harness.runtime.remediation.intents.get(event!.intentId)).toMatchObject({
      status: 'succeeded',
    });
    await handler(event);
    expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    const replies = harness.slack.workspace
      .thread(CHANNEL, (await harness.runtime.findings.get(finding.id))!.ts!)
      .filter((m) => m.thread_ts !== undefined && m.ts !== m.thread_ts);
    expect(replies).toHaveLength(1);
  });

  it('acts on a finding that was never posted (a command) and answers through its response_url', async () => {
    const endpoint = await responseUrlServer();
    try {
      const unposted = { ...finding, id: 'never-posted-finding' };
      const outcome = await harness.runtime.remediation.service.request({
        findingId: unposted.id,
        kind: 'archive',
        actor: { userId: ALICE, teamId: 'T0LOCAL001' },
        source: 'command',
        finding: unposted,
        responseUrl: endpoint.url,
      });
      expect(outcome).toMatchObject({ kind: 'accepted', dryRun: false });
      // The worker reads the finding from GuardDuty itself, not from the intent.
      harness.aws.guardduty.on(GetFindingsCommand).resolves({
        Findings: [
          sdkFindingFromWire(JSON.parse(JSON.stringify(unposted)) as Record<string, unknown>),
        ],
      });
      const handler = createWorkerHandler(parts, silentLog);
      await handler(queue.events[0]);
      expect(
        harness.aws.guardduty.commandCalls(GetFindingsCommand).map((c) => c.args[0].input),
      ).toEqual([
        expect.objectContaining({
          DetectorId: '12abc34d567e8fa901bc2d34e56789f0',
          FindingIds: [unposted.id],
        }),
      ]);
      expect(
        harness.aws.guardduty.commandCalls(ArchiveFindingsCommand).map((c) => c.args[0].input),
      ).toEqual([{ DetectorId: '12abc34d567e8fa901bc2d34e56789f0', FindingIds: [unposted.id] }]);
      expect(endpoint.posts).toEqual([
        expect.objectContaining({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Archive succeeded',
        }),
      ]);
    } finally {
      await endpoint.close();
    }
  });

  it('answers a /guardduty command the Slack function deferred, through its response_url', async () => {
    const endpoint = await responseUrlServer();
    harness.aws.guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['det1'] });
    harness.aws.guardduty.on(GetDetectorCommand).resolves({
      Status: 'ENABLED',
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      ServiceRole: 'x',
    });
    try {
      const result = await createWorkerHandler(
        parts,
        silentLog,
      )({
        command: deferred('status', endpoint.url),
      });
      expect(result).toEqual({ kind: 'answered', command: 'status' });
      expect(
        harness.aws.guardduty.commandCalls(GetDetectorCommand).map((c) => c.args[0].input),
      ).toEqual([{ DetectorId: 'det1' }]);
      expect(endpoint.posts).toHaveLength(1);
      expect(JSON.stringify(endpoint.posts[0])).toContain(
        'detector `det1` enabled; updated findings are exported every 15 minutes',
      );
    } finally {
      await endpoint.close();
    }
  });

  it('logs an answer its response_url refused as not answered, never as answered', async () => {
    const endpoint = await responseUrlServer(404);
    const log = recordingLog();
    try {
      const text = 'score AIDA123456789EXAMPLE 203.0.113.77';
      const result = await createWorkerHandler(
        parts,
        log,
      )({ command: deferred(text, endpoint.url) });
      expect(result).toEqual({ kind: 'unanswered', command: text });
      expect(endpoint.posts).toHaveLength(1);
      expect(log.lines.map((line) => [line.level, line.message])).toContainEqual([
        'error',
        'deferred command NOT answered: its response_url refused the answer',
      ]);
      expect(log.lines.map((line) => line.message)).not.toContain('deferred command answered');
    } finally {
      await endpoint.close();
    }
  });

  it('answers a deferred /guardduty score with the scorer of the worker', async () => {
    const endpoint = await responseUrlServer();
    try {
      await createWorkerHandler(
        parts,
        silentLog,
      )({
        command: deferred('score AIDA123456789EXAMPLE 203.0.113.77', endpoint.url),
      });
      expect(endpoint.posts).toHaveLength(1);
      expect(JSON.stringify(endpoint.posts[0])).toContain('no model configured');
    } finally {
      await endpoint.close();
    }
  });

  it('refuses a deferred command whose response_url is not Slack’s', async () => {
    const result = await createWorkerHandler(
      parts,
      silentLog,
    )({
      command: deferred('status', 'https://evil.example/steal'),
    });
    expect(result).toMatchObject({ kind: 'rejected' });
    expect(harness.aws.guardduty.commandCalls(GetDetectorCommand)).toHaveLength(0);
  });

  it('fills in the suppress modal the Slack function opened with the count of open findings of the type', async () => {
    harness.aws.guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [{ FindingType: finding.type, TotalFindings: 7 }],
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
    const handler = createWorkerHandler(parts, silentLog);

    await expect(
      handler({ suppressCount: { viewId: opened.id, hash: opened.hash, findingId: finding.id } }),
    ).resolves.toEqual({ kind: 'counted', findingId: finding.id });

    expect(
      harness.aws.guardduty.commandCalls(GetFindingsStatisticsCommand).map((c) => c.args[0].input),
    ).toMatchObject([
      {
        DetectorId: finding.service.detectorId,
        FindingCriteria: {
          Criterion: {
            type: { Equals: [finding.type] },
            'service.archived': { Equals: ['false'] },
          },
        },
        GroupBy: 'FINDING_TYPE',
      },
    ]);
    const shown = JSON.stringify(harness.slack.views.get(opened.id)?.view.blocks);
    expect(shown).toContain(`*7* open findings of type \`${finding.type}\``);
    expect(shown).not.toContain('Counting');
  });

  it('rejects an event that is not {intentId}', async () => {
    const handler = createWorkerHandler(parts, silentLog);
    await expect(handler({ detail: 'x' })).resolves.toEqual({
      kind: 'rejected',
      reason: 'not a worker event: Invalid input',
    });
  });
});

describe('a deferred /guardduty archive in the worker', () => {
  it('returns only when the intent it recorded has run: Lambda freezes the container after', async () => {
    // The worker's own runtime: the intent runs in this process, as on Lambda.
    const own = await startRuntimeHarness();
    const endpoint = await responseUrlServer();
    try {
      own.aws.guardduty.on(ArchiveFindingsCommand).resolves({ $metadata: { requestId: 'req-a' } });
      await own.runtime.publisher.publish(finding);
      const handler = createWorkerHandler(
        () =>
          Promise.resolve({
            config: own.config,
            runtime: own.runtime,
            guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
          }),
        silentLog,
      );

      const result = await handler({ command: deferred(`archive ${finding.id}`, endpoint.url) });

      // Nothing is awaited after the handler: what follows is what Lambda would have kept.
      expect(result).toEqual({ kind: 'answered', command: `archive ${finding.id}` });
      expect(
        own.aws.guardduty.commandCalls(ArchiveFindingsCommand).map((c) => c.args[0].input),
      ).toEqual([{ DetectorId: '12abc34d567e8fa901bc2d34e56789f0', FindingIds: [finding.id] }]);
      const state = await own.runtime.remediation.subjects.get({
        family: 'archive',
        subject: `finding:${finding.id}`,
      });
      expect(state.last).toMatchObject({ kind: 'archive', status: 'succeeded' });
      expect(endpoint.posts).toHaveLength(1);
    } finally {
      await endpoint.close();
      await own.close();
    }
  });
});
