import { readdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { createTrainCommand } from '../../src/cli/train';
import { writeCloudTrailFiles } from '../../src/app/demo/trainDemoModel';
import { loadModel } from '../../src/ipinsights/modelStore';
import { seededRandom } from '../../src/ipinsights/random';
import { generateSyntheticCloudTrail } from '../../src/app/demo/syntheticCloudTrail';
import { MemoryStorage, memoryIo, tempDir } from '../ipinsights/support';

const NOW = new Date('2026-11-25T08:00:00Z');
let clock = 0;
const noEc2 = () => Promise.reject(new Error('EC2 must not be called'));
const train = (storage = new MemoryStorage()) =>
  createTrainCommand({
    storage: () => Promise.resolve(storage),
    interfaces: noEc2,
    sageMaker: () => Promise.reject(new Error('SageMaker must not be called')),
    sleep: () => Promise.resolve(),
    now: () => NOW,
    elapsedMs: () => (clock += 250),
  });

async function trail(): Promise<string> {
  const cwd = await tempDir();
  const files = generateSyntheticCloudTrail({ end: NOW, days: 2, extraUsers: 3 }, seededRandom(9));
  await writeCloudTrailFiles(join(cwd, 'logs'), files);
  return cwd;
}

describe('train command', () => {
  it('trains from a CloudTrail folder tree and prints a summary', async () => {
    const cwd = await trail();
    const io = memoryIo({ cwd });
    await expect(
      train()(
        ['--cloudtrail', 'logs', '--out', 'model.ipim', '--epochs', '3', '--vector_dim', '8'],
        io,
      ),
    ).resolves.toBe(0);
    const model = await loadModel(join(cwd, 'model.ipim'));
    expect(model.hyperparameters).toMatchObject({ epochs: 3, vector_dim: 8 });
    expect(model.metadata.trainedAt).toBe('2026-11-25T08:00:00.000Z');
    const summary = io.out().split('\n');
    expect(summary[0]).toMatch(
      /^tuples read {3}[\d,]+ from \d+ files; skipped [\d,]+ calls by AWS services \(source \*\.amazonaws\.com\), [\d,]+ calls with source "AWS Internal" \(console and AWS-internal calls, no address\), [\d,]+ IPv6, not trained$/,
    );
    expect(summary[0]).toContain(`${model.metadata.trainingPairs.toLocaleString('en-US')} from`);
    expect(summary[1]).toBe(`entities      ${model.metadata.entityCount}`);
    expect(summary[2]).toMatch(/^epochs {8}3 \(loss \d\.\d{4} → \d\.\d{4}\)$/);
    expect(summary[3]).toBe('time          0.3 s reading, 0.3 s training');
    expect(summary[4]).toMatch(/^model {9}model\.ipim \(\d+\.\d MB, format v3\)$/);
    expect(io.err()).toBe('');
  });

  it('draws a progress bar on a terminal', async () => {
    const cwd = await trail();
    const io = memoryIo({ cwd, interactive: true });
    await train()(['--cloudtrail', 'logs', '--out', 'model.ipim', '--epochs', '2'], io);
    expect(io.err()).toContain('[############------------] epoch 1/2 50% loss ');
    expect(io.err()).toContain('[########################] epoch 2/2 100% loss ');
  });

  it('trains from a tuples CSV and writes the model to s3://', async () => {
    const cwd = await tempDir();
    const lines = Array.from({ length: 300 }, (_, i) => `user-${i % 3},10.${i % 3}.0.${i % 250}`);
    await writeFile(
      join(cwd, 'pairs.csv'),
      `${lines.join('\n')}\nuser-1,2001:db8::1\nuser-2,10.2.0.07\nuser-2,10.2.0.256\n`,
    );
    const storage = new MemoryStorage();
    const io = memoryIo({ cwd });
    await expect(
      train(storage)(
        ['--tuples', 'pairs.csv', '--out', 's3://models/m.ipim', '--num_ip_vectors', '1024'],
        io,
      ),
    ).resolves.toBe(0);
    expect(io.out().split('\n')[0]).toBe(
      'tuples read   300 from 1 file; skipped 1 IPv4 with a leading zero (octal or decimal is ambiguous), 1 source not an IP address, 1 IPv6, not trained',
    );
    expect(storage.objects.get('s3://models/m.ipim')?.subarray(0, 4).toString()).toBe('IPIM');
  });

  it.each([
    [
      ['--out', 'm.ipim'],
      'give either --cloudtrail PATH... and/or --flow-logs PATH..., or --tuples FILE.csv',
    ],
    [
      ['--tuples', 'a.csv', '--cloudtrail', 'logs', '--out', 'm.ipim'],
      'give either --cloudtrail PATH... and/or --flow-logs PATH..., or --tuples FILE.csv',
    ],
    [
      ['--flow-logs', 'f', '--out', 'm.ipim', '--sample', '0'],
      '--sample: a share of records to keep, in (0, 1]: "0"',
    ],
    [['--tuples', 'a.csv'], 'missing --out MODEL'],
    [['--tuples', 'a.csv', '--out', 'm.ipim', '--epochs', 'ten'], '--epochs: not a number: "ten"'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const io = memoryIo({ cwd: await tempDir() });
    await expect(main(['train', ...args], io)).resolves.toBe(2);
    expect(io.err()).toContain(`guardduty-chatops train: ${message}`);
  });

  it('exits 2 on an out-of-range hyperparameter, naming it', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'pairs.csv'), 'a,10.0.0.1\n');
    const io = memoryIo({ cwd });
    await expect(
      main(['train', '--tuples', 'pairs.csv', '--out', 'm.ipim', '--vector_dim', '2'], io),
    ).resolves.toBe(2);
    expect(io.err()).toMatch(/^guardduty-chatops train: --vector_dim: .*4/);
  });

  it('exits 2 naming the malformed CSV line and writes no model', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'pairs.csv'), 'a,10.0.0.1\nb,10.0.0.2,x\n');
    const io = memoryIo({ cwd });
    await expect(main(['train', '--tuples', 'pairs.csv', '--out', 'm.ipim'], io)).resolves.toBe(2);
    expect(io.err()).toBe(
      'guardduty-chatops train: pairs.csv:2: expected "entity,ip", got "b,10.0.0.2,x"\n',
    );
    await expect(readFile(join(cwd, 'm.ipim'))).rejects.toThrow('ENOENT');
  });

  it('exits 2 when the input has no usable pairs', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'trail.json'),
      JSON.stringify({ Records: [{ sourceIPAddress: 'AWS Internal' }] }),
    );
    const io = memoryIo({ cwd });
    await expect(
      main(['train', '--cloudtrail', 'trail.json', '--out', 'm.ipim'], io),
    ).resolves.toBe(2);
    expect(io.err()).toBe(
      'guardduty-chatops train: no (entity, IPv4) pairs in the input (0 from 1 file; skipped 1 calls with source "AWS Internal" (console and AWS-internal calls, no address))\n',
    );
  });

  it('exits 2 naming a CloudTrail path that does not exist', async () => {
    const cwd = await tempDir();
    const io = memoryIo({ cwd });
    await expect(main(['train', '--cloudtrail', 'nowhere', '--out', 'm.ipim'], io)).resolves.toBe(
      2,
    );
    expect(io.err()).toBe(
      `guardduty-chatops train: no such file or folder: ${join(cwd, 'nowhere')}\n`,
    );
  });

  it('skips an unreadable file among good ones, names it in the summary and writes the model', async () => {
    const cwd = await trail();
    await writeFile(
      join(cwd, 'logs', 'truncated.json.gz'),
      gzipSync('{"Records": [').subarray(0, 12),
    );
    await writeFile(join(cwd, 'logs', 'notes.json'), 'not json at all');
    await writeFile(join(cwd, 'logs', 'other.json'), '{"hello": "world"}');
    const io = memoryIo({ cwd });
    await expect(
      train()(['--cloudtrail', 'logs', '--out', 'model.ipim', '--epochs', '1'], io),
    ).resolves.toBe(0);
    const summary = io.out().split('\n');
    expect(summary[1]).toBe(
      `files skipped 2 files unreadable: ${join(cwd, 'logs', 'notes.json')} (not JSON (Unexpected token 'o', "not json at all" is not valid JSON)); ${join(cwd, 'logs', 'truncated.json.gz')} (unexpected end of file)`,
    );
    expect(summary[2]).toBe(
      `no records    1 file not empty but held no CloudTrail record: ${join(cwd, 'logs', 'other.json')}`,
    );
    await expect(loadModel(join(cwd, 'model.ipim'))).resolves.toBeDefined();
  });

  it('with --strict, stops at the first unreadable file and writes no model', async () => {
    const cwd = await trail();
    await writeFile(join(cwd, 'logs', 'notes.json'), 'not json at all');
    const io = memoryIo({ cwd });
    await expect(
      main(['train', '--cloudtrail', 'logs', '--out', 'model.ipim', '--strict'], io),
    ).resolves.toBe(2);
    expect(io.err()).toBe(
      `guardduty-chatops train: ${join(cwd, 'logs', 'notes.json')}: not JSON (Unexpected token 'o', "not json at all" is not valid JSON)\n`,
    );
    await expect(readFile(join(cwd, 'model.ipim'))).rejects.toThrow('ENOENT');
  });

  it.each([
    [
      'a missing folder',
      'no/such/model.ipim',
      (cwd: string) => `no such folder ${join(cwd, 'no', 'such')}`,
    ],
    ['a folder', '.', () => 'it is a folder'],
  ])('checks --out before reading anything: %s', async (_name, out, reason) => {
    const cwd = await tempDir();
    const io = memoryIo({ cwd });
    await expect(main(['train', '--cloudtrail', 'nowhere', '--out', out], io)).resolves.toBe(2);
    expect(io.err()).toBe(
      `guardduty-chatops train: cannot write the model to ${join(cwd, out)}: ${reason(cwd)}\n`.replace(
        `${join(cwd, '.')}:`,
        `${cwd}:`,
      ),
    );
    await expect(readdir(cwd)).resolves.toEqual([]);
  });

  it('trains principals from CloudTrail and instances from flow logs into one model', async () => {
    const cwd = await trail();
    const flows = [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      ...Array.from(
        { length: 200 },
        (_, i) =>
          `2 123456789012 eni-0a1b2c3d4e5f60718 172.31.16.139 52.94.${i % 4}.${i % 250} 40112 443 6 12 3120 1418530010 1418530070 ACCEPT OK`,
      ),
      '2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.7 172.31.16.139 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
    ];
    await writeFile(join(cwd, 'flows.log'), `${flows.join('\n')}\n`);
    await writeFile(join(cwd, 'enis.csv'), 'eni-0a1b2c3d4e5f60718,i-0abcd1234ef567890\n');
    const io = memoryIo({ cwd });
    await expect(
      train()(
        [
          '--cloudtrail',
          'logs',
          '--flow-logs',
          'flows.log',
          '--eni-map',
          'enis.csv',
          '--out',
          'model.ipim',
          '--epochs',
          '2',
        ],
        io,
      ),
    ).resolves.toBe(0);
    const summary = io.out().split('\n');
    expect(summary[1]).toBe('flow logs     200 from 1 file; skipped 1 rejected flows');
    const model = await loadModel(join(cwd, 'model.ipim'));
    expect(model.isKnownEntity('i-0abcd1234ef567890')).toBe(true);
    expect(model.isKnownEntity('AIDA123456789EXAMPLE')).toBe(true);
  });
});

describe('train --out s3://… with no AWS region', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    // No profile either: the SDK finds no region anywhere.
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails with one line before reading or training, not with "Region is missing" after', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'pairs.csv'), 'AIDAEXAMPLE,198.51.100.7\n');
    const io = memoryIo({ cwd });
    await expect(
      main(['train', '--tuples', 'pairs.csv', '--out', 's3://models/m.ipim'], io),
    ).resolves.toBe(2);
    expect(io.err()).toBe(
      'guardduty-chatops train: no AWS region for S3: set AWS_REGION, or a region in your AWS profile\n',
    );
    expect(io.out()).toBe('');
  });
});
