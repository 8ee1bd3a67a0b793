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
    ['"AWS Internal"', internal, 'aws-service'],
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

async function collect(paths: string[], storage?: MemoryStorage) {
  const stats = new CloudTrailStats();
  const tuples: Tuple[] = [];
  for await (const tuple of cloudTrailTuples(paths, stats, storage)) tuples.push(tuple);
  return { stats, tuples };
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
    expect(stats.skipped['aws-service']).toBe(2);
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

  it('names the file that is not valid JSON', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"Records": [{"eventName": "x",');
    await expect(collect([file])).rejects.toThrow(CloudTrailInputError);
    await expect(collect([file])).rejects.toThrow(`${file}: not a readable CloudTrail log file`);
  });

  it('names the file that is not gzip although it says so', async () => {
    const dir = await tempDir();
    const file = join(dir, 'fake.json.gz');
    await writeFile(file, '{"Records": []}');
    await expect(collect([file])).rejects.toThrow(`${file}: not a readable CloudTrail log file`);
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
    await expect(read()).rejects.toThrow(`${name}: not a readable CloudTrail log file`);
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
