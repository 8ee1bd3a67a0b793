import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { startLocalS3, type LocalS3 } from '../../harness/localS3';
import { ListQuotaError, listObjectKey } from '../../src/actions/lists/listFile';
import { ListContentionError, S3IpLists } from '../../src/aws/s3IpLists';

const noWait = () => Promise.resolve();

describe('S3IpLists against a real S3-compatible server (s3rver on loopback)', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.close());

  async function objectBody(region: string, list: 'threat' | 'trusted' = 'threat') {
    const object = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: listObjectKey(list, region) }),
    );
    return object.Body?.transformToString('utf8');
  }

  it('creates the list file on the first add and reads it back as GuardDuty TXT', async () => {
    const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket, sleep: noWait });
    const added = await lists.change('threat', 'eu-west-1', { kind: 'add', entry: '203.0.113.9' });
    expect(added).toMatchObject({
      changed: true,
      location: `https://s3.amazonaws.com/${s3.bucket}/threat-list/eu-west-1.txt`,
      after: { entries: 1 },
    });
    expect(added.before).toBeUndefined();
    expect(added.after?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await objectBody('eu-west-1')).toBe('203.0.113.9\n');
    expect((await lists.read('threat', 'eu-west-1')).entries).toEqual(['203.0.113.9']);
  });

  it('20 concurrent adds of different IPs leave 20 entries (conditional writes, retried)', async () => {
    const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket });
    const ips = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);
    const results = await Promise.all(
      ips.map((entry) => lists.change('threat', 'us-east-2', { kind: 'add', entry })),
    );
    expect(results.every((r) => r.changed)).toBe(true);
    const stored = (await objectBody('us-east-2'))?.trim().split('\n') ?? [];
    expect(stored.sort()).toEqual([...ips].sort());
    // Every write replaced the version it read: 20 distinct versions, each after another.
    const afters = new Set(results.map((r) => r.after?.etag));
    expect(afters.size).toBe(20);
  });

  it('removing the entry undoes the add and leaves the others', async () => {
    const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket, sleep: noWait });
    await lists.change('trusted', 'us-west-2', { kind: 'add', entry: '192.0.2.10' });
    await lists.change('trusted', 'us-west-2', { kind: 'add', entry: '192.0.2.11' });
    const removed = await lists.change('trusted', 'us-west-2', {
      kind: 'remove',
      entry: '192.0.2.10',
    });
    expect(removed).toMatchObject({ changed: true, before: { entries: 2 }, after: { entries: 1 } });
    expect(await objectBody('us-west-2', 'trusted')).toBe('192.0.2.11\n');
    const again = await lists.change('trusted', 'us-west-2', {
      kind: 'remove',
      entry: '192.0.2.10',
    });
    expect(again.changed).toBe(false);
  });

  it('adding an entry a range on the list covers changes nothing', async () => {
    const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket, sleep: noWait });
    await lists.change('threat', 'ap-south-1', { kind: 'add', entry: '203.0.113.0/24' });
    const covered = await lists.change('threat', 'ap-south-1', {
      kind: 'add',
      entry: '203.0.113.7',
    });
    expect(covered.changed).toBe(false);
    expect(await objectBody('ap-south-1')).toBe('203.0.113.0/24\n');
  });

  it('a write that lost the race is never applied over the newer version', async () => {
    // A writer that read the empty list and writes late must get 412 from the server.
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'race.txt', Body: 'a\n', IfNoneMatch: '*' }),
    );
    await expect(
      s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: 'race.txt', Body: 'b\n', IfNoneMatch: '*' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(
      s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: 'race.txt', Body: 'c\n', IfMatch: '"0"' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it("refuses past GuardDuty's 2,000 entries of a trusted list, writing nothing", async () => {
    const full = Array.from({ length: 2000 }, (_, i) => `192.0.2.${i % 256}/32`).join('\n');
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: listObjectKey('trusted', 'sa-east-1'),
        Body: `${full}\n`,
      }),
    );
    const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket, sleep: noWait });
    const before = await objectBody('sa-east-1', 'trusted');
    await expect(
      lists.change('trusted', 'sa-east-1', { kind: 'add', entry: '203.0.113.200' }),
    ).rejects.toThrow(
      new ListQuotaError(
        'the trusted IP list already has 2000 entries; GuardDuty takes at most 2,000 — remove some first',
      ),
    );
    expect(await objectBody('sa-east-1', 'trusted')).toBe(before);
  });
});

describe('S3IpLists at the SDK boundary', () => {
  let s3Mock: ReturnType<typeof mockClient>;
  beforeEach(() => {
    s3Mock = mockClient(S3Client);
  });
  afterEach(() => s3Mock.restore());

  function conflict(status: number, name: string) {
    return new S3ServiceException({
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: status },
      message: name,
    });
  }

  it('writes with If-Match on the ETag it read, retries a lost race, and reports S3 version ids', async () => {
    const body = (text: string) => ({ transformToString: () => Promise.resolve(text) });
    s3Mock
      .on(GetObjectCommand)
      .resolvesOnce({ Body: body('203.0.113.1\n') as never, ETag: '"e1"', VersionId: 'v1' })
      .resolvesOnce({
        Body: body('203.0.113.1\n203.0.113.2\n') as never,
        ETag: '"e2"',
        VersionId: 'v2',
      });
    s3Mock
      .on(PutObjectCommand)
      .rejectsOnce(conflict(412, 'PreconditionFailed'))
      .resolvesOnce({ ETag: '"e3"', VersionId: 'v3' });
    const waits: number[] = [];
    const lists = new S3IpLists({
      client: new S3Client({ region: 'us-east-1' }),
      bucket: 'lists-bucket',
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    const result = await lists.change('threat', 'us-east-1', { kind: 'add', entry: '203.0.113.3' });
    expect(result).toEqual({
      before: { etag: '"e2"', versionId: 'v2', entries: 2 },
      after: { etag: '"e3"', versionId: 'v3', entries: 3 },
      changed: true,
      location: 'https://s3.amazonaws.com/lists-bucket/threat-list/us-east-1.txt',
    });
    const puts = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      {
        Bucket: 'lists-bucket',
        Key: 'threat-list/us-east-1.txt',
        Body: Buffer.from('203.0.113.1\n203.0.113.3\n'),
        ContentType: 'text/plain; charset=utf-8',
        ServerSideEncryption: 'AES256',
        IfMatch: '"e1"',
      },
      {
        Bucket: 'lists-bucket',
        Key: 'threat-list/us-east-1.txt',
        Body: Buffer.from('203.0.113.1\n203.0.113.2\n203.0.113.3\n'),
        ContentType: 'text/plain; charset=utf-8',
        ServerSideEncryption: 'AES256',
        IfMatch: '"e2"',
      },
    ]);
    expect(waits).toEqual([5]);
  });

  it('reads and writes only a bucket the stack account owns (ExpectedBucketOwner)', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: { transformToString: () => Promise.resolve('') } as never,
      ETag: '"e1"',
    });
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    const lists = new S3IpLists({
      client: new S3Client({ region: 'us-east-1' }),
      bucket: 'lists-bucket',
      expectedOwner: '123456789012',
    });
    await lists.change('trusted', 'us-east-1', { kind: 'add', entry: '203.0.113.3' });
    expect(s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: 'lists-bucket',
        Key: 'trusted-ips/us-east-1.txt',
        ExpectedBucketOwner: '123456789012',
      },
    ]);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'lists-bucket',
      IfMatch: '"e1"',
      ExpectedBucketOwner: '123456789012',
    });
  });

  it('gives up after its attempts with a clear error, having overwritten nothing', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: { transformToString: () => Promise.resolve('') } as never,
      ETag: '"e1"',
    });
    s3Mock.on(PutObjectCommand).rejects(conflict(409, 'ConditionalRequestConflict'));
    const lists = new S3IpLists({
      client: new S3Client({ region: 'us-east-1' }),
      bucket: 'lists-bucket',
      maxAttempts: 3,
      sleep: noWait,
    });
    await expect(
      lists.change('threat', 'us-east-1', { kind: 'add', entry: '203.0.113.3' }),
    ).rejects.toThrow(ListContentionError);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(3);
  });
});
