import {
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkGuardDutyReader } from '../../../src/aws/guardDutyFindings';
import { FINDING_EVENT_TYPE } from '../../../src/bot/render/finding';
import { formatUtc } from '../../../src/bot/render/time';
import { trainDemoModel } from '../../../src/app/demo/trainDemoModel';
import { RefreshingScorer } from '../../../src/ipinsights/refreshingScorer';
import { NoModelScorer } from '../../../src/ipinsights/scorer';
import { silentLog } from '../../../src/shared/log';
import { DynamoRetrainingRecordReader } from '../../../src/store/dynamoRetrainingRecordReader';
import { DynamoRetrainingRecordWriter } from '../../../src/store/dynamoRetrainingRecords';
import {
  CHANNEL,
  contextBlock,
  sectionBlock,
  seedPostedFinding,
  startCommandHarness,
  type CommandHarness,
} from '../../../harness/commandHarness';
import { fixtureFinding } from '../../../harness/fixtures';

/** What `status` says about the built-in routes, to the test channel. */
const DEFAULT_ROUTE_LINES = [
  ':twisted_rightwards_arrows: *Routes* from built-in defaults, the first that matches decides:',
  `1. \`default-critical-high\` _(default)_: severity Critical or High → <#${CHANNEL}> + page on-call`,
  `2. \`default-medium\` _(default)_: severity Medium → <#${CHANNEL}>`,
  `3. \`default-low\` _(default)_: severity Low → daily digest in <#${CHANNEL}>`,
  'Bursts: 5 or more findings of one type and account within 5 min share one message and its thread.',
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EXFIL = 'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json';

const guardduty = mockClient(GuardDutyClient);
const reader = () => new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' }));

const section = sectionBlock;

beforeEach(() => guardduty.reset());

describe('/guardduty status, healthy and dry-run', () => {
  const demo = trainDemoModel({ now: () => new Date('2026-11-20T00:00:00Z') });
  let now = new Date();
  let h: CommandHarness;

  beforeAll(async () => {
    h = await startCommandHarness({ guardduty: reader(), scorer: demo.scorer, clock: () => now });
  });
  afterAll(() => h.close());

  it('reports the detector, the last finding posted, the model and the mode', async () => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
    guardduty.on(GetDetectorCommand).resolves({
      Status: 'ENABLED',
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      ServiceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/x',
    });
    const finding = fixtureFinding(EXFIL);
    const metadata = (findingId: string) => ({
      event_type: FINDING_EVENT_TYPE,
      event_payload: { finding_id: findingId, count: 1, updated_at: finding.updatedAt },
    });
    await h.client.chat.postMessage({
      channel: CHANNEL,
      text: 'older',
      metadata: metadata('older1'),
    });
    const { ts } = await h.client.chat.postMessage({
      channel: CHANNEL,
      text: 'High finding',
      metadata: metadata(finding.id),
    });
    await h.client.chat.postMessage({ channel: CHANNEL, text: 'someone chatting afterwards' });
    await seedPostedFinding(h.findings, finding, { ts: ts!, score: { reading: 'x' }, atMs: 0 });
    const postedMs = Number(ts) * 1000;
    now = new Date(postedMs + 2 * HOUR + 5 * 60_000);

    const answer = await h.runAndWait('status');

    expect(guardduty.commandCalls(ListDetectorsCommand).map((c) => c.args[0].input)).toEqual([{}]);
    expect(guardduty.commandCalls(GetDetectorCommand).map((c) => c.args[0].input)).toEqual([
      { DetectorId: 'd1' },
    ]);
    const ageDays = Math.floor((now.getTime() - Date.parse('2026-11-20T00:00:00Z')) / DAY);
    const link = `https://slack.com/archives/${CHANNEL}/p${ts!.replace('.', '')}`;
    expect({ text: answer.text, blocks: answer.blocks }).toEqual({
      text: 'guardduty-chatops status',
      blocks: [
        section(
          [
            ':white_check_mark: *GuardDuty*: detector `d1` enabled; updated findings are exported every 15 minutes',
            `:white_check_mark: *Last finding posted* ${formatUtc(postedMs)} (2 h ago): Credentials for instance role ec2-app used from external IP address. (8.0) \`${finding.id}\` · <${link}|message>`,
            `:white_check_mark: *IP Insights*: embedded model trained 2026-11-20 00:00 UTC (${ageDays} days old), 23,107 training pairs, 47 principals and instances`,
            ':test_tube: *Dry run*: remediation is planned and audited; AWS is not changed',
            ...DEFAULT_ROUTE_LINES,
          ].join('\n'),
        ),
        contextBlock(`Checked ${formatUtc(now)}`),
      ],
    });
  });
});

describe('/guardduty status, with parts failing and live', () => {
  let h: CommandHarness;

  beforeAll(async () => {
    h = await startCommandHarness({
      guardduty: reader(),
      scorer: new NoModelScorer(),
      clock: () => new Date('2026-11-25T08:00:00Z'),
      dryRun: false,
    });
  });
  afterAll(() => h.close());

  it('reports each failing part on its own line instead of failing', async () => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    h.slack.failNext('conversations.history', { error: 'not_in_channel' });

    const answer = await h.runAndWait('status');

    expect(answer.blocks?.[0]).toEqual(
      section(
        [
          ':x: *GuardDuty*: no detector in this region',
          ':x: *Last finding posted*: could not read the channel: WebAPIPlatformError: An API error occurred: not_in_channel',
          ':warning: *IP Insights*: no model configured',
          ':zap: *Live*: remediation changes AWS',
          ...DEFAULT_ROUTE_LINES,
        ].join('\n'),
      ),
    );
  });

  it('says GuardDuty is not enabled when a command needs the detector', async () => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    const answer = await h.runAndWait('list');
    expect(answer.text).toBe(
      ':x: Could not list findings: GuardDuty has no detector in this region: enable GuardDuty first',
    );
    expect(guardduty.commandCalls(ListFindingsCommand)).toEqual([]);
  });

  it('finds the detector once and reuses it', async () => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d7'] });
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    await h.runAndWait('list');
    await h.runAndWait('list --since 1h');
    expect(guardduty.commandCalls(ListDetectorsCommand)).toHaveLength(1);
    expect(
      guardduty.commandCalls(ListFindingsCommand).map((c) => c.args[0].input.DetectorId),
    ).toEqual(['d7', 'd7']);
  });
});

describe('/guardduty status, with the scheduled retraining', () => {
  let h: CommandHarness;
  let records: DynamoRetrainingRecordReader;
  const writer = () => new DynamoRetrainingRecordWriter(h.store.client, h.store.tables.health);
  const window = { from: '2026-10-26', to: '2026-11-25' };

  beforeAll(async () => {
    // The stack's model bucket before the retraining's first run: nothing published yet.
    const scorer = await RefreshingScorer.open(
      { info: () => Promise.resolve(undefined), load: () => Promise.reject(new Error('none')) },
      {
        log: silentLog,
        pending:
          'no model published yet at s3://models/ipinsights/model.ipim: the scheduled retraining publishes the first',
      },
    );
    h = await startCommandHarness({
      guardduty: reader(),
      scorer,
      clock: () => new Date('2026-11-25T08:00:00Z'),
      health: {
        regions: [],
        states: () => Promise.resolve(new Map()),
        lastRetraining: () => records.last(),
      },
    });
    records = new DynamoRetrainingRecordReader(h.store.client, h.store.tables.health);
  });
  afterAll(() => h.close());

  const lines = async () => {
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    const answer = await h.runAndWait('status');
    const text = (answer.blocks?.[0] as { text: { text: string } }).text.text;
    return text.split('\n').filter((line) => /IP Insights|Retraining/.test(line));
  };

  it('says the model is not published yet, and that the retraining has not run', async () => {
    expect(await lines()).toEqual([
      ':warning: *IP Insights*: no model published yet at s3://models/ipinsights/model.ipim: the scheduled retraining publishes the first',
      ':grey_question: *Retraining*: has not run yet',
    ]);
  });

  it('shows a rejected model with both AUCs and the version that stayed', async () => {
    await writer().save({
      at: '2026-11-25T03:04:00.000Z',
      outcome: 'rejected',
      reason:
        'AUC 0.612 on the held-out slice is more than 0.01 below the current model’s 0.934; the current model stays',
      window,
      objects: 744,
      bytes: 52_428_800,
      pairs: 120_500,
      entities: 310,
      candidateAuc: 0.6123,
      currentAuc: 0.9341,
      version: 'v1-3HL4kqtJlcpXroDTDmJ',
    });
    expect((await lines())[1]).toBe(
      ':warning: *Retraining* 2026-11-25 03:04 UTC: rejected the new model, CloudTrail 2026-10-26 to 2026-11-25, 120,500 pairs, 310 principals and instances, held-out AUC new 0.612 against current 0.934, model version `v1-3HL4kqtJlcpXroDTDmJ`: AUC 0.612 on the held-out slice is more than 0.01 below the current model’s 0.934; the current model stays',
    );
  });

  it('shows a window too big for one function, and what to do', async () => {
    await writer().save({
      at: '2026-11-25T03:00:05.000Z',
      outcome: 'too-big',
      reason: 'window too big for one function: 412000000 bytes > 209715200; run train --sagemaker',
      window,
      objects: 90_000,
      bytes: 412_000_000,
    });
    expect((await lines())[1]).toBe(
      // Slack's escape for ">" in mrkdwn: it shows as the character.
      ':warning: *Retraining* 2026-11-25 03:00 UTC: did not train, CloudTrail 2026-10-26 to 2026-11-25: window too big for one function: 412000000 bytes &gt; 209715200; run train --sagemaker',
    );
  });

  it('shows a distributed run under way: its step, its job, and what it waits for', async () => {
    await writer().save({
      at: '2026-11-25T05:00:02.000Z',
      outcome: 'running',
      reason:
        'distributed retraining: SageMaker training job guardduty-chatops-retraining-20261125-040000 in progress',
      window,
      objects: 90_000,
      bytes: 412_000_000,
      distributed: {
        phase: 'training',
        run: '20261125T030000',
        trainData: 's3://staging/retraining/runs/20261125T030000/train/',
        heldOutData: 's3://staging/retraining/runs/20261125T030000/validation/',
        scannedBytes: 7_000_000_000,
        jobName: 'guardduty-chatops-retraining-20261125-040000',
      },
    });
    expect((await lines())[1]).toBe(
      ':hourglass_flowing_sand: *Retraining* 2026-11-25 05:00 UTC: distributed run under way, CloudTrail 2026-10-26 to 2026-11-25: distributed retraining: SageMaker training job guardduty-chatops-retraining-20261125-040000 in progress',
    );
  });
});
