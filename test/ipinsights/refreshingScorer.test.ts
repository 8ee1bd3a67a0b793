import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { scorerFromConfig } from '../../src/app/scorer';
import { loadConfig } from '../../src/config';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { parseIp } from '../../src/ipinsights/ip';
import { encodeModel } from '../../src/ipinsights/modelFile';
import { trainModel } from '../../src/ipinsights/train';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';
import { silentLog } from '../../src/shared/log';

/**
 * A running function's scorer picks up a newly published model version without a redeploy,
 * checking at most every 15 minutes: S3 mocked at the SDK client, the clock the test's.
 */

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
afterAll(() => s3.restore());

function ipv4(text: string): number {
  const ip = parseIp(text);
  if (ip.kind !== 'ipv4') throw new Error(text);
  return ip.value;
}

/** A small real model: `entity` seen from 198.51.100.0/24 only. */
function modelOf(entity: string, trainedAt: string): Uint8Array {
  const builder = new TrainingSetBuilder();
  for (let i = 0; i < 400; i++) builder.add(entity, ipv4(`198.51.100.${String(i % 200)}`));
  builder.add('other', ipv4('192.0.2.1'));
  const hyperparameters = resolveHyperparameters({ vector_dim: 8, epochs: 2 }, 2);
  return encodeModel(
    trainModel(builder.build(), { hyperparameters, now: () => new Date(trainedAt) }).model,
  );
}

/** The versioned object as S3 serves it: ranged reads get the head, both the version id. */
let published: { bytes: Uint8Array; version: string };
function serveModel() {
  s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const match = /^bytes=0-(\d+)$/.exec(input.Range ?? '');
    const bytes =
      match === null ? published.bytes : published.bytes.subarray(0, Number(match[1]) + 1);
    const body = Object.assign(Readable.from([Buffer.from(bytes)]), {
      transformToByteArray: () => Promise.resolve(bytes),
    });
    return { Body: body, VersionId: published.version };
  });
}

const pair = { entity: 'user:alice', ip: '198.51.100.7' };

it('scores with a newly published version once the check interval has passed, and not before', async () => {
  published = { bytes: modelOf('user:bob', '2026-11-01T00:00:00.000Z'), version: 'v1' };
  serveModel();
  let now = new Date('2026-11-21T10:00:00Z');
  const config = loadConfig({ IPINSIGHTS_MODEL: 's3://models-bucket/ipinsights/model.ipim' }, []);
  const scorer = await scorerFromConfig(config, { log: silentLog, clock: () => now });
  expect(scorer.version).toBe('v1');
  expect(scorer.metadata?.trainedAt).toBe('2026-11-01T00:00:00.000Z');
  // Alice is unknown to the first model: not scored.
  expect((await scorer.score([pair]))[0]).toMatchObject({ kind: 'unscored' });
  const reads = () => s3.commandCalls(GetObjectCommand).length;
  const atStart = reads();

  published = { bytes: modelOf('user:alice', '2026-11-21T09:00:00.000Z'), version: 'v2' };
  now = new Date('2026-11-21T10:14:00Z');
  await scorer.score([pair]);
  expect(reads()).toBe(atStart);
  expect(scorer.version).toBe('v1');

  now = new Date('2026-11-21T10:15:00Z');
  expect((await scorer.score([pair]))[0]).toMatchObject({ kind: 'scored' });
  expect(scorer.version).toBe('v2');
  expect(scorer.metadata?.trainedAt).toBe('2026-11-21T09:00:00.000Z');
  // One ranged read of the header, then the new version whole.
  const calls = s3.commandCalls(GetObjectCommand).slice(atStart);
  expect(calls.map((c) => c.args[0].input)).toEqual([
    {
      Bucket: 'models-bucket',
      Key: 'ipinsights/model.ipim',
      Range: expect.stringMatching(/^bytes=0-\d+$/) as string,
    },
    { Bucket: 'models-bucket', Key: 'ipinsights/model.ipim' },
  ]);

  // The same version at the next check: the header only.
  now = new Date('2026-11-21T10:31:00Z');
  await scorer.score([pair]);
  expect(s3.commandCalls(GetObjectCommand).slice(atStart)).toHaveLength(3);
});

it('keeps scoring with the model it has when a check fails', async () => {
  published = { bytes: modelOf('user:alice', '2026-11-01T00:00:00.000Z'), version: 'v1' };
  serveModel();
  let now = new Date('2026-11-21T10:00:00Z');
  const config = loadConfig({ IPINSIGHTS_MODEL: 's3://models-bucket/ipinsights/model.ipim' }, []);
  const scorer = await scorerFromConfig(config, { log: silentLog, clock: () => now });
  s3.on(GetObjectCommand).rejects(new Error('S3 is down'));
  now = new Date('2026-11-21T11:00:00Z');
  expect((await scorer.score([pair]))[0]).toMatchObject({ kind: 'scored' });
  expect(scorer.version).toBe('v1');
});

it('in the stack’s model bucket, scores nothing until the retraining publishes the first version, then picks it up within MODEL_REFRESH_MINUTES', async () => {
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  let now = new Date('2026-11-21T10:00:00Z');
  const config = loadConfig(
    {
      IPINSIGHTS_MODEL: 's3://gd-chatops-modelbucket-0123abcd/ipinsights/model.ipim',
      IPINSIGHTS_MODEL_RETRAINED: 'true',
      MODEL_REFRESH_MINUTES: '5',
    },
    [],
  );
  const scorer = await scorerFromConfig(config, { log: silentLog, clock: () => now });
  expect(scorer.description).toBe(
    'no model published yet at s3://gd-chatops-modelbucket-0123abcd/ipinsights/model.ipim: the scheduled retraining publishes the first',
  );
  expect(scorer.metadata).toBeUndefined();
  expect((await scorer.score([pair]))[0]).toEqual({
    kind: 'unscored',
    reason: 'no IP Insights model published yet',
    cause: 'no-model',
  });

  s3.reset();
  published = { bytes: modelOf('user:alice', '2026-11-21T09:58:00.000Z'), version: 'v1' };
  serveModel();
  now = new Date('2026-11-21T10:04:59Z');
  expect((await scorer.score([pair]))[0]).toMatchObject({ kind: 'unscored' });
  expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
  now = new Date('2026-11-21T10:05:00Z');
  expect((await scorer.score([pair]))[0]).toMatchObject({ kind: 'scored' });
  expect(scorer.version).toBe('v1');
  expect(scorer.metadata?.trainedAt).toBe('2026-11-21T09:58:00.000Z');
});

it('anywhere else, a model that is not there stops the cold start, as before', async () => {
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  const config = loadConfig({ IPINSIGHTS_MODEL: 's3://models-bucket/ipinsights/model.ipim' }, []);
  await expect(scorerFromConfig(config, { log: silentLog })).rejects.toThrow(
    'model not found: s3://models-bucket/ipinsights/model.ipim',
  );
});
