import { Readable } from 'node:stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateSampleFindingsCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createCanary } from '../../src/app/canary';
import { createFindingsHandler, type FindingsResult } from '../../src/app/findingsFunction';
import { findingRecords } from '../../src/app/findingRecordWriter';
import { canarySampleIntake } from '../../src/app/canarySamples';
import { createPipeline } from '../../src/app/pipeline';
import { openedStore } from '../../src/app/store';
import {
  CloudWatchMetricSink,
  SdkGuardDutyProbe,
  SdkRuleProbe,
  SqsQueueProbe,
} from '../../src/aws/canaryProbes';
import { createSlackClient } from '../../src/bot/slackClient';
import { loadConfig, type Config } from '../../src/config';
import type { Canary } from '../../src/health/canary';
import { createScorer } from '../../src/ipinsights/factory';
import { IpInsightsModel } from '../../src/ipinsights/model';
import { encodeModel } from '../../src/ipinsights/modelFile';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { silentLog } from '../../src/shared/log';
import { sampleEvent } from '../../harness/canarySamples';
import { startTestStore, type TestStore } from '../../harness/store';
import { CHANNEL, EVERYTHING_TO_CHANNEL } from './bot';

export const HOME = 'eu-west-1';
export const OTHER = 'us-east-1';
export const ACCOUNT = '123456789012';
export const FINDINGS_RULE = 'gd-chatops-FindingsRule-0123ABCD';
export const FORWARDER_RULE = 'guardduty-chatops-forwarder';
export const DETECTORS: Readonly<Record<string, string>> = {
  [HOME]: '5ab0c1d2e3f405a6b7c8d9e0f1a2b3c4',
  [OTHER]: '7fe0d1c2b3a4958677665544332211aa',
};
export const QUEUE_URL = `https://sqs.${HOME}.amazonaws.com/${ACCOUNT}/gd-chatops-FindingsDeadLetterQueue-0123ABCD`;
export const MODEL = 's3://models-bucket/ipinsights/model.ipim';

/** The model the S3 mock holds: a header is all the canary reads. */
export function modelBytes(trainedAt: string): Uint8Array {
  const hp = resolveHyperparameters({ vector_dim: 4, num_ip_vectors: 256 }, 1);
  return encodeModel(
    new IpInsightsModel({
      hyperparameters: hp,
      entityVectors: new Float32Array(hp.num_entity_vectors * hp.vector_dim),
      ipVectors: new Float32Array(hp.num_ip_vectors * hp.vector_dim),
      knownEntities: new Uint32Array([1]),
      calibration: { normal: new Float32Array([0]), random: new Float32Array([0]) },
      metadata: { trainedAt, trainingPairs: 10, entityCount: 1, finalLoss: 0.5 },
    }),
  );
}

export interface CanaryStack {
  readonly slack: LocalSlack;
  readonly store: TestStore;
  readonly config: Config;
  readonly canary: Canary;
  readonly aws: {
    readonly guardduty: AwsClientStub<GuardDutyClient>;
    readonly events: AwsClientStub<EventBridgeClient>;
    readonly sqs: AwsClientStub<SQSClient>;
    readonly cloudwatch: AwsClientStub<CloudWatchClient>;
    readonly s3: AwsClientStub<S3Client>;
  };
  /** What the findings function answered each delivery. */
  readonly delivered: { event: unknown; result: FindingsResult }[];
  /** How long EventBridge takes to deliver a sample, per region; 'never' loses it. */
  latency: Record<string, number | 'never'>;
  detectorStatus: Record<string, string>;
  ruleState: Record<string, string | undefined>;
  queueDepth: number;
  modelTrainedAt: string;
  now(): Date;
  /** Moves the clock on (as a run's wait does), delivering what is due. */
  advance(ms: number): Promise<void>;
  /** The canary's messages in the channel, oldest first. */
  channelTexts(): string[];
  close(): Promise<void>;
}

/**
 * The canary through the local stack: dynalite (the health and findings tables), the Slack
 * sandbox (auth.test, the channel), the real findings handler receiving the sample as EventBridge
 * delivers it, and aws-sdk-client-mock on GuardDuty, EventBridge, SQS, CloudWatch and S3 with the
 * real adapters. The clock is the test's: a run's wait moves it, and deliveries come due with it.
 */
export async function startCanaryStack(start: Date): Promise<CanaryStack> {
  const store = await startTestStore();
  const slack = await startLocalSlack({ channels: [{ id: CHANNEL, name: 'security' }] });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    STORE: 'dynamodb',
    AWS_REGION: HOME,
    CANARY_REGIONS: OTHER,
    CANARY_DELAY_MINUTES: '10',
    FINDINGS_RULE,
    DEAD_LETTER_QUEUES: `findings=${QUEUE_URL}`,
    IPINSIGHTS_MODEL: MODEL,
    MODEL_MAX_AGE_DAYS: '30',
    STACK_NAME: 'gd-chatops',
  });
  let now = start.getTime();
  const clock = () => new Date(now);
  const opened = openedStore(store.client, store.tables, () => Promise.resolve());
  const pipeline = createPipeline(config, {
    log: silentLog,
    store: opened,
    findings: findingRecords(opened),
    scorer: await createScorer({}, {}),
    routes: EVERYTHING_TO_CHANNEL,
    clock,
    samples: canarySampleIntake(opened, clock, silentLog),
  });
  const handle = createFindingsHandler(() => Promise.resolve(pipeline), silentLog);
  const due: { at: number; event: ReturnType<typeof sampleEvent> }[] = [];
  const delivered: CanaryStack['delivered'] = [];
  const deliverDue = async () => {
    for (const item of due.filter((d) => d.at <= now).sort((a, b) => a.at - b.at)) {
      due.splice(due.indexOf(item), 1);
      delivered.push({ event: item.event, result: await handle(item.event) });
    }
  };
  const aws = {
    guardduty: mockClient(GuardDutyClient),
    events: mockClient(EventBridgeClient),
    sqs: mockClient(SQSClient),
    cloudwatch: mockClient(CloudWatchClient),
    s3: mockClient(S3Client),
  };
  let samples = 0;
  const stack: CanaryStack = {
    slack,
    store,
    config,
    aws,
    delivered,
    latency: { [HOME]: 40_000, [OTHER]: 95_000 },
    detectorStatus: { [HOME]: 'ENABLED', [OTHER]: 'ENABLED' },
    ruleState: { [HOME]: 'ENABLED', [OTHER]: 'ENABLED' },
    queueDepth: 0,
    modelTrainedAt: new Date(now - 3 * 86_400_000).toISOString(),
    canary: undefined as unknown as Canary,
    now: clock,
    async advance(ms) {
      now += ms;
      await deliverDue();
    },
    channelTexts: () =>
      slack.workspace
        .history(CHANNEL)
        .map((m) => JSON.stringify(m.blocks ?? m.text))
        .filter((text) => text.includes('canary')),
    async close() {
      await slack.close();
      await store.close();
      for (const mock of Object.values(aws)) mock.restore();
    },
  };
  const regionOf = async (getClient: () => { config: { region: () => Promise<string> } }) =>
    getClient().config.region();
  aws.guardduty.on(ListDetectorsCommand).callsFake(async (_input, getClient) => {
    const region = await regionOf(getClient);
    return { DetectorIds: DETECTORS[region] === undefined ? [] : [DETECTORS[region]] };
  });
  aws.guardduty.on(GetDetectorCommand).callsFake(async (_input, getClient) => ({
    Status: stack.detectorStatus[await regionOf(getClient)],
  }));
  aws.guardduty
    .on(CreateSampleFindingsCommand)
    .callsFake(async (input: { DetectorId: string }, getClient) => {
      const region = await regionOf(getClient);
      const latency = stack.latency[region];
      // A suspended detector or a disabled rule delivers nothing.
      if (
        latency === undefined ||
        latency === 'never' ||
        stack.detectorStatus[region] !== 'ENABLED' ||
        stack.ruleState[region] !== 'ENABLED'
      ) {
        return {};
      }
      samples += 1;
      const id = `${samples.toString(16).padStart(4, '0')}${'f'.repeat(28)}`;
      due.push({
        at: now + latency,
        event: sampleEvent(region, ACCOUNT, input.DetectorId, id, clock()),
      });
      return {};
    });
  aws.events.on(DescribeRuleCommand).callsFake(async (input: { Name: string }, getClient) => {
    const region = await regionOf(getClient);
    const expected = region === HOME ? FINDINGS_RULE : FORWARDER_RULE;
    const state = stack.ruleState[region];
    if (input.Name !== expected || state === undefined) {
      const { ResourceNotFoundException } = await import('@aws-sdk/client-eventbridge');
      throw new ResourceNotFoundException({
        message: `Rule ${input.Name} does not exist.`,
        $metadata: {},
      });
    }
    return { Name: input.Name, State: state };
  });
  aws.sqs.on(GetQueueAttributesCommand).callsFake(() => ({
    Attributes: { ApproximateNumberOfMessages: String(stack.queueDepth) },
  }));
  aws.cloudwatch.on(PutMetricDataCommand).resolves({});
  aws.s3.on(GetObjectCommand).callsFake(() => ({
    Body: sdkStreamMixin(Readable.from([Buffer.from(modelBytes(stack.modelTrainedAt))])),
    VersionId: 'v-model-3',
  }));
  const slackClient = createSlackClient({
    token: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    retries: 0,
  });
  (stack as { canary: Canary }).canary = createCanary({
    config,
    store: opened,
    slack: slackClient,
    guardduty: new SdkGuardDutyProbe(),
    rules: new SdkRuleProbe(),
    queues: new SqsQueueProbe(new SQSClient({ region: HOME })),
    metrics: new CloudWatchMetricSink('gd-chatops', new CloudWatchClient({ region: HOME })),
    clock,
    sleep: (ms) => stack.advance(ms),
    log: silentLog,
    pollMs: 5_000,
  });
  return stack;
}
