import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { gzipSync } from 'node:zlib';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { memoryBucket } from '../../harness/s3Listing';
import { AthenaQueries } from '../../src/aws/athenaQueries';
import { SageMakerEndpointInvoker } from '../../src/aws/sageMakerEndpoint';
import { SageMakerTrainingJobs } from '../../src/aws/sageMakerJobs';
import type { DistributedSettings } from '../../src/ipinsights/distributedRetraining';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import {
  retrain,
  type RetrainDeps,
  type RetrainingRecord,
  type RetrainSettings,
} from '../../src/ipinsights/retraining';
import { silentLog } from '../../src/shared/log';

/**
 * The distributed path of the scheduled retraining: a window over `maxBytes` in a stack that
 * scores with a SageMaker endpoint is extracted by Athena and trained by SageMaker, one step per
 * run, resumed from the record. Athena and SageMaker are mocked at their SDK clients behind the
 * real adapters; the clock is controlled; each run's record is what status shows.
 */

const TRAIL = 's3://org-trail-bucket/org';
const START = new Date('2026-11-21T03:00:00Z');
const HOUR = 3_600_000;

const SETTINGS: DistributedSettings = {
  region: 'eu-west-1',
  athena: {
    database: 'security',
    table: 'cloudtrail_org',
    workGroup: 'guardduty-chatops',
    resultsLocation: 's3://gd-chatops-staging/athena-results/',
    partitionColumn: 'timestamp',
  },
  staging: 's3://gd-chatops-staging/retraining/',
  roleArn: 'arn:aws:iam::123456789012:role/guardduty-chatops/gd-chatops-SageMakerTrainingRole',
  instanceType: 'ml.m5.xlarge',
  maxRuntimeSeconds: 86_400,
  expectedEntities: 5_000,
  endpoint: { name: 'gd-chatops-ipinsights', instanceType: 'ml.m5.large' },
};

const JOB = 'guardduty-chatops-retraining-20261121-050000';
const ARTIFACTS = `s3://gd-chatops-staging/retraining/runs/20261121T030000/model/${JOB}/output/model.tar.gz`;

/**
 * The held-out slice as Athena's CTAS writes it: `entity,ip` text under day partitions, one
 * object plain (as the retraining asks for) and one gzip (Athena's default): both are read.
 */
function heldOutSlice() {
  const lines: string[] = [];
  for (let e = 0; e < 40; e++) {
    for (let i = 1; i <= 5; i++)
      lines.push(`AIDA${String(e).padStart(16, '0')},198.51.${String(e)}.${String(i)}`);
  }
  // A pair seen twice counts once; an IPv6 pair is not sent to the endpoint.
  lines.push(lines[0] ?? '', 'AIDA0000000000000000,2001:db8::1');
  const prefix = 'retraining/runs/20261121T030000/validation/';
  return memoryBucket(
    new Map<string, string | Uint8Array>([
      [
        `${prefix}day=2026-11-03/20261121_030000_00001_abcde_a.gz`,
        gzipSync(`${lines.slice(0, 100).join('\n')}\n`),
      ],
      [`${prefix}day=2026-11-04/20261121_030000_00001_abcde_b`, `${lines.slice(100).join('\n')}\n`],
    ]),
  );
}

/** A model that knows each principal's network (`198.51.E.x` for AIDA…E) or one that knows nothing. */
const knows = (entity: string, ip: string) =>
  Number(entity.slice(4)) === Number(ip.split('.')[2]) ? 2 : -2;
const noClue = () => 0.1;

/** A month of an organization's trail, listed: 31 objects of 10 MiB (never read). */
function bigTrail() {
  const objects = new Map<string, string>();
  for (let day = 1; day <= 21; day++) {
    const dd = String(day).padStart(2, '0');
    objects.set(
      `org/AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/2026/11/${dd}/123456789012_CloudTrail_eu-west-1_202611${dd}T1000Z_a.json.gz`,
      'x'.repeat(1024),
    );
  }
  const bucket = memoryBucket(objects);
  const reads: string[] = [];
  return {
    ...bucket,
    reads,
    read: (location: { bucket: string; key: string }) => {
      reads.push(location.key);
      return bucket.read(location);
    },
  };
}

function harness() {
  const athena = mockClient(AthenaClient);
  const sageMaker = mockClient(SageMakerClient);
  const runtime = mockClient(SageMakerRuntimeClient);
  const saved: RetrainingRecord[] = [];
  let now = START;
  const storage = bigTrail();
  const deps: RetrainDeps = {
    storage,
    models: {
      current: () => Promise.reject(new Error('the embedded model is not read on this path')),
      publish: () => Promise.reject(new Error('nothing is published to S3 on this path')),
    },
    records: {
      save: (record) => {
        saved.push(record);
        return Promise.resolve();
      },
    },
    clock: () => now,
    log: silentLog,
    distributed: {
      queries: new AthenaQueries(new AthenaClient({ region: 'eu-west-1' })),
      jobs: new SageMakerTrainingJobs(new SageMakerClient({ region: 'eu-west-1' })),
      invoker: new SageMakerEndpointInvoker(new SageMakerRuntimeClient({ region: 'eu-west-1' })),
      storage: heldOutSlice(),
      clock: () => now,
      last: () => Promise.resolve(saved.at(-1)),
    },
  };
  const settings: RetrainSettings = {
    cloudTrail: TRAIL,
    windowDays: 30,
    hyperparameters: (entities) => resolveHyperparameters({}, entities),
    maxBytes: 10_000,
    distributed: SETTINGS,
  };
  return {
    athena,
    sageMaker,
    runtime,
    saved,
    storage,
    run: async (hoursLater: number) => {
      now = new Date(START.getTime() + hoursLater * HOUR);
      return retrain(settings, deps);
    },
  };
}

/** Each endpoint answers IP Insights' JSON, one dot product per CSV line, by its own rule. */
function scoreWith(
  runtime: AwsClientStub<SageMakerRuntimeClient>,
  models: Readonly<Record<string, (entity: string, ip: string) => number>>,
) {
  runtime
    .on(InvokeEndpointCommand)
    .callsFake((input: { EndpointName: string; Body: Uint8Array }) => {
      const score = models[input.EndpointName];
      if (score === undefined) throw new Error(`no endpoint ${input.EndpointName}`);
      const predictions = new TextDecoder()
        .decode(input.Body)
        .split('\n')
        .map((line) => {
          const [entity = '', ip = ''] = line.split(',');
          return { dot_product: score(entity, ip) };
        });
      return { Body: new TextEncoder().encode(JSON.stringify({ predictions })) };
    });
}

const queryState = (
  id: string,
  state: QueryExecutionState,
  extra: Record<string, unknown> = {},
) => ({
  QueryExecution: {
    QueryExecutionId: id,
    Status: { State: state, ...extra },
    Statistics: { DataScannedInBytes: 7_000_000_000 },
  },
});

describe('distributed retraining', () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => {
    h.athena.restore();
    h.sageMaker.restore();
    h.runtime.restore();
  });

  it('starts both CTAS queries for the window’s days, a hash split of the pairs, and records their ids', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    const record = await h.run(0);

    expect(h.storage.reads).toEqual([]);
    const calls = h.athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    const [train, heldOut] = calls;
    expect(train).toEqual({
      QueryString: expect.any(String) as string,
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'security' },
      WorkGroup: 'guardduty-chatops',
      ResultConfiguration: { OutputLocation: 's3://gd-chatops-staging/athena-results/' },
    });
    const trainSql = train?.QueryString ?? '';
    const heldOutSql = heldOut?.QueryString ?? '';
    expect(trainSql).toContain('CREATE TABLE "security"."guardduty_chatops_train_20261121t030000"');
    // Plain text: the training channels read the objects as they are.
    expect(trainSql).toContain(
      "WITH (format = 'TEXTFILE', field_delimiter = ',', write_compression = 'NONE', external_location = 's3://gd-chatops-staging/retraining/runs/20261121T030000/train/', partitioned_by = ARRAY['day'])",
    );
    expect(trainSql).toContain(
      "WHERE eventtime >= '2026-10-22T00:00:00Z' AND eventtime < '2026-11-22T00:00:00Z'",
    );
    expect(trainSql).toContain(`AND "timestamp" BETWEEN '2026/10/22' AND '2026/11/21'`);
    const split =
      "bitwise_and(from_big_endian_64(xxhash64(to_utf8(CASE WHEN useridentity.principalid LIKE 'AROA%:%' THEN split_part(useridentity.principalid, ':', 1) ELSE useridentity.principalid END || ',' || sourceipaddress))), 1023)";
    expect(trainSql).toContain(`AND ${split} >= 103`);
    expect(heldOutSql).toContain(`AND ${split} < 103`);
    expect(heldOutSql).toContain(
      "external_location = 's3://gd-chatops-staging/retraining/runs/20261121T030000/validation/'",
    );
    // The same query otherwise: only the table, the output and the side of the split differ.
    const neutral = (sql: string) =>
      sql.replace(/train|validation/g, 'SLICE').replace(/>= 103|< 103/, 'SIDE');
    expect(neutral(heldOutSql)).toBe(neutral(trainSql));

    expect(record).toMatchObject({
      outcome: 'running',
      window: { from: '2026-10-22', to: '2026-11-21' },
      objects: 21,
      bytes: 21 * 1024,
      distributed: {
        phase: 'querying',
        run: '20261121T030000',
        trainQuery: 'q-train',
        heldOutQuery: 'q-held-out',
      },
    });
    // The first id is recorded before the second query is started.
    expect(h.saved.map((r) => r.distributed)).toMatchObject([
      { phase: 'querying', trainQuery: 'q-train' },
      { phase: 'querying', heldOutQuery: 'q-held-out' },
    ]);
    expect(h.saved[0]?.distributed).not.toHaveProperty('heldOutQuery');
  });

  it('resumes across runs: waits for the queries, starts the training job with both channels, then records the job’s AUC', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    await h.run(0);

    // An hour later the held-out query still runs: nothing is started, nothing listed again.
    h.athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-train' })
      .resolves(queryState('q-train', 'SUCCEEDED'))
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-held-out' })
      .resolvesOnce(queryState('q-held-out', 'RUNNING'))
      .resolves(queryState('q-held-out', 'SUCCEEDED'));
    const waiting = await h.run(1);
    expect(waiting).toMatchObject({
      outcome: 'running',
      window: { from: '2026-10-22', to: '2026-11-21' },
      reason: 'distributed retraining: Athena queries q-train succeeded, q-held-out running',
    });
    expect(h.sageMaker.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);

    const training = await h.run(2);
    expect(h.sageMaker.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input)).toEqual([
      {
        TrainingJobName: JOB,
        AlgorithmSpecification: {
          TrainingImage: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/ipinsights:1',
          TrainingInputMode: 'File',
        },
        RoleArn: SETTINGS.roleArn,
        HyperParameters: { num_entity_vectors: '10000', vector_dim: expect.any(String) as string },
        InputDataConfig: [
          {
            ChannelName: 'train',
            ContentType: 'text/csv',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: 's3://gd-chatops-staging/retraining/runs/20261121T030000/train/',
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          },
          {
            ChannelName: 'validation',
            ContentType: 'text/csv',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: 's3://gd-chatops-staging/retraining/runs/20261121T030000/validation/',
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          },
        ],
        OutputDataConfig: {
          S3OutputPath: 's3://gd-chatops-staging/retraining/runs/20261121T030000/model/',
        },
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
      },
    ]);
    expect(training).toMatchObject({
      outcome: 'running',
      reason: `distributed retraining: SageMaker training job ${JOB} started (Athena scanned 14000000000 bytes)`,
      distributed: { phase: 'training', jobName: JOB },
    });

    h.sageMaker
      .on(DescribeTrainingJobCommand)
      .resolvesOnce({ TrainingJobStatus: 'InProgress' })
      .resolves({
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: ARTIFACTS },
        FinalMetricDataList: [
          { MetricName: 'validation:discriminator_auc', Value: 0.9412, Timestamp: START },
        ],
      });
    await expect(h.run(3)).resolves.toMatchObject({
      outcome: 'running',
      reason: `distributed retraining: SageMaker training job ${JOB} in progress`,
    });
    const candidate = await h.run(4);
    expect(
      h.sageMaker.commandCalls(DescribeTrainingJobCommand).map((c) => c.args[0].input),
    ).toEqual([{ TrainingJobName: JOB }, { TrainingJobName: JOB }]);
    // The job's model behind a candidate endpoint of its own name, of the stack's instance type.
    expect(h.sageMaker.commandCalls(CreateModelCommand).map((c) => c.args[0].input)).toEqual([
      {
        ModelName: JOB,
        PrimaryContainer: {
          Image: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/ipinsights:1',
          ModelDataUrl: ARTIFACTS,
        },
        ExecutionRoleArn: SETTINGS.roleArn,
      },
    ]);
    expect(
      h.sageMaker.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        EndpointConfigName: JOB,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: JOB,
            InitialInstanceCount: 1,
            InstanceType: 'ml.m5.large',
          },
        ],
      },
    ]);
    expect(h.sageMaker.commandCalls(CreateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: JOB, EndpointConfigName: JOB },
    ]);
    expect(candidate).toMatchObject({
      outcome: 'running',
      distributed: { phase: 'candidate', discriminatorAuc: 0.9412, modelArtifacts: ARTIFACTS },
      reason: `distributed retraining: SageMaker training job ${JOB} completed (validation:discriminator_auc 0.941); candidate endpoint ${JOB} being created for the gate`,
    });

    h.sageMaker
      .on(DescribeEndpointCommand, { EndpointName: JOB })
      .resolvesOnce({ EndpointStatus: 'Creating' })
      .resolves({ EndpointStatus: 'InService' });
    h.sageMaker
      .on(DescribeEndpointCommand, { EndpointName: 'gd-chatops-ipinsights' })
      .resolves({ EndpointStatus: 'InService' });
    await expect(h.run(5)).resolves.toMatchObject({
      outcome: 'running',
      reason: `distributed retraining: SageMaker training job ${JOB} completed (validation:discriminator_auc 0.941); candidate endpoint ${JOB} Creating`,
    });
    expect(h.runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(0);

    scoreWith(h.runtime, { [JOB]: knows, 'gd-chatops-ipinsights': noClue });
    const published = await h.run(6);
    const invoked = h.runtime.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input);
    // 200 distinct IPv4 pairs, then 200 negatives, by each endpoint: one CSV batch each.
    expect(invoked.map((i) => [i.EndpointName, i.ContentType, i.Accept])).toEqual([
      [JOB, 'text/csv', 'application/json'],
      [JOB, 'text/csv', 'application/json'],
      ['gd-chatops-ipinsights', 'text/csv', 'application/json'],
      ['gd-chatops-ipinsights', 'text/csv', 'application/json'],
    ]);
    const body = (i: number) =>
      new TextDecoder().decode(invoked[i]?.Body as Uint8Array).split('\n');
    expect(body(0)).toHaveLength(200);
    expect(body(0)[0]).toBe('AIDA0000000000000000,198.51.0.1');
    // The same pairs and the same negatives for both models.
    expect(body(2)).toEqual(body(0));
    expect(body(3)).toEqual(body(1));
    // A negative is the pair's principal with another principal's address.
    const negative = (body(1)[0] ?? '').split(',');
    expect(negative[0]).toBe('AIDA0000000000000000');
    expect(negative[1]).not.toMatch(/^198\.51\.0\./);
    expect(h.sageMaker.commandCalls(UpdateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: 'gd-chatops-ipinsights', EndpointConfigName: JOB },
    ]);
    expect(h.sageMaker.commandCalls(DeleteEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: JOB },
    ]);
    expect(published).toMatchObject({
      outcome: 'published',
      window: { from: '2026-10-22', to: '2026-11-21' },
      candidateAuc: 1,
      currentAuc: 0.5,
      version: JOB,
      reason: `AUC 1.000 on the held-out slice against the current model’s 0.500 (200 held-out pairs and as many shuffled negatives); endpoint gd-chatops-ipinsights updated with ${JOB}`,
    });
    // Every run made at most one step's calls: two starts, then two looks at the queries.
    expect(h.athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
    expect(h.storage.reads).toEqual([]);

    // The next scheduled run starts a new window.
    h.athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-next' });
    await expect(h.run(24 * 7)).resolves.toMatchObject({
      outcome: 'running',
      window: { from: '2026-10-29', to: '2026-11-28' },
      distributed: { phase: 'querying', run: '20261128T030000' },
    });
  });

  it('records a failed query with Athena’s reason, and the next run starts afresh', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    await h.run(0);
    h.athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-train' })
      .resolves(
        queryState('q-train', 'FAILED', {
          StateChangeReason: 'TABLE_NOT_FOUND: Table security.cloudtrail_org does not exist',
        }),
      )
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-held-out' })
      .resolves(queryState('q-held-out', 'RUNNING'));
    await expect(h.run(1)).resolves.toMatchObject({
      outcome: 'failed',
      reason:
        'distributed retraining: Athena query q-train failed: TABLE_NOT_FOUND: Table security.cloudtrail_org does not exist',
    });
    expect(h.sageMaker.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
    h.athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-again' });
    await expect(h.run(2)).resolves.toMatchObject({
      outcome: 'running',
      distributed: { phase: 'querying', run: '20261121T050000', trainQuery: 'q-again' },
    });
  });

  it('records a failed training job with SageMaker’s reason', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    h.athena.on(GetQueryExecutionCommand).resolves(queryState('q', 'SUCCEEDED'));
    await h.run(0);
    await h.run(1);
    h.sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Failed',
      FailureReason: 'ClientError: No data in the validation channel',
    });
    await expect(h.run(2)).resolves.toMatchObject({
      outcome: 'failed',
      reason:
        'distributed retraining: SageMaker training job guardduty-chatops-retraining-20261121-040000 failed: ClientError: No data in the validation channel',
    });
  });

  it('a refused call keeps the step, and the next run tries it again', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    h.athena.on(GetQueryExecutionCommand).resolves(queryState('q', 'SUCCEEDED'));
    await h.run(0);
    h.sageMaker
      .on(CreateTrainingJobCommand)
      .rejectsOnce(new Error('ResourceLimitExceeded: ml.m5.xlarge training instances'))
      .resolves({ TrainingJobArn: 'arn' });
    await expect(h.run(1)).resolves.toMatchObject({
      outcome: 'running',
      reason:
        'distributed retraining (querying): ResourceLimitExceeded: ml.m5.xlarge training instances; retried on the next run',
      distributed: { phase: 'querying', trainQuery: 'q-train' },
    });
    await expect(h.run(2)).resolves.toMatchObject({
      distributed: { phase: 'training' },
    });
    expect(h.sageMaker.commandCalls(CreateTrainingJobCommand)).toHaveLength(2);
  });

  it('a run interrupted between the two starts starts only the held-out query next time', async () => {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .rejectsOnce(new Error('TooManyRequestsException'))
      .resolves({ QueryExecutionId: 'q-held-out' });
    // The second start failed: the record keeps the first id (saved before the call).
    await expect(h.run(0)).resolves.toMatchObject({
      outcome: 'running',
      reason:
        "distributed retraining: Athena query q-train extracting the window's train pairs; the held-out query could not be started (TooManyRequestsException), retried on the next run",
      distributed: { phase: 'querying', trainQuery: 'q-train' },
    });
    const next = await h.run(1);
    const starts = h.athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(starts).toHaveLength(3);
    // The retried start is the held-out query of the same run, over the same window.
    expect(starts[2]).toEqual(starts[1]);
    expect(starts[2]?.QueryString).toContain('guardduty_chatops_validation_20261121t030000');
    expect(next).toMatchObject({
      outcome: 'running',
      window: { from: '2026-10-22', to: '2026-11-21' },
      distributed: { phase: 'querying', trainQuery: 'q-train', heldOutQuery: 'q-held-out' },
    });
  });

  it('a record edited into nonsense is not acted on: a new run starts', async () => {
    h.saved.push({
      at: START.toISOString(),
      outcome: 'running',
      reason: 'edited',
      distributed: { phase: 'training', run: '../../x' } as unknown as NonNullable<
        RetrainingRecord['distributed']
      >,
    });
    h.athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-new' });
    await expect(h.run(1)).resolves.toMatchObject({
      distributed: { phase: 'querying', run: '20261121T040000', trainQuery: 'q-new' },
    });
    expect(h.sageMaker.commandCalls(DescribeTrainingJobCommand)).toHaveLength(0);
  });
});

describe('the distributed gate', () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => {
    h.athena.restore();
    h.sageMaker.restore();
    h.runtime.restore();
  });

  /** Runs up to the candidate endpoint in service (hours 0-3), the job completed at hour 2. */
  async function untilCandidate() {
    h.athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    h.athena.on(GetQueryExecutionCommand).resolves(queryState('q', 'SUCCEEDED'));
    h.sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: ARTIFACTS },
      FinalMetricDataList: [{ MetricName: 'validation:discriminator_auc', Value: 0.99 }],
    });
    await h.run(0);
    await h.run(2);
    await expect(h.run(3)).resolves.toMatchObject({ distributed: { phase: 'candidate' } });
  }

  it('rejects a worse model with both AUCs recorded: the stack’s endpoint untouched, the candidate deleted', async () => {
    await untilCandidate();
    h.sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
    // SageMaker's own metric says 0.99; on the same slice as the current model it is worse.
    scoreWith(h.runtime, { [JOB]: noClue, 'gd-chatops-ipinsights': knows });
    const record = await h.run(4);
    expect(record).toMatchObject({
      outcome: 'rejected',
      candidateAuc: 0.5,
      currentAuc: 1,
      distributed: { discriminatorAuc: 0.99 },
      reason: `AUC 0.500 on the held-out slice is more than 0.01 below the current model’s 1.000; the current model stays (200 held-out pairs and as many shuffled negatives); endpoint gd-chatops-ipinsights unchanged`,
    });
    expect(h.sageMaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(h.sageMaker.commandCalls(DeleteEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: JOB },
    ]);
  });

  it('a candidate endpoint that failed is recorded with SageMaker’s reason and deleted', async () => {
    await untilCandidate();
    h.sageMaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'Failed',
      FailureReason: 'insufficient capacity for ml.m5.large',
    });
    await expect(h.run(4)).resolves.toMatchObject({
      outcome: 'failed',
      reason: `distributed retraining: SageMaker training job ${JOB} completed (validation:discriminator_auc 0.990); candidate endpoint ${JOB} failed: insufficient capacity for ml.m5.large; the stack's endpoint is unchanged`,
    });
    expect(h.runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
    expect(h.sageMaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(h.sageMaker.commandCalls(DeleteEndpointCommand)).toHaveLength(1);
  });

  it('an endpoint that cannot score the whole sample fails the measurement: retried, nothing changed', async () => {
    await untilCandidate();
    h.sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
    h.runtime.on(InvokeEndpointCommand).rejects(new Error('ModelError: out of memory'));
    await expect(h.run(4)).resolves.toMatchObject({
      outcome: 'running',
      distributed: { phase: 'candidate' },
      reason: `distributed retraining (candidate): SageMaker endpoint ${JOB} failed: Error: ModelError: out of memory; retried on the next run`,
    });
    expect(h.sageMaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(h.sageMaker.commandCalls(DeleteEndpointCommand)).toHaveLength(0);
  });

  it('with no endpoint yet, a model that learned something creates it', async () => {
    await untilCandidate();
    h.sageMaker
      .on(DescribeEndpointCommand, { EndpointName: JOB })
      .resolves({ EndpointStatus: 'InService' });
    h.sageMaker
      .on(DescribeEndpointCommand, { EndpointName: 'gd-chatops-ipinsights' })
      .rejects(new Error('Could not find endpoint "gd-chatops-ipinsights".'));
    scoreWith(h.runtime, { [JOB]: knows });
    await expect(h.run(4)).resolves.toMatchObject({ outcome: 'published', candidateAuc: 1 });
    expect(h.sageMaker.commandCalls(CreateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: JOB, EndpointConfigName: JOB },
      { EndpointName: 'gd-chatops-ipinsights', EndpointConfigName: JOB },
    ]);
  });
});
