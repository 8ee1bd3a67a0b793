import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { S3ObjectStorage } from '../../src/aws/s3ObjectStorage';
import { createScorer } from '../../src/ipinsights/factory';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { ModelNotFoundError, saveModel } from '../../src/ipinsights/modelStore';
import { ObjectNotFoundError, readAll } from '../../src/ipinsights/objectStorage';
import { trainModel } from '../../src/ipinsights/train';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const storage = () => new S3ObjectStorage(new S3Client({ region: 'us-east-1' }));
const body = (bytes: Uint8Array) => sdkStreamMixin(Readable.from([Buffer.from(bytes)]));

describe('S3ObjectStorage', () => {
  it('lists every key under a prefix across pages', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'logs/a.json.gz' }],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .resolvesOnce({ Contents: [{ Key: 'logs/b.json.gz' }], IsTruncated: false });
    const keys: string[] = [];
    for await (const key of storage().list({ bucket: 'trail', key: 'logs/' })) keys.push(key);
    expect(keys).toEqual(['logs/a.json.gz', 'logs/b.json.gz']);
    // The paginator reuses one input object, so only the last call's token can be asserted.
    const inputs = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toMatchObject({ Bucket: 'trail', Prefix: 'logs/', ContinuationToken: 't1' });
  });

  it('streams an object body', async () => {
    s3.on(GetObjectCommand, { Bucket: 'trail', Key: 'logs/a.json' }).resolves({
      Body: body(Buffer.from('{"Records":[]}')),
    });
    const stream = await storage().read({ bucket: 'trail', key: 'logs/a.json' });
    expect((await readAll(stream)).toString()).toBe('{"Records":[]}');
  });

  it('turns NoSuchKey into ObjectNotFoundError naming the object', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    await expect(storage().read({ bucket: 'models', key: 'ipinsights.ipim' })).rejects.toThrow(
      new ObjectNotFoundError('no such object: s3://models/ipinsights.ipim'),
    );
  });

  it('saves a model with PutObject and the scorer factory loads it back from s3://', async () => {
    const builder = new TrainingSetBuilder();
    for (let i = 0; i < 200; i++) builder.add(`user-${i % 4}`, 0x0a000000 + i);
    const hyperparameters = resolveHyperparameters(
      { vector_dim: 4, epochs: 1, num_ip_vectors: 256 },
      4,
    );
    const { model } = trainModel(builder.build(), {
      hyperparameters,
      now: () => new Date('2026-11-25T00:00:00Z'),
    });
    s3.on(PutObjectCommand).resolves({});
    await saveModel(model, 's3://models/prod/ipinsights.ipim', storage());
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'models',
      Key: 'prod/ipinsights.ipim',
      ContentType: 'application/octet-stream',
    });

    s3.on(GetObjectCommand, { Bucket: 'models', Key: 'prod/ipinsights.ipim' }).resolves({
      Body: body(put.Body as Uint8Array),
    });
    const scorer = await createScorer(
      { model: 's3://models/prod/ipinsights.ipim' },
      { storage: storage() },
    );
    expect(scorer.description).toBe('embedded model (trained 2026-11-25, 200 pairs, 4 entities)');
  });

  it('reports a missing s3:// model as not found', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    await expect(
      createScorer({ model: 's3://models/none.ipim' }, { storage: storage() }),
    ).rejects.toThrow(new ModelNotFoundError('model not found: s3://models/none.ipim'));
  });
});
