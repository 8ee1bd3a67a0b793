import type { SQSEvent } from 'aws-lambda';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createQueuedFindingsHandler } from '../../src/app/queuedFindings';
import { createPipeline, type Pipeline } from '../../src/app/pipeline';
import { openedStore } from '../../src/app/store';
import { burstGroups, findingRecords } from '../../src/app/findingRecordWriter';
import { loadConfig } from '../../src/config';
import { createScorer } from '../../src/ipinsights/factory';
import { parseRoutes } from '../../src/routing/parseRoutes';
import { renderBurst, BURST_EVENT_TYPE } from '../../src/bot/render/burst';
import { FINDING_EVENT_TYPE } from '../../src/bot/render/finding';
import { burstEvents, runBurst, scaledClock } from '../../harness/burstRun';
import { rawFinding } from '../../harness/fixtures';
import { startTestStore, type TestStore } from '../../harness/store';
import { countStoreCalls } from '../../harness/storeCalls';
import { recordingLog } from '../helpers/events';
import { canarySampleIntake } from '../../src/app/canarySamples';
import { DynamoSampleLedger } from '../../src/store/dynamoSampleLedger';
import { sampleEvent } from '../../harness/canarySamples';

const CHANNEL = 'C0SECURITY';
const TOR = 'UnauthorizedAccess_EC2_TorClient.json';

function sqs(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:findings',
      awsRegion: 'us-east-1',
    })),
  };
}

function eventBody(detail: Record<string, unknown>): string {
  return JSON.stringify({
    version: '0',
    id: `evt-${String(detail.id)}`,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: detail.accountId,
    time: '2026-12-01T03:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

function torFinding(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...rawFinding(TOR), id, ...extra };
}

describe('the findings queue under a burst (sandbox Slack enforcing 1 message/s per channel)', () => {
  it('posts every finding exactly once, threads the bursts, loses nothing and dead-letters nothing', async () => {
    // A window and a timeout no load on the test machine can outlast: what is checked is what
    // arrives, not how fast (that is the benchmark's).
    const r = await runBurst({
      findings: 120,
      scale: 20,
      grouping: { windowSeconds: 86_400, threshold: 3 },
      queue: { functionTimeoutMs: 3_600_000, visibilityTimeoutMs: 60_000 },
    });
    expect(r.findings).toBe(120);
    expect(r.lost).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.deadLettered).toBe(0);
    // The mining outbreak and the reconnaissance are bursts; each finding is a reply of its own.
    expect(r.bursts).toBeGreaterThanOrEqual(3);
    expect(r.replies).toBeGreaterThanOrEqual(25);
    expect(r.posted).toBe(r.topLevel + r.replies);
    expect(r.topLevel).toBe(r.findings - r.replies + r.bursts);
  }, 120_000);

  it('generates distinct findings, mixed across kinds and channels', () => {
    const events = burstEvents(300).map(
      (e) => JSON.parse(e) as { detail: Record<string, unknown> },
    );
    expect(new Set(events.map((e) => e.detail.id)).size).toBe(300);
    const firstTen = new Set(events.slice(0, 10).map((e) => e.detail.type));
    expect(firstTen.size).toBeGreaterThan(2);
  });
});

describe('the queue consumer', () => {
  let store: TestStore;
  let slack: LocalSlack;
  let pipeline: Pipeline;
  let ledger: DynamoSampleLedger;
  const clock = scaledClock(50);

  beforeEach(async () => {
    store = await startTestStore();
    slack = await startLocalSlack({ channels: [CHANNEL], clock: { now: clock.now } });
    const config = loadConfig({
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNEL_ID: CHANNEL,
      STORE: 'dynamodb',
    });
    const opened = openedStore(store.client, store.tables, () => Promise.resolve());
    pipeline = createPipeline(config, {
      log: recordingLog(),
      store: opened,
      findings: findingRecords(opened),
      scorer: await createScorer({}, {}),
      routes: parseRoutes(
        `grouping: { windowSeconds: 300, threshold: 3 }
routes: [{ name: everything, to: { channels: [${CHANNEL}] } }]`,
        'test routes',
        CHANNEL,
      ),
      clock: () => new Date(clock.now()),
      pace: { now: clock.now, sleep: clock.sleep },
      bursts: burstGroups(opened),
      samples: canarySampleIntake(opened, () => new Date(clock.now()), recordingLog()),
    });
    ledger = new DynamoSampleLedger(store.client, store.tables.health);
  });

  afterEach(async () => {
    await slack.close();
    await pipeline.close();
    await store.close();
  });

  it('records the canary’s sample from the queue and never posts it; the rest of the batch is posted', async () => {
    const detector = '5ab0c1d2e3f405a6b7c8d9e0f1a2b3c4';
    const askedAt = clock.now();
    await ledger.open('us-east-1', {
      runId: '2026-12-01T03:00:00.000Z~run1',
      type: 'UnauthorizedAccess:EC2/RDPBruteForce',
      detectorId: detector,
      requestedAt: askedAt,
      deadline: askedAt + 600_000,
    });
    const sample = sampleEvent(
      'us-east-1',
      '123456789012',
      detector,
      'c'.repeat(32),
      new Date(askedAt),
    );
    const log = recordingLog();
    const handle = createQueuedFindingsHandler(() => Promise.resolve(pipeline), log);
    const response = await handle(
      sqs([JSON.stringify(sample), eventBody(torFinding('d'.repeat(32)))]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await pipeline.findings.get('c'.repeat(32))).toBeUndefined();
    const [request] = await ledger.requests('us-east-1');
    expect(request).toMatchObject({
      runId: '2026-12-01T03:00:00.000Z~run1',
      findingId: 'c'.repeat(32),
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ message: 'canary sample recorded' }) as unknown,
    );
  });

  it('deletes a malformed message, posts a finding sent twice once (the newer), and reports nothing failed', async () => {
    const log = recordingLog();
    const handle = createQueuedFindingsHandler(() => Promise.resolve(pipeline), log);
    const older = torFinding('a'.repeat(32), {
      service: { ...(rawFinding(TOR).service as object), count: 1 },
    });
    const newer = torFinding('a'.repeat(32), {
      service: { ...(rawFinding(TOR).service as object), count: 7 },
    });
    const response = await handle(sqs(['not json', eventBody(older), eventBody(newer)]));
    expect(response).toEqual({ batchItemFailures: [] });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(log.lines).toContainEqual({
      level: 'error',
      message: 'rejected message: not a GuardDuty finding event',
      attributes: { messageId: 'msg-0', reason: expect.stringContaining('JSON') as unknown },
    });
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'finding processed',
      attributes: { findingId: 'a'.repeat(32), messageIds: ['msg-1', 'msg-2'], outcome: 'posted' },
    });
    const record = await pipeline.findings.get('a'.repeat(32));
    expect(record?.count).toBe(7);
  });

  it('threads a burst of one type and account under one message; each reply keeps its own buttons', async () => {
    const handle = createQueuedFindingsHandler(() => Promise.resolve(pipeline), recordingLog());
    const ids = Array.from({ length: 4 }, (_, i) => `b${i}`.padEnd(32, '0'));
    const response = await handle(sqs(ids.map((id) => eventBody(torFinding(id)))));
    expect(response).toEqual({ batchItemFailures: [] });
    const history = slack.workspace.history(CHANNEL);
    expect(history).toHaveLength(1);
    const [parent] = history;
    const expected = renderBurst({
      windowStart: (await burstGroups(pipeline.store).get(
        `burst#${CHANNEL}#${String(rawFinding(TOR).accountId)}#${String(rawFinding(TOR).type)}`,
      ))!.windowStart,
      accountId: String(rawFinding(TOR).accountId),
      type: String(rawFinding(TOR).type),
    });
    expect(parent?.text).toBe(expected.text);
    expect(parent?.blocks).toEqual(expected.blocks);
    expect(parent?.metadata?.event_type).toBe(BURST_EVENT_TYPE);
    const replies = slack.workspace.thread(CHANNEL, parent!.ts).slice(1);
    expect(
      replies.map((m) => (m.metadata?.event_payload as { finding_id: string }).finding_id),
    ).toEqual(ids);
    for (const reply of replies) {
      expect(reply.metadata?.event_type).toBe(FINDING_EVENT_TYPE);
      // The buttons sit in the compact message's attachment, beside the severity bar.
      expect(JSON.stringify([reply.blocks, reply.attachments])).toContain(
        '"action_id":"remediate:archive"',
      );
    }
    // Each finding's record names its own reply, so clicks and updates reach it.
    for (const [i, id] of ids.entries()) {
      const record = await pipeline.findings.get(id);
      expect(record).toMatchObject({ status: 'posted', ts: replies[i]!.ts, threadTs: parent!.ts });
    }
  });

  it('costs a finding of a kind not seen lately two store round trips, a replay one', async () => {
    const handle = createQueuedFindingsHandler(() => Promise.resolve(pipeline), recordingLog());
    const calls = countStoreCalls(store.client);
    try {
      // About a bucket, with no remote IP: no instance, key, role or list entry whose
      // remediation state the message shows (a public remote IP costs one BatchGetItem more:
      // whether it is on the account's threat list or trusted IP list).
      const finding = torFinding('c'.repeat(32));
      delete (finding.resource as Record<string, unknown>).instanceDetails;
      (finding.resource as Record<string, unknown>).resourceType = 'S3Bucket';
      const service = finding.service as { action?: Record<string, unknown> };
      delete service.action;
      await handle(sqs([eventBody(finding)]));
      expect(calls.sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
      calls.reset();
      await handle(sqs([eventBody(finding)]));
      expect(calls.sent).toEqual(['UpdateItemCommand']);
    } finally {
      calls.stop();
    }
  });

  it('waits out a 429 for its Retry-After and posts once', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    const handle = createQueuedFindingsHandler(() => Promise.resolve(pipeline), recordingLog());
    const before = clock.now();
    expect(await handle(sqs([eventBody(torFinding('d'.repeat(32)))]))).toEqual({
      batchItemFailures: [],
    });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.error ?? 'ok')).toEqual(['ratelimited', 'ok']);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - before).toBeGreaterThanOrEqual(2000);
  });

  it('hands back a finding Slack refused and, short of time, the findings not started; the retry posts each once', async () => {
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    const ids = ['e'.repeat(32), 'f'.repeat(32)];
    const bodies = ids.map((id, i) => eventBody(torFinding(id, { type: `Kind${i}:EC2/Test` })));
    const failing = createQueuedFindingsHandler(() => Promise.resolve(pipeline), recordingLog());
    expect(await failing(sqs([bodies[0]!]))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-0' }],
    });
    const shortOfTime = createQueuedFindingsHandler(
      () => Promise.resolve(pipeline),
      recordingLog(),
      { remainingMs: () => 5_000 },
    );
    expect(await shortOfTime(sqs([bodies[1]!]))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-0' }],
    });
    // Both claims were given back: the queue's next delivery posts each finding once.
    const retry = createQueuedFindingsHandler(() => Promise.resolve(pipeline), recordingLog());
    expect(await retry(sqs(bodies))).toEqual({ batchItemFailures: [] });
    const posted = slack.workspace
      .history(CHANNEL)
      .map((m) => (m.metadata?.event_payload as { finding_id?: string } | undefined)?.finding_id);
    expect(posted.sort()).toEqual(ids);
  });
});
