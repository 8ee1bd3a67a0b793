import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudTrailStats, tupleFromCloudTrailRecord } from '../../src/ipinsights/cloudTrail';
import {
  CloudTrailInputError,
  cloudTrailRecords,
  cloudTrailTuples,
} from '../../src/ipinsights/cloudTrailFiles';
import { createReadStream } from 'node:fs';
import type { Tuple } from '../../src/ipinsights/scorer';
import { extractTuples } from '../../src/findings';
import { fixtureFinding } from '../../harness/fixtures';
import { MemoryStorage, tempDir } from './support';

/** Records shaped as CloudTrail writes them (trimmed of fields the extraction ignores). */
const iamUser = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDA123456789EXAMPLE',
    arn: 'arn:aws:iam::123456789012:user/dev-alice',
    accountId: '123456789012',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'dev-alice',
  },
  eventTime: '2026-11-20T09:14:02Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'us-east-1',
  sourceIPAddress: '100.20.4.8',
  userAgent: 'aws-cli/2.15.30',
};
const assumedRole = {
  ...iamUser,
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROA123456789EXAMPLE:i-0abcd1234ef567890',
    arn: 'arn:aws:sts::123456789012:assumed-role/ec2-app/i-0abcd1234ef567890',
    accountId: '123456789012',
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROA123456789EXAMPLE' } },
  },
  sourceIPAddress: '54.240.196.10',
};
const root = {
  ...iamUser,
  userIdentity: {
    type: 'Root',
    principalId: '123456789012',
    arn: 'arn:aws:iam::123456789012:root',
    accountId: '123456789012',
  },
  sourceIPAddress: '100.20.9.9',
};
const awsService = {
  ...iamUser,
  userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
  sourceIPAddress: 'ec2.amazonaws.com',
};
const roleUsedByService = { ...assumedRole, sourceIPAddress: 'lambda.amazonaws.com' };
const internal = { ...iamUser, sourceIPAddress: 'AWS Internal' };
const ipv6 = { ...iamUser, sourceIPAddress: '2001:db8:4::17' };
const noPrincipal = { ...iamUser, userIdentity: { type: 'IAMUser', userName: 'x' } };
const noSource = { eventName: 'ConsoleLogin', userIdentity: iamUser.userIdentity };
const hostname = { ...iamUser, sourceIPAddress: 'signin.example.com' };

describe('tupleFromCloudTrailRecord', () => {
  it.each([
    ['an IAM user', iamUser, { entity: 'AIDA123456789EXAMPLE', ip: '100.20.4.8' }],
    [
      'an assumed role, mapped to the role',
      assumedRole,
      { entity: 'AROA123456789EXAMPLE', ip: '54.240.196.10' },
    ],
    ['root, as the account id', root, { entity: '123456789012', ip: '100.20.9.9' }],
    ['an IPv6 caller', ipv6, { entity: 'AIDA123456789EXAMPLE', ip: '2001:db8:4::17' }],
  ])('takes %s', (_name, record, tuple) => {
    expect(tupleFromCloudTrailRecord(record)).toMatchObject({ kind: 'tuple', tuple });
  });

  it.each([
    ['an AWS service', awsService, 'aws-service'],
    ['a role acting through a service', roleUsedByService, 'aws-service'],
    ['"AWS Internal" (console and AWS-internal calls)', internal, 'aws-internal'],
    [
      'a leading-zero IPv4 address',
      { ...iamUser, sourceIPAddress: '253.252.51.07' },
      'leading-zero',
    ],
    ['a record without principalId', noPrincipal, 'no-principal'],
    ['a record without sourceIPAddress', noSource, 'no-source-ip'],
    ['a host name instead of an address', hostname, 'not-an-ip'],
    ['something that is not a record', 'hello', 'malformed'],
    [
      'a record with a non-object identity',
      { userIdentity: 'alice', sourceIPAddress: '1.2.3.4' },
      'malformed',
    ],
  ])('skips %s', (_name, record, reason) => {
    expect(tupleFromCloudTrailRecord(record)).toEqual({ kind: 'skipped', reason });
  });

  it('maps a role session to the same entity as the GuardDuty finding about it', () => {
    const finding = fixtureFinding(
      'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
    );
    const fromFinding = extractTuples(finding);
    const otherSession = {
      ...assumedRole,
      userIdentity: {
        ...assumedRole.userIdentity,
        principalId: 'AROA123456789EXAMPLE:alice@example.com',
      },
    };
    expect(fromFinding.scorable && fromFinding.tuples[0]?.entity).toBe('AROA123456789EXAMPLE');
    expect(tupleFromCloudTrailRecord(otherSession)).toMatchObject({
      tuple: { entity: 'AROA123456789EXAMPLE' },
    });
  });
});

async function collect(paths: string[], storage?: MemoryStorage, strict = false) {
  const stats = new CloudTrailStats();
  const tuples: Tuple[] = [];
  const options = storage === undefined ? { strict } : { storage, strict };
  for await (const tuple of cloudTrailTuples(paths, stats, options)) tuples.push(tuple);
  return { stats, tuples };
}

/** An EventBridge "AWS API Call via CloudTrail" event around a record, as EventBridge delivers it. */
function eventBridge(record: object) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-11-20T09:14:02Z',
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

describe('cloudTrailTuples', () => {
  it('reads a folder tree of .json.gz and .json files in name order, counting what it skipped', async () => {
    const dir = await tempDir();
    const day = join(dir, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '20');
    await mkdir(day, { recursive: true });
    await writeFile(
      join(day, 'b.json.gz'),
      gzipSync(JSON.stringify({ Records: [assumedRole, awsService, ipv6] })),
    );
    await writeFile(join(day, 'a.json'), JSON.stringify({ Records: [iamUser, internal] }));
    await writeFile(join(day, 'notes.txt'), 'not a log');
    const { stats, tuples } = await collect([dir]);
    expect(tuples).toEqual([
      { entity: 'AIDA123456789EXAMPLE', ip: '100.20.4.8' },
      { entity: 'AROA123456789EXAMPLE', ip: '54.240.196.10' },
      { entity: 'AIDA123456789EXAMPLE', ip: '2001:db8:4::17' },
    ]);
    expect(stats).toMatchObject({ files: 2, records: 5, ipv4: 2, ipv6: 1 });
    expect(stats.skipped['aws-service']).toBe(1);
    expect(stats.skipped['aws-internal']).toBe(1);
    expect(stats.skippedTotal).toBe(2);
  });

  it('reads single files named on the command line, whatever other fields the file has', async () => {
    const dir = await tempDir();
    const file = join(dir, 'trail.json');
    await writeFile(file, JSON.stringify({ Other: { Records: [awsService] }, Records: [root] }));
    expect((await collect([file])).tuples).toEqual([{ entity: '123456789012', ip: '100.20.9.9' }]);
  });

  it('lists and reads an s3:// prefix through the storage interface', async () => {
    const storage = new MemoryStorage();
    const prefix = 's3://trail-bucket/AWSLogs/123456789012/CloudTrail/';
    await storage.write(
      { bucket: 'trail-bucket', key: 'AWSLogs/123456789012/CloudTrail/x.json.gz' },
      gzipSync(JSON.stringify({ Records: [iamUser] })),
    );
    await storage.write(
      { bucket: 'trail-bucket', key: 'AWSLogs/123456789012/CloudTrail-Digest/d.json.gz' },
      gzipSync('{}'),
    );
    await storage.write(
      { bucket: 'trail-bucket', key: 'AWSLogs/123456789012/CloudTrail/readme.txt' },
      Buffer.from('x'),
    );
    const { stats, tuples } = await collect([prefix], storage);
    expect(tuples).toEqual([{ entity: 'AIDA123456789EXAMPLE', ip: '100.20.4.8' }]);
    expect(stats.files).toBe(1);
  });

  it('reads a top-level array of records, as datasets publish them', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'records.json'), JSON.stringify([iamUser, root]));
    const { stats, tuples } = await collect([dir]);
    expect(tuples).toEqual([
      { entity: 'AIDA123456789EXAMPLE', ip: '100.20.4.8' },
      { entity: '123456789012', ip: '100.20.9.9' },
    ]);
    expect(stats).toMatchObject({ files: 1, records: 2, unreadable: [], withoutRecords: [] });
  });

  it('reads an EventBridge "AWS API Call via CloudTrail" event, and JSON lines of them', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-event.json'), JSON.stringify(eventBridge(assumedRole), null, 2));
    await writeFile(
      join(dir, 'b-events.jsonl'),
      `${JSON.stringify(eventBridge(iamUser))}\n\n${JSON.stringify(eventBridge(root))}\n`,
    );
    const { stats, tuples } = await collect([dir]);
    expect(tuples).toEqual([
      { entity: 'AROA123456789EXAMPLE', ip: '54.240.196.10' },
      { entity: 'AIDA123456789EXAMPLE', ip: '100.20.4.8' },
      { entity: '123456789012', ip: '100.20.9.9' },
    ]);
    expect(stats).toMatchObject({ files: 2, records: 3 });
  });

  it('recognises gzip by its magic bytes, not by the name, and ignores a UTF-8 BOM', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.json'), gzipSync(JSON.stringify({ Records: [iamUser] })));
    await writeFile(join(dir, 'b.JSON.GZ'), gzipSync(JSON.stringify({ Records: [root] })));
    await writeFile(join(dir, 'c.json.gz'), `\ufeff${JSON.stringify({ Records: [assumedRole] })}`);
    const { stats, tuples } = await collect([dir]);
    expect(tuples.map((t) => t.entity)).toEqual([
      'AIDA123456789EXAMPLE',
      '123456789012',
      'AROA123456789EXAMPLE',
    ]);
    expect(stats.unreadable).toEqual([]);
  });

  it('skips a truncated object among good ones, names it and why, and keeps the rest', async () => {
    const dir = await tempDir();
    const good = gzipSync(JSON.stringify({ Records: [iamUser, root] }));
    await writeFile(join(dir, '1.json.gz'), good);
    await writeFile(join(dir, '2.json.gz'), good.subarray(0, good.length - 12));
    await writeFile(join(dir, '3.json'), 'hello\nworld\n');
    await writeFile(join(dir, '4.json'), '');
    await writeFile(join(dir, '5.json.gz'), good);
    const { stats, tuples } = await collect([dir]);
    expect(tuples).toHaveLength(4);
    expect(stats).toMatchObject({ files: 5, records: 4, ipv4: 4 });
    expect(stats.unreadable).toEqual([
      { name: join(dir, '2.json.gz'), reason: 'unexpected end of file' },
      {
        name: join(dir, '3.json'),
        reason: expect.stringMatching(
          /^not JSON, nor JSON lines: line 1: Unexpected token/,
        ) as string,
      },
    ]);
    expect(stats.withoutRecords).toEqual([]);
  });

  it('names a non-empty file in which no record was found, whatever its size', async () => {
    const dir = await tempDir();
    const name = join(dir, 'object.json');
    await writeFile(name, JSON.stringify({ Records: { '0': iamUser } }));
    const small = await collect([name]);
    expect(small.stats).toMatchObject({ files: 1, records: 0, withoutRecords: [name] });
    const stats = new CloudTrailStats();
    const records: unknown[] = [];
    for await (const record of cloudTrailRecords(
      { name, open: () => Promise.resolve(createReadStream(name, { highWaterMark: 16 })) },
      32,
    )) {
      records.push(record);
    }
    expect(records).toEqual([]);
    expect(stats.unreadable).toEqual([]);
  });

  it('with strict, stops at the first unreadable file, naming it on one printable line', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"Records": [{"eventName": "x",');
    await expect(collect([file], undefined, true)).rejects.toThrow(CloudTrailInputError);
    await expect(collect([file], undefined, true)).rejects.toThrow(
      /^.*broken\.json: not JSON \(.*\)$/,
    );
    const binary = join(dir, 'binary.json');
    await writeFile(binary, Buffer.from([0x00, 0x01, 0x02, 0x0a, 0xff, 0xfe, 0x7b]));
    const error = await collect([binary], undefined, true).catch((e: unknown) => e);
    // eslint-disable-next-line no-control-regex
    expect((error as Error).message).not.toMatch(/[\u0000-\u001f\ufffd]/);
  });

  it('streams a file larger than the whole-file limit record by record, with the same result', async () => {
    const dir = await tempDir();
    const name = join(dir, 'big.json.gz');
    await writeFile(name, gzipSync(JSON.stringify({ Records: [iamUser, assumedRole, root] })));
    const file = {
      name,
      open: () => Promise.resolve(createReadStream(name, { highWaterMark: 64 })),
    };
    const records: unknown[] = [];
    for await (const record of cloudTrailRecords(file, 100)) records.push(record);
    expect(records).toEqual([iamUser, assumedRole, root]);
  });

  it.each([
    ['a top-level array', JSON.stringify([iamUser, assumedRole, root]), 100],
    [
      'JSON lines of EventBridge events',
      [iamUser, assumedRole, root].map((r) => JSON.stringify(eventBridge(r))).join('\n'),
      // The limit holds the first line (16 MiB in use), so the reader can tell lines from one value.
      1000,
    ],
  ])('streams %s larger than the whole-file limit', async (_name, body, limit) => {
    const dir = await tempDir();
    const name = join(dir, 'big.json');
    await writeFile(name, body);
    const file = {
      name,
      open: () => Promise.resolve(createReadStream(name, { highWaterMark: 64 })),
    };
    const records: unknown[] = [];
    for await (const record of cloudTrailRecords(file, limit)) records.push(record);
    expect(records).toEqual([iamUser, assumedRole, root]);
  });

  it('names a large file that breaks off mid-record', async () => {
    const dir = await tempDir();
    const name = join(dir, 'big.json');
    await writeFile(name, JSON.stringify({ Records: [iamUser, assumedRole] }).slice(0, -30));
    const file = {
      name,
      open: () => Promise.resolve(createReadStream(name, { highWaterMark: 64 })),
    };
    const read = async () => {
      const records: unknown[] = [];
      for await (const record of cloudTrailRecords(file, 100)) records.push(record);
      return records;
    };
    await expect(read()).rejects.toThrow(CloudTrailInputError);
    await expect(read()).rejects.toThrow(name);
  });

  it('says which path does not exist', async () => {
    const dir = await tempDir();
    await expect(collect([join(dir, 'nope')])).rejects.toThrow(
      `no such file or folder: ${join(dir, 'nope')}`,
    );
  });

  it('refuses an s3:// path without S3 access', async () => {
    await expect(collect(['s3://bucket/prefix'])).rejects.toThrow(
      'cannot read s3://bucket/prefix: no S3 access configured',
    );
  });
});
