import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  FlowLogStats,
  flowLogTextTuples,
  flowLogTuples,
  headerFields,
  type FlowLogOptions,
  type FlowTuple,
  type NetworkInterface,
} from '../../src/ipinsights/flowLogs';
import { ipv4ToNumber } from '../../src/ipinsights/ip';
import { seededRandom } from '../../src/ipinsights/random';
import { MemoryStorage, tempDir } from './support';

/** Lines in the formats VPC Flow Logs write (the AWS documentation's examples, addresses adapted). */
const DEFAULT_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const DEFAULT_LINES = [
  // Inbound SSH from the internet to the instance's private address: accepted.
  '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
  // East-west traffic between two private addresses.
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.16.139 49761 3389 6 20 4249 1418530010 1418530070 ACCEPT OK',
  // Rejected inbound RDP.
  '2 123456789010 eni-1235b8ca123456789 198.51.100.7 172.31.16.139 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
  // No traffic in the window, and records skipped by capacity.
  '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
  '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA',
  // Outbound HTTPS to the internet.
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 54.239.28.85 40112 443 6 12 3120 1418530010 1418530070 ACCEPT OK',
  // IPv6.
  '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK',
  // The instance metadata service.
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 169.254.169.254 40114 80 6 4 320 1418530010 1418530070 ACCEPT OK',
  // An interface of no instance (a NAT gateway's, say).
  '2 123456789010 eni-0f0f0f0f0f0f0f0f0 172.31.0.5 52.95.110.1 40112 443 6 12 3120 1418530010 1418530070 ACCEPT OK',
];
const ENIS: NetworkInterface[] = [
  {
    interfaceId: 'eni-1235b8ca123456789',
    instanceId: 'i-0abcd1234ef567890',
    privateIps: ['172.31.16.139'],
  },
  { interfaceId: 'eni-0f0f0f0f0f0f0f0f0', privateIps: ['172.31.0.5'] },
];

const CUSTOM_HEADER =
  'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction';
const CUSTOM_LINES = [
  // Through a load balancer: srcaddr is the balancer, pkt-srcaddr the real client.
  '5 vpc-12345678 subnet-012345678 i-0123456789abcdef0 eni-1235b8ca123456789 123456789010 IPv4 10.0.1.17 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK ingress',
  '5 vpc-12345678 subnet-012345678 i-0123456789abcdef0 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 198.51.100.23 44321 443 10.0.0.62 198.51.100.23 6 840 10 1566848875 1566848933 ACCEPT 2 OK egress',
  // East-west, with a direction.
  '5 vpc-12345678 subnet-012345678 i-0123456789abcdef0 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 10.0.3.9 44321 5432 10.0.0.62 10.0.3.9 6 840 10 1566848875 1566848933 ACCEPT 2 OK egress',
  // An interface that is not an instance's.
  '5 vpc-12345678 subnet-012345678 - eni-0f0f0f0f0f0f0f0f0 123456789010 IPv4 10.0.0.9 52.95.110.1 44321 443 10.0.0.9 52.95.110.1 6 840 10 1566848875 1566848933 ACCEPT 2 OK egress',
];

const lister = (enis: NetworkInterface[], calls: { count: number } = { count: 0 }) => ({
  async *list() {
    calls.count++;
    yield* enis;
    await Promise.resolve();
  },
});

async function collect(paths: string[], options: FlowLogOptions = {}) {
  const stats = new FlowLogStats();
  const tuples: FlowTuple[] = [];
  for await (const tuple of flowLogTuples(paths, stats, options)) tuples.push(tuple);
  return { stats, tuples };
}

const pair = (entity: string, ip: string) => ({ entity, ip: ipv4ToNumber(ip) });

describe('flowLogTuples', () => {
  it('reads the default format: accepted flows, the remote side, instances from the ENI list', async () => {
    const dir = await tempDir();
    const file = join(
      dir,
      '123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20261120T0910Z_1a2b3c4d.log.gz',
    );
    await writeFile(file, gzipSync(`${DEFAULT_HEADER}\n${DEFAULT_LINES.join('\n')}\n`));
    const calls = { count: 0 };
    const { stats, tuples } = await collect([dir], { interfaces: lister(ENIS, calls) });
    expect(tuples).toEqual([
      pair('i-0abcd1234ef567890', '203.0.113.12'),
      pair('i-0abcd1234ef567890', '54.239.28.85'),
    ]);
    expect(stats).toMatchObject({ files: 1, records: 9, ipv4: 2, ipv6: 1, unreadable: [] });
    expect(stats.skipped).toEqual({
      'not-ok': 2,
      rejected: 1,
      'no-instance': 1,
      'direction-unknown': 0,
      'private-peer': 1,
      'not-unicast': 1,
      'not-an-ip': 0,
      'sampled-out': 0,
    });
    expect(calls.count).toBe(1);
  });

  it('reads default-format lines without a header line, as CloudWatch exports give them', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'flows.log'), DEFAULT_LINES.slice(0, 1).join('\n'));
    const { tuples } = await collect([dir], { interfaces: lister(ENIS) });
    expect(tuples).toEqual([pair('i-0abcd1234ef567890', '203.0.113.12')]);
  });

  it('reads a custom format by its header: instance-id, pkt-srcaddr and flow-direction, no ENI lookup', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'custom.log'), `${CUSTOM_HEADER}\n${CUSTOM_LINES.join('\n')}\n`);
    const calls = { count: 0 };
    const { stats, tuples } = await collect([dir], { interfaces: lister(ENIS, calls) });
    expect(tuples).toEqual([
      pair('i-0123456789abcdef0', '52.213.180.42'),
      pair('i-0123456789abcdef0', '198.51.100.23'),
    ]);
    expect(stats.skipped).toMatchObject({ 'private-peer': 1, 'no-instance': 1 });
    expect(calls.count).toBe(0);
  });

  it('keeps RFC 1918 peers when configured, if it can tell the direction', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'custom.log'), `${CUSTOM_HEADER}\n${CUSTOM_LINES.join('\n')}\n`);
    const { tuples } = await collect([dir], { includePrivatePeers: true });
    expect(tuples).toContainEqual(pair('i-0123456789abcdef0', '10.0.3.9'));
  });

  it('without the ENI list, a format without instance-id yields no pairs and says why', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'flows.log'), `${DEFAULT_HEADER}\n${DEFAULT_LINES[0] ?? ''}\n`);
    const { stats, tuples } = await collect([dir]);
    expect(tuples).toEqual([]);
    expect(stats.skipped['no-instance']).toBe(1);
  });

  it('samples accepted records deterministically for a seed', async () => {
    const dir = await tempDir();
    const lines = Array.from(
      { length: 1000 },
      (_, i) =>
        `2 123456789010 eni-1235b8ca123456789 203.0.${i % 250}.1 172.31.16.139 1 22 6 1 1 1 2 ACCEPT OK`,
    );
    await writeFile(join(dir, 'flows.log'), lines.join('\n'));
    const run = () =>
      collect([dir], { interfaces: lister(ENIS), sample: 0.1, random: seededRandom(4) });
    const first = await run();
    expect(first.tuples.length).toBeGreaterThan(60);
    expect(first.tuples.length).toBeLessThan(140);
    expect(first.stats.skipped['sampled-out']).toBe(1000 - first.tuples.length);
    expect((await run()).tuples).toEqual(first.tuples);
  });

  it('skips a file it cannot read, or whose lines do not fit its format, naming it', async () => {
    const dir = await tempDir();
    const good = gzipSync(`${DEFAULT_HEADER}\n${DEFAULT_LINES[0] ?? ''}\n`);
    await writeFile(join(dir, 'a.log.gz'), good.subarray(0, good.length - 10));
    await writeFile(join(dir, 'b.log'), `${DEFAULT_HEADER}\n2 123 eni-1 1.2.3.4\n`);
    await writeFile(join(dir, 'c.log'), 'version srcport\n2 22\n');
    await writeFile(join(dir, 'd.log.gz'), good);
    const { stats, tuples } = await collect([dir], { interfaces: lister(ENIS) });
    expect(tuples).toEqual([pair('i-0abcd1234ef567890', '203.0.113.12')]);
    expect(stats.unreadable).toEqual([
      { name: join(dir, 'a.log.gz'), reason: 'unexpected end of file' },
      { name: join(dir, 'b.log'), reason: 'line 2: 4 fields, the format has 14' },
      { name: join(dir, 'c.log'), reason: 'the format has no srcaddr/dstaddr fields' },
    ]);
    await expect(collect([dir], { interfaces: lister(ENIS), strict: true })).rejects.toThrow(
      `${join(dir, 'a.log.gz')}: unexpected end of file`,
    );
  });

  it('lists and reads flow logs under an s3:// prefix', async () => {
    const storage = new MemoryStorage();
    await storage.write(
      {
        bucket: 'flow-logs',
        key: 'AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/20/x.log.gz',
      },
      gzipSync(`${CUSTOM_HEADER}\n${CUSTOM_LINES[1] ?? ''}\n`),
    );
    const { tuples } = await collect(['s3://flow-logs/AWSLogs/123456789010/vpcflowlogs/'], {
      storage,
    });
    expect(tuples).toEqual([pair('i-0123456789abcdef0', '198.51.100.23')]);
  });
});

describe('headerFields', () => {
  it('reads a header line, with or without ${…}, and tells a record from it', () => {
    expect(headerFields('version ${account-id} interface-id')).toEqual([
      'version',
      'account-id',
      'interface-id',
    ]);
    expect(headerFields(DEFAULT_LINES[0] ?? '')).toBeUndefined();
  });
});

describe('flowLogTextTuples', () => {
  it('reads one file of text with the same rules, the ENIs given as a list', () => {
    const stats = new FlowLogStats();
    const tuples = flowLogTextTuples(DEFAULT_LINES.join('\n'), stats, { interfaces: ENIS });
    expect(tuples).toEqual([
      pair('i-0abcd1234ef567890', '203.0.113.12'),
      pair('i-0abcd1234ef567890', '54.239.28.85'),
    ]);
    expect(stats).toMatchObject({ files: 1, records: 9, ipv4: 2, ipv6: 1 });
  });
});
