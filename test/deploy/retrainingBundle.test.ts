import { join } from 'node:path';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { loadTemplate, stackOf, type Stack } from '../../harness/deploy/cfn';
import { lambdaFunctions, ROOT, valueOf } from '../../harness/deploy/functions';
import { listObjects } from '../../harness/s3Listing';
import { startTestStore, type TestStore } from '../../harness/store';
import { DynamoRetrainingRecordReader } from '../../src/store/dynamoRetrainingRecordReader';
import { runColdStart } from './support/coldStart';
import {
  startRecordingServer,
  type Answer,
  type RecordedCall,
  type RecordingServer,
} from './support/recordingServer';

/**
 * The retraining bundle as deployed, with the template's environment of a stack that retrains
 * from a trail into its own model bucket: S3 stood in for on loopback (the trail's listing and
 * objects, the empty model bucket), the health table in the embedded DynamoDB.
 */

const TRAIL_BUCKET = 'org-trail-bucket';
const stack: Stack = stackOf(loadTemplate(join(ROOT, 'template.yaml')), {
  RetrainingTrailBucket: TRAIL_BUCKET,
  RetrainingTrailPrefix: 'org/',
});
const fn = lambdaFunctions(stack).find((f) => f.logicalId === 'RetrainingFunction')!;
const MODEL_BUCKET = valueOf(stack, 'ModelBucket');
const PRINCIPALS = Array.from({ length: 12 }, (_, i) => `AIDA${String(i).padStart(16, '0')}`);

/** The run's clock is the machine's: the window is the last days before now. */
const days = Array.from({ length: 10 }, (_, i) => new Date(Date.now() - (i + 1) * 86_400_000));
const keyOf = (day: Date) => {
  const [y, m, d] = day.toISOString().slice(0, 10).split('-');
  return `org/AWSLogs/123456789012/CloudTrail/eu-west-1/${y}/${m}/${d}/123456789012_CloudTrail_eu-west-1_${y}${m}${d}T1000Z_a.json`;
};
const trail = new Map(
  days.map((day, d) => [
    keyOf(day),
    JSON.stringify({
      Records: PRINCIPALS.flatMap((principal, p) =>
        Array.from({ length: 10 }, (_, i) => ({
          eventTime: day.toISOString(),
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          userIdentity: { type: 'IAMUser', principalId: principal, accountId: '123456789012' },
          sourceIPAddress: `198.${String(p + 20)}.${String(d)}.${String(i + 1)}`,
        })),
      ),
    }),
  ]),
);
const TRAIL_BYTES = [...trail.values()].reduce((sum, body) => sum + Buffer.byteLength(body), 0);

const NO_SUCH_KEY = {
  status: 404,
  contentType: 'application/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
};

let athenaIds = 0;
function answer(call: RecordedCall): Answer {
  // Athena and SageMaker (JSON protocol) of a stack that retrains its endpoint.
  if (call.target === 'AmazonAthena.StartQueryExecution') {
    athenaIds++;
    return { body: JSON.stringify({ QueryExecutionId: `q-${String(athenaIds)}` }) };
  }
  if (call.target === 'AmazonAthena.GetQueryExecution') {
    return {
      body: JSON.stringify({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 10 } },
      }),
    };
  }
  if (call.target === 'SageMaker.CreateTrainingJob') {
    return {
      body: JSON.stringify({
        TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/x',
      }),
    };
  }
  const url = new URL(call.target, 'http://s3.local');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (bucket === TRAIL_BUCKET && url.searchParams.get('list-type') === '2') {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter');
    const startAfter = url.searchParams.get('start-after');
    const listed = listObjects(
      new Map([...trail].map(([k, body]) => [k, Buffer.byteLength(body)])),
      {
        prefix,
        ...(delimiter === null ? {} : { delimiter }),
        ...(startAfter === null ? {} : { startAfter }),
      },
    );
    const contents = listed.contents
      .map((c) => `<Contents><Key>${c.key}</Key><Size>${String(c.bytes)}</Size></Contents>`)
      .join('');
    const folders = listed.commonPrefixes
      .map((p) => `<CommonPrefixes><Prefix>${p}</Prefix></CommonPrefixes>`)
      .join('');
    return {
      contentType: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><IsTruncated>false</IsTruncated>${contents}${folders}</ListBucketResult>`,
    };
  }
  if (bucket === TRAIL_BUCKET && call.method === 'GET') {
    const body = trail.get(key);
    return body === undefined ? NO_SUCH_KEY : { contentType: 'application/json', body };
  }
  if (bucket === MODEL_BUCKET && call.method === 'PUT') {
    return { headers: { 'x-amz-version-id': 'v2-3HL4kqtJlcpXroDTDmJ' } };
  }
  // Nothing is published in the model bucket yet.
  return NO_SUCH_KEY;
}

let build: BuildOutput;
let store: TestStore;
let fakes: RecordingServer;
beforeAll(async () => {
  build = buildBundles();
  store = await startTestStore();
  fakes = await startRecordingServer(answer);
});
afterAll(async () => {
  build.remove();
  await store.close();
  await fakes.close();
});

const run = (requestId: string, env: Record<string, string> = {}) =>
  runColdStart(build, stack, fn, [{ event: { trigger: 'schedule' }, requestId }], {
    endpoint: fakes.url,
    env: {
      AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
      HEALTH_TABLE: store.tables.health,
      // Path-style requests to the loopback stand-in (virtual hosts need DNS).
      AWS_ENDPOINT_URL_S3: fakes.url,
      ...env,
    },
  });
const last = () => new DynamoRetrainingRecordReader(store.client, store.tables.health).last();

describe('the retraining bundle with the template’s environment', () => {
  test('reads the window from the trail’s prefix and publishes the first model to the stack’s model bucket', async () => {
    const result = await run('retraining-1');
    expect(result.results).toEqual([
      { kind: 'ran', record: expect.objectContaining({ outcome: 'published' }) as object },
    ]);
    const puts = fakes.recorded.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.target.split('?')[0])).toEqual([
      `/${MODEL_BUCKET}/ipinsights/model.ipim`,
    ]);
    expect(puts[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDBUNDLETEST\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
    // Down the folders to the region, listed from the window's first day.
    const listings = fakes.recorded
      .filter((c) => c.target.includes('list-type=2'))
      .map((c) => new URL(c.target, 'http://s3.local').searchParams);
    expect(listings.map((q) => q.get('prefix'))).toEqual([
      'org/',
      'org/AWSLogs/',
      'org/AWSLogs/123456789012/',
      'org/AWSLogs/123456789012/CloudTrail/',
      'org/AWSLogs/123456789012/CloudTrail/eu-west-1/',
      'org/AWSLogs/123456789012/CloudTrail/eu-west-1/',
    ]);
    expect(listings.at(-1)?.get('start-after')).toMatch(
      /^org\/AWSLogs\/123456789012\/CloudTrail\/eu-west-1\/\d{4}\/\d{2}\/\d{2}$/,
    );
    expect(await last()).toMatchObject({
      outcome: 'published',
      objects: 10,
      bytes: TRAIL_BYTES,
      pairs: 10 * 12 * 10,
      entities: 12,
      version: 'v2-3HL4kqtJlcpXroDTDmJ',
    });
    expect(result.logs).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'IP Insights retraining published',
        service: 'guardduty-chatops-retraining',
        function_request_id: 'retraining-1',
      }),
    );
  }, 120_000);

  test('refuses a window over RETRAINING_MAX_BYTES before reading any object, and says so', async () => {
    fakes.recorded.length = 0;
    await run('retraining-2', { RETRAINING_MAX_BYTES: String(TRAIL_BYTES - 1) });
    expect(
      fakes.recorded.filter((c) => c.method !== 'GET' || !c.target.includes('list-type=2')),
    ).toEqual([]);
    expect(await last()).toMatchObject({
      outcome: 'too-big',
      reason: `window too big for one function: ${String(TRAIL_BYTES)} bytes > ${String(TRAIL_BYTES - 1)}; run train --sagemaker`,
    });
  }, 120_000);

  test('a stack that scores with an endpoint: the window goes to Athena, then SageMaker, resumed by the follow-up schedule', async () => {
    const distributed = stackOf(loadTemplate(join(ROOT, 'template.yaml')), {
      RetrainingTrailBucket: TRAIL_BUCKET,
      RetrainingTrailPrefix: 'org/',
      IpInsightsEndpoint: 'ip-insights',
      RetrainingAthenaDatabase: 'security',
      RetrainingAthenaTable: 'cloudtrail_org',
    });
    const endpointFn = lambdaFunctions(distributed).find(
      (f) => f.logicalId === 'RetrainingFunction',
    )!;
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
      HEALTH_TABLE: store.tables.health,
      AWS_ENDPOINT_URL_S3: fakes.url,
    };
    fakes.recorded.length = 0;
    const first = await runColdStart(
      build,
      distributed,
      endpointFn,
      [
        { event: { trigger: 'schedule' }, requestId: 'retraining-3' },
        { event: { trigger: 'follow-up' }, requestId: 'retraining-4' },
      ],
      { endpoint: fakes.url, env },
    );
    expect(first.results).toEqual([
      { kind: 'ran', record: expect.objectContaining({ outcome: 'running' }) as object },
      { kind: 'ran', record: expect.objectContaining({ outcome: 'running' }) as object },
    ]);
    const json = (target: string) =>
      fakes.recorded
        .filter((c) => c.target === target)
        .map((c) => JSON.parse(c.body) as Record<string, unknown>);
    const staging = valueOf(distributed, 'RetrainingStagingBucket');
    const starts = json('AmazonAthena.StartQueryExecution');
    expect(starts.map((q) => [q.WorkGroup, q.ResultConfiguration])).toEqual([
      ['primary', { OutputLocation: `s3://${staging}/retraining/athena-results/` }],
      ['primary', { OutputLocation: `s3://${staging}/retraining/athena-results/` }],
    ]);
    expect(String(starts[0]?.QueryString)).toContain(`FROM "security"."cloudtrail_org"`);
    // No object of the trail is read: Athena reads it.
    expect(
      fakes.recorded.filter((c) => c.method === 'GET' && !c.target.includes('list-type=2')),
    ).toEqual([]);
    const [job] = json('SageMaker.CreateTrainingJob');
    expect(job).toMatchObject({
      RoleArn: valueOf(distributed, 'SageMakerRole', 'Arn'),
      AlgorithmSpecification: {
        TrainingImage: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/ipinsights:1',
      },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
      InputDataConfig: [
        expect.objectContaining({ ChannelName: 'train' }),
        expect.objectContaining({ ChannelName: 'validation' }),
      ],
    });
    const signed = fakes.recorded.find((c) => c.target === 'SageMaker.CreateTrainingJob');
    expect(signed?.headers.authorization).toMatch(/\/eu-west-1\/sagemaker\/aws4_request/);
    expect(await last()).toMatchObject({
      outcome: 'running',
      distributed: { phase: 'training' },
    });
  }, 120_000);
});
