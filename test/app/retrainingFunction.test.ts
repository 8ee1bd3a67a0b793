import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { listObjects } from '../../harness/s3Listing';
import { startTestStore, type TestStore } from '../../harness/store';
import {
  buildRetrainingParts,
  createRetrainingHandler,
  type RetrainingResult,
} from '../../src/app/retrainingFunction';
import { AthenaQueries } from '../../src/aws/athenaQueries';
import { S3ObjectStorage } from '../../src/aws/s3ObjectStorage';
import { SageMakerEndpointInvoker } from '../../src/aws/sageMakerEndpoint';
import { SageMakerTrainingJobs } from '../../src/aws/sageMakerJobs';
import { loadConfig } from '../../src/config';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { parseIp } from '../../src/ipinsights/ip';
import { decodeModel, encodeModel } from '../../src/ipinsights/modelFile';
import { trainModel } from '../../src/ipinsights/train';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';
import { silentLog, type Log } from '../../src/shared/log';
import { entityForPrincipal } from '../../src/shared/principalEntity';
import { DynamoRetrainingRecordReader } from '../../src/store/dynamoRetrainingRecordReader';
import { DynamoRetrainingRecordWriter } from '../../src/store/dynamoRetrainingRecords';

/**
 * The retraining function's handler as the composition root builds it: S3 mocked at the SDK
 * client (the trail's listing and objects, the versioned model), the health table in the
 * embedded DynamoDB, a controlled clock. What a user notices: the PutObject of a new model
 * version (its exact Bucket and Key) happens or does not, and the record status shows.
 */

const NOW = new Date('2026-11-21T03:00:00Z');
const TRAIL_BUCKET = 'org-trail-bucket';
const MODEL = { Bucket: 'gd-chatops-modelbucket-0123abcd', Key: 'ipinsights/model.ipim' };
const PRINCIPALS = Array.from({ length: 16 }, (_, i) => `AIDA${String(i).padStart(16, '0')}`);

/** Each principal calls from its own /24, as people at their desks do. */
function records(day: number, principals: readonly string[]) {
  return principals.flatMap((principal, p) =>
    Array.from({ length: 12 }, (_, i) => ({
      eventVersion: '1.09',
      eventTime: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`,
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      userIdentity: { type: 'IAMUser', principalId: principal, accountId: '123456789012' },
      sourceIPAddress: `203.${String(p + 10)}.${String(day)}.${String(i + 1)}`,
    })),
  );
}

const trailKey = (day: number) => {
  const dd = String(day).padStart(2, '0');
  return `org/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/${dd}/123456789012_CloudTrail_eu-west-1_202611${dd}T1000Z_a.json.gz`;
};

function modelFrom(principals: readonly string[]): Uint8Array {
  const builder = new TrainingSetBuilder();
  for (let day = 1; day <= 20; day++) {
    for (const r of records(day, principals)) {
      const ip = parseIp(r.sourceIPAddress);
      if (ip.kind === 'ipv4') builder.add(entityForPrincipal(r.userIdentity.principalId), ip.value);
    }
  }
  const hyperparameters = resolveHyperparameters({ vector_dim: 8, epochs: 3 }, principals.length);
  return encodeModel(trainModel(builder.build(), { hyperparameters, now: () => NOW }).model);
}

const s3 = mockClient(S3Client);
let trail: Map<string, Buffer>;
let published: { bytes: Uint8Array; version: string } | undefined;

function body(bytes: Uint8Array) {
  return Object.assign(Readable.from([Buffer.from(bytes)]), {
    transformToByteArray: () => Promise.resolve(bytes),
  });
}

/** S3 as the function sees it: the trail bucket's listing and objects, the versioned model. */
function serveS3(): void {
  s3.on(ListObjectsV2Command).callsFake(
    (input: { Bucket: string; Prefix?: string; Delimiter?: string; StartAfter?: string }) => {
      const sizes = new Map(
        input.Bucket === TRAIL_BUCKET ? [...trail].map(([key, b]) => [key, b.length]) : [],
      );
      const { contents, commonPrefixes } = listObjects(sizes, {
        ...(input.Prefix === undefined ? {} : { prefix: input.Prefix }),
        ...(input.Delimiter === undefined ? {} : { delimiter: input.Delimiter }),
        ...(input.StartAfter === undefined ? {} : { startAfter: input.StartAfter }),
      });
      return {
        Contents: contents.map((c) => ({ Key: c.key, Size: c.bytes })),
        CommonPrefixes: commonPrefixes.map((Prefix) => ({ Prefix })),
      };
    },
  );
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string; Range?: string }) => {
    if (input.Bucket === TRAIL_BUCKET) {
      const bytes = trail.get(input.Key);
      if (bytes === undefined) throw new NoSuchKey({ message: 'NoSuchKey', $metadata: {} });
      return { Body: body(bytes) };
    }
    if (input.Bucket !== MODEL.Bucket || input.Key !== MODEL.Key || published === undefined) {
      throw new NoSuchKey({ message: 'NoSuchKey', $metadata: {} });
    }
    const range = /^bytes=0-(\d+)$/.exec(input.Range ?? '');
    const bytes =
      range === null ? published.bytes : published.bytes.subarray(0, Number(range[1]) + 1);
    return { Body: body(bytes), VersionId: published.version };
  });
  s3.on(PutObjectCommand).callsFake((input: { Body: Uint8Array }) => {
    published = { bytes: input.Body, version: 'v2-3HL4kqtJlcpXroDTDmJ' };
    return { VersionId: published.version };
  });
}

let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(async () => {
  s3.restore();
  await store.close();
});
beforeEach(() => {
  s3.reset();
  trail = new Map(
    Array.from({ length: 21 }, (_, i) => [
      trailKey(i + 1),
      gzipSync(JSON.stringify({ Records: records(i + 1, PRINCIPALS) })),
    ]),
  );
  published = undefined;
  serveS3();
});

interface Logged {
  level: string;
  message: string;
  attributes?: Record<string, unknown>;
}

function handlerWith(env: Record<string, string>, hyperparameters = {}) {
  const logged: Logged[] = [];
  const log: Log = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, attributes?: Record<string, unknown>) =>
        logged.push({ level, message, ...(attributes === undefined ? {} : { attributes }) }),
    ]),
  ) as unknown as Log;
  const config = loadConfig({
    RETRAINING_CLOUDTRAIL: `s3://${TRAIL_BUCKET}/org/`,
    IPINSIGHTS_MODEL: `s3://${MODEL.Bucket}/${MODEL.Key}`,
    ...env,
  });
  const parts = buildRetrainingParts(config, {
    storage: new S3ObjectStorage(new S3Client({ region: 'eu-west-1' })),
    records: new DynamoRetrainingRecordWriter(store.client, store.tables.health),
    clock: () => NOW,
    log,
  });
  const handle = createRetrainingHandler(
    () => Promise.resolve({ ...parts, settings: { ...parts.settings, hyperparameters } }),
    log,
  );
  return { handle, logged };
}

const lastRecord = () => new DynamoRetrainingRecordReader(store.client, store.tables.health).last();
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

describe('the retraining function', () => {
  it('publishes a better model as a new version of the model key, and records it for status', async () => {
    // The published model knows other people: it cannot tell this month's pairs apart.
    published = {
      bytes: modelFrom(PRINCIPALS.map((p) => p.replace('AIDA', 'AROA'))),
      version: 'v1-stale',
    };
    const { handle, logged } = handlerWith({});
    const result = (await handle({ trigger: 'schedule' })) as Extract<
      RetrainingResult,
      { kind: 'ran' }
    >;
    expect(result.kind).toBe('ran');
    expect(puts()).toEqual([
      {
        Bucket: MODEL.Bucket,
        Key: MODEL.Key,
        Body: expect.any(Uint8Array) as Uint8Array,
        ContentType: 'application/octet-stream',
      },
    ]);
    // The folders walked down to the region, which is listed from the window's first day only.
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      ...[
        'org/',
        'org/AWSLogs/',
        'org/AWSLogs/123456789012/',
        'org/AWSLogs/123456789012/CloudTrail/',
      ].map((Prefix) => ({ Bucket: TRAIL_BUCKET, Prefix, Delimiter: '/' })),
      {
        Bucket: TRAIL_BUCKET,
        Prefix: 'org/AWSLogs/123456789012/CloudTrail/eu-west-1/',
        Delimiter: '/',
      },
      {
        Bucket: TRAIL_BUCKET,
        Prefix: 'org/AWSLogs/123456789012/CloudTrail/eu-west-1/',
        StartAfter: 'org/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/10/22',
      },
    ]);
    const trailReads = s3
      .commandCalls(GetObjectCommand)
      .filter((c) => c.args[0].input.Bucket === TRAIL_BUCKET);
    expect(trailReads).toHaveLength(21);
    const model = decodeModel(puts()[0]!.Body as Uint8Array);
    expect(model.metadata).toMatchObject({
      window: { from: '2026-10-22', to: '2026-11-21' },
      source: `s3://${TRAIL_BUCKET}/org/`,
    });
    const record = await lastRecord();
    expect(record).toEqual(result.record);
    expect(record).toMatchObject({
      at: NOW.toISOString(),
      outcome: 'published',
      window: { from: '2026-10-22', to: '2026-11-21' },
      objects: 21,
      bytes: [...trail.values()].reduce((sum, b) => sum + b.length, 0),
      pairs: 21 * 16 * 12,
      entities: 16,
      version: 'v2-3HL4kqtJlcpXroDTDmJ',
    });
    expect(record!.candidateAuc).toBeGreaterThan(0.8);
    expect(record!.currentAuc).toBeLessThan(0.6);
    expect(model.metadata.heldOutAuc).toBe(record!.candidateAuc);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'IP Insights retraining published' }),
    );
  }, 60_000);

  it('rejects a worse model: no PutObject, the current version stays, both AUCs recorded and logged', async () => {
    published = { bytes: modelFrom(PRINCIPALS), version: 'v1-good' };
    // Every principal on one row and no training counts: it cannot tell principals apart.
    const { handle, logged } = handlerWith(
      {},
      { vector_dim: 4, epochs: 1, num_entity_vectors: 1, frequency_prior_weight: 0 },
    );
    await handle({ trigger: 'schedule' });
    expect(puts()).toEqual([]);
    const record = await lastRecord();
    expect(record).toMatchObject({ outcome: 'rejected', version: 'v1-good', pairs: 4032 });
    expect(record!.currentAuc! - record!.candidateAuc!).toBeGreaterThan(0.01);
    expect(record!.reason).toMatch(/more than 0\.01 below the current model’s \d\.\d{3}/);
    expect(logged).toContainEqual({
      level: 'warn',
      message: 'IP Insights retraining rejected',
      attributes: expect.objectContaining({
        outcome: 'rejected',
        candidateAuc: record!.candidateAuc,
        currentAuc: record!.currentAuc,
      }) as Record<string, unknown>,
    });
  }, 60_000);

  it('publishes the first model into an empty model bucket', async () => {
    const { handle } = handlerWith({});
    await handle({ trigger: 'schedule' });
    expect(puts().map((p) => [p.Bucket, p.Key])).toEqual([[MODEL.Bucket, MODEL.Key]]);
    expect(await lastRecord()).toMatchObject({ outcome: 'published' });
    expect((await lastRecord())?.currentAuc).toBeUndefined();
  }, 60_000);

  it('refuses a window bigger than one function reads, from the listing alone', async () => {
    const bytes = [...trail.values()].reduce((sum, b) => sum + b.length, 0);
    const { handle } = handlerWith({ RETRAINING_MAX_BYTES: String(bytes - 1) });
    await handle({ trigger: 'schedule' });
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(puts()).toEqual([]);
    expect(await lastRecord()).toEqual({
      at: NOW.toISOString(),
      outcome: 'too-big',
      reason: `window too big for one function: ${String(bytes)} bytes > ${String(bytes - 1)}; run train --sagemaker`,
      window: { from: '2026-10-22', to: '2026-11-21' },
      objects: 21,
      bytes,
    });
  });

  it('records a failure with the error that caused it, and publishes nothing', async () => {
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const { handle } = handlerWith({});
    await handle({ trigger: 'schedule' });
    expect(puts()).toEqual([]);
    expect(await lastRecord()).toMatchObject({
      outcome: 'failed',
      unreadable: 21,
      reason: expect.stringMatching(
        /^only 0 CloudTrail pairs in the window: too few to train and measure a model; 21 of 21 CloudTrail objects could not be read \(s3:\/\/org-trail-bucket\/org\/AWSLogs\/.*Access Denied/,
      ) as string,
    });
  });

  it('refuses an event that is not the schedule’s, reading and writing nothing', async () => {
    const before = await lastRecord();
    const { handle } = handlerWith({});
    expect(await handle({ trigger: 'command' })).toMatchObject({ kind: 'rejected' });
    expect(s3.calls()).toEqual([]);
    expect(await lastRecord()).toEqual(before);
  });

  it('names what is missing when the stack has no trail or model to retrain', () => {
    expect(() => handlerWith({ RETRAINING_CLOUDTRAIL: '', IPINSIGHTS_MODEL: '' })).toThrow(
      /RETRAINING_CLOUDTRAIL: missing.*\n?.*IPINSIGHTS_MODEL: missing/s,
    );
  });
});

describe('the retraining function of a stack that scores with a SageMaker endpoint', () => {
  const athena = mockClient(AthenaClient);
  const sageMaker = mockClient(SageMakerClient);
  afterAll(() => {
    athena.restore();
    sageMaker.restore();
  });
  beforeEach(() => {
    athena.reset();
    sageMaker.reset();
  });

  const ENV = {
    IPINSIGHTS_MODEL: '',
    IPINSIGHTS_ENDPOINT: 'gd-chatops-ipinsights',
    AWS_REGION: 'eu-west-1',
    RETRAINING_ATHENA_DATABASE: 'security',
    RETRAINING_ATHENA_TABLE: 'cloudtrail_org',
    RETRAINING_ATHENA_WORKGROUP: 'guardduty-chatops',
    RETRAINING_STAGING: 's3://gd-chatops-stagingbucket-0123abcd/retraining/',
    RETRAINING_SAGEMAKER_ROLE:
      'arn:aws:iam::123456789012:role/guardduty-chatops/gd-chatops-SageMakerRole-0123ABCD',
  };

  function endpointHandler(clock: () => Date) {
    const config = loadConfig({
      RETRAINING_CLOUDTRAIL: `s3://${TRAIL_BUCKET}/org/`,
      ...Object.fromEntries(Object.entries(ENV).filter(([, v]) => v !== '')),
    });
    const reader = new DynamoRetrainingRecordReader(store.client, store.tables.health);
    const parts = buildRetrainingParts(config, {
      storage: new S3ObjectStorage(new S3Client({ region: 'eu-west-1' })),
      records: new DynamoRetrainingRecordWriter(store.client, store.tables.health),
      clock,
      log: silentLog,
      distributed: (region) => ({
        queries: new AthenaQueries(new AthenaClient({ region })),
        jobs: new SageMakerTrainingJobs(new SageMakerClient({ region })),
        invoker: new SageMakerEndpointInvoker(new SageMakerRuntimeClient({ region })),
        last: () => reader.last(),
      }),
    });
    return createRetrainingHandler(() => Promise.resolve(parts), silentLog);
  }

  it('trains every window with Athena and SageMaker, resumed from the health table; the follow-up schedule only advances a run', async () => {
    await new DynamoRetrainingRecordWriter(store.client, store.tables.health).save({
      at: '2026-11-14T03:00:00.000Z',
      outcome: 'published',
      reason: 'last week',
    });
    let now = NOW;
    const handle = endpointHandler(() => now);
    // Nothing under way: the follow-up does nothing at all.
    await expect(handle({ trigger: 'follow-up' })).resolves.toEqual({
      kind: 'idle',
      reason: 'no distributed retraining under way',
    });
    expect(athena.calls()).toEqual([]);
    expect(s3.calls()).toEqual([]);

    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-train' })
      .resolvesOnce({ QueryExecutionId: 'q-held-out' });
    await handle({ trigger: 'schedule' });
    // A small window too: there is no embedded model, no object of the trail is read.
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(
      athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.WorkGroup),
    ).toEqual(['guardduty-chatops', 'guardduty-chatops']);
    expect(
      athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ResultConfiguration,
    ).toEqual({
      OutputLocation: 's3://gd-chatops-stagingbucket-0123abcd/retraining/athena-results/',
    });
    expect(await lastRecord()).toMatchObject({
      outcome: 'running',
      objects: 21,
      distributed: { phase: 'querying', trainQuery: 'q-train', heldOutQuery: 'q-held-out' },
    });

    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 10 } },
    });
    now = new Date(NOW.getTime() + 3_600_000);
    await handle({ trigger: 'follow-up' });
    expect(sageMaker.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({
        TrainingJobName: 'guardduty-chatops-retraining-20261121-040000',
        RoleArn: ENV.RETRAINING_SAGEMAKER_ROLE,
        HyperParameters: expect.objectContaining({ num_entity_vectors: '200000' }) as unknown,
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
      }),
    ]);
    expect(await lastRecord()).toMatchObject({
      outcome: 'running',
      window: { from: '2026-10-22', to: '2026-11-21' },
      objects: 21,
      distributed: { phase: 'training', jobName: 'guardduty-chatops-retraining-20261121-040000' },
    });
  });

  it('names what an endpoint stack needs to retrain', () => {
    expect(() =>
      buildRetrainingParts(
        loadConfig({
          RETRAINING_CLOUDTRAIL: `s3://${TRAIL_BUCKET}/org/`,
          IPINSIGHTS_ENDPOINT: 'gd-chatops-ipinsights',
        }),
        {
          storage: new S3ObjectStorage(new S3Client({ region: 'eu-west-1' })),
          records: new DynamoRetrainingRecordWriter(store.client, store.tables.health),
          clock: () => NOW,
          log: silentLog,
        },
      ),
    ).toThrow(
      /RETRAINING_ATHENA_DATABASE, RETRAINING_ATHENA_TABLE, RETRAINING_STAGING, RETRAINING_SAGEMAKER_ROLE: all needed/,
    );
  });
});
