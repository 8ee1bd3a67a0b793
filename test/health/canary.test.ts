import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateSampleFindingsCommand, type GuardDutyClient } from '@aws-sdk/client-guardduty';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { regionStates } from '../../src/app/regionStates';
import { openedStore } from '../../src/app/store';
import type { CanaryReport } from '../../src/health/canary';
import {
  DETECTORS,
  FINDINGS_RULE,
  FORWARDER_RULE,
  HOME,
  OTHER,
  QUEUE_URL,
  startCanaryStack,
  type CanaryStack,
} from '../helpers/canaryStack';
import { CHANNEL } from '../helpers/bot';

const START = new Date('2026-11-21T10:00:00.000Z');
const HOUR = 3_600_000;

let stack: CanaryStack;
beforeEach(async () => {
  stack = await startCanaryStack(START);
});
afterEach(() => stack.close());

const statuses = (report: CanaryReport) =>
  Object.fromEntries(
    report.regions.map((r) => [
      r.region,
      Object.fromEntries(r.checks.map((c) => [c.check, c.status])),
    ]),
  );

/** The canary's messages in the channel, oldest first: each as its section text. */
function messages(): string[] {
  return stack.slack.workspace
    .history(CHANNEL)
    .reverse()
    .map((m) => (m.blocks?.[0] as { text?: { text?: string } } | undefined)?.text?.text ?? '');
}

/** The next hourly run: the clock moves to the top of the hour after the last run started. */
async function runAt(hour: number) {
  const target = START.getTime() + hour * HOUR;
  await stack.advance(target - stack.now().getTime());
  return stack.canary.run('schedule');
}

describe('the canary through the local stack', () => {
  test('happy path: every check passes in both regions, nothing is posted, the metric says healthy', async () => {
    const report = await stack.canary.run('schedule');

    expect(statuses(report)).toEqual({
      [HOME]: { sample: 'ok', detector: 'ok', rule: 'ok', token: 'ok', model: 'ok', queues: 'ok' },
      [OTHER]: { sample: 'ok', detector: 'ok', rule: 'ok' },
    });
    expect(report.regions.map((r) => [r.region, r.latencyMs])).toEqual([
      [HOME, 40_000],
      [OTHER, 95_000],
    ]);
    // The one write: a sample of the canary's type in each region's detector, in that region.
    const creates = stack.aws.guardduty.commandCalls(CreateSampleFindingsCommand);
    expect(
      await Promise.all(
        creates.map(async (call) => ({
          region: await (call.thisValue as GuardDutyClient).config.region(),
          input: call.args[0].input,
        })),
      ),
    ).toEqual([
      {
        region: HOME,
        input: {
          DetectorId: DETECTORS[HOME],
          FindingTypes: ['UnauthorizedAccess:EC2/RDPBruteForce'],
        },
      },
      {
        region: OTHER,
        input: {
          DetectorId: DETECTORS[OTHER],
          FindingTypes: ['UnauthorizedAccess:EC2/RDPBruteForce'],
        },
      },
    ]);
    expect(
      stack.aws.events
        .commandCalls(DescribeRuleCommand)
        .map((c) => c.args[0].input.Name)
        .sort(),
    ).toEqual([FINDINGS_RULE, FORWARDER_RULE].sort());
    expect(
      stack.aws.sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input),
    ).toEqual([{ QueueUrl: QUEUE_URL, AttributeNames: ['ApproximateNumberOfMessages'] }]);
    // The model's age from its header: a ranged read of the one object.
    expect(stack.aws.s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'models-bucket', Key: 'ipinsights/model.ipim', Range: 'bytes=0-65535' },
    ]);
    // The samples went through the findings handler and stopped there: recorded, not posted.
    expect(stack.delivered.map((d) => d.result.kind)).toEqual(['canary-sample', 'canary-sample']);
    expect(stack.slack.callsTo('chat.postMessage')).toEqual([]);
    expect(stack.slack.callsTo('auth.test').map((c) => c.ok)).toEqual([true]);

    const [put] = stack.aws.cloudwatch.commandCalls(PutMetricDataCommand);
    const data = put!.args[0].input.MetricData ?? [];
    expect(put!.args[0].input.Namespace).toBe('guardduty-chatops');
    const dims = (d: (typeof data)[number]): Record<string, string | undefined> =>
      Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name ?? '', x.Value]));
    expect(data.map((d) => ({ ...dims(d), value: d.Value }))).toEqual([
      { Stack: 'gd-chatops', Region: HOME, Check: 'sample', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, Check: 'detector', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, Check: 'rule', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, Check: 'token', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, Check: 'model', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, Check: 'queues', value: 1 },
      { Stack: 'gd-chatops', Region: HOME, value: 1 },
      { Stack: 'gd-chatops', Region: OTHER, Check: 'sample', value: 1 },
      { Stack: 'gd-chatops', Region: OTHER, Check: 'detector', value: 1 },
      { Stack: 'gd-chatops', Region: OTHER, Check: 'rule', value: 1 },
      { Stack: 'gd-chatops', Region: OTHER, value: 1 },
      { Stack: 'gd-chatops', value: 1 },
    ]);
    // Each run's points carry its start: one run, one point per period.
    expect(new Set(data.map((d) => d.Timestamp?.toISOString()))).toEqual(
      new Set([START.toISOString()]),
    );

    const states = await regionStates(
      openedStore(stack.store.client, stack.store.tables, () => Promise.resolve()),
    ).getMany([HOME, OTHER]);
    expect(states.get(HOME)).toMatchObject({
      lastRun: { at: START.toISOString(), trigger: 'schedule', latencyMs: 40_000 },
      failing: {},
      announced: [],
    });
    expect(states.get(HOME)?.notice).toBeUndefined();
  });

  test('a missing sample: one alert naming the check, the region and how long; none an hour later; one recovery', async () => {
    await runAt(0);
    stack.latency[HOME] = 'never';

    const lost = await runAt(1);
    expect(statuses(lost)[HOME]?.sample).toBe('failing');
    expect(messages()).toEqual([
      [
        ':rotating_light: *guardduty-chatops canary: eu-west-1 is failing*',
        // The last sample arrived with the 10:00 run; the 11:00 run gave up at 11:10.
        "• *Findings from eu-west-1 have not arrived for 1 h 10 min*: the canary's UnauthorizedAccess:EC2/RDPBruteForce sample, asked for at 11:00 UTC, did not reach the findings function within 10 min",
      ].join('\n'),
    ]);

    const still = await runAt(2);
    expect(statuses(still)[HOME]?.sample).toBe('failing');
    expect(messages()).toHaveLength(1);

    stack.latency[HOME] = 30_000;
    const back = await runAt(3);
    expect(statuses(back)[HOME]?.sample).toBe('ok');
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toBe(
      [
        ':white_check_mark: *guardduty-chatops canary: eu-west-1 is healthy again*',
        '• *Findings arrive again* after 2 h',
      ].join('\n'),
    );

    await runAt(4);
    expect(messages()).toHaveLength(2);
    // us-east-1 was healthy throughout: never a word about it.
    expect(messages().join('\n')).not.toContain('us-east-1');
    const values = stack.aws.cloudwatch
      .commandCalls(PutMetricDataCommand)
      .map(
        (call) =>
          call.args[0].input.MetricData?.find(
            (d) =>
              d.Dimensions?.some((x) => x.Name === 'Check' && x.Value === 'sample') &&
              d.Dimensions.some((x) => x.Value === HOME),
          )?.Value,
      );
    expect(values).toEqual([1, 0, 0, 1, 1]);
  });

  test('a suspended detector: the detector and the missing sample, in one alert', async () => {
    await runAt(0);
    stack.detectorStatus[HOME] = 'DISABLED';
    const report = await runAt(1);
    expect(statuses(report)[HOME]).toMatchObject({ detector: 'failing', sample: 'failing' });
    const [alert] = messages();
    expect(alert).toContain('*Findings from eu-west-1 have not arrived for 1 h 10 min*');
    expect(alert).toContain(
      `• *GuardDuty detector*: detector ${DETECTORS[HOME]} is DISABLED (failing since 11:00 UTC)`,
    );
    expect(messages()).toHaveLength(1);
  });

  test('a disabled rule in another region: that region’s alert names the rule', async () => {
    await runAt(0);
    stack.ruleState[OTHER] = 'DISABLED';
    const report = await runAt(1);
    expect(statuses(report)[OTHER]).toMatchObject({ rule: 'failing', sample: 'failing' });
    expect(statuses(report)[HOME]?.rule).toBe('ok');
    expect(messages()).toEqual([
      [
        ':rotating_light: *guardduty-chatops canary: us-east-1 is failing*',
        "• *Findings from us-east-1 have not arrived for 1 h 10 min*: the canary's UnauthorizedAccess:EC2/RDPBruteForce sample, asked for at 11:00 UTC, did not reach the findings function within 10 min",
        `• *EventBridge rule*: EventBridge rule ${FORWARDER_RULE} is DISABLED (failing since 11:00 UTC)`,
      ].join('\n'),
    ]);
    stack.ruleState[OTHER] = 'ENABLED';
    await runAt(2);
    expect(messages()[1]).toBe(
      [
        ':white_check_mark: *guardduty-chatops canary: us-east-1 is healthy again*',
        '• *Findings arrive again* after 1 h',
        '• *EventBridge rule* works again after 1 h',
      ].join('\n'),
    );
  });

  test('a rule that is gone fails the rule check by name', async () => {
    stack.ruleState[HOME] = undefined;
    const report = await stack.canary.run('schedule');
    expect(report.regions[0]?.checks.find((c) => c.check === 'rule')).toEqual({
      check: 'rule',
      status: 'failing',
      detail: `EventBridge rule ${FINDINGS_RULE} does not exist in eu-west-1`,
    });
  });

  test('a revoked token: the metric says it (nothing can be posted), and the first message after it says what was missed', async () => {
    await runAt(0);
    stack.slack.revokeToken();
    const revoked = await runAt(1);
    expect(statuses(revoked)[HOME]?.token).toBe('failing');
    expect(revoked.regions[0]?.checks.find((c) => c.check === 'token')?.detail).toBe(
      'Slack rejects the bot token: token_revoked',
    );
    expect(stack.slack.callsTo('chat.postMessage').map((c) => [c.ok, c.error])).toEqual([
      [false, 'token_revoked'],
    ]);
    const tokenMetric = (call: number) =>
      stack.aws.cloudwatch
        .commandCalls(PutMetricDataCommand)
        [call]?.args[0].input.MetricData?.find((d) =>
          d.Dimensions?.some((x) => x.Name === 'Check' && x.Value === 'token'),
        )?.Value;
    expect([tokenMetric(0), tokenMetric(1)]).toEqual([1, 0]);

    // Still revoked an hour later: one more attempt, no flood.
    await runAt(2);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(2);

    stack.slack.restoreToken();
    await runAt(3);
    expect(messages()).toEqual([
      [
        ':white_check_mark: *guardduty-chatops canary: eu-west-1 is healthy again*',
        '• *Slack bot token* works again after 2 h',
        '• Earlier canary messages could not be posted since 11:01 UTC (An API error occurred: token_revoked).',
      ].join('\n'),
    ]);
    await runAt(4);
    expect(messages()).toHaveLength(1);
  });

  test('two overlapping runs post one alert', async () => {
    await runAt(0);
    stack.latency[HOME] = 'never';
    await stack.advance(HOUR);
    await Promise.all([stack.canary.run('schedule'), stack.canary.run('command')]);
    expect(messages()).toHaveLength(1);
  });
});
