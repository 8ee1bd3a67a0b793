import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { createScoreCommand } from '../../src/cli/score';
import { trainDemoModel } from '../../src/app/demo/trainDemoModel';
import { saveModel } from '../../src/ipinsights/modelStore';
import { MemoryStorage, memoryIo, tempDir } from '../ipinsights/support';

const { model } = trainDemoModel({ now: () => new Date('2026-11-25T08:00:00Z') });

async function workspace() {
  const cwd = await tempDir();
  await saveModel(model, join(cwd, 'model.ipim'));
  return cwd;
}

describe('score command', () => {
  it('scores entity,ip lines from a file: raw dot products, higher = more usual', async () => {
    const cwd = await workspace();
    await writeFile(
      join(cwd, 'pairs.csv'),
      'entity,ip\nAIDA123456789EXAMPLE,100.20.7.7\nAIDA123456789EXAMPLE,203.0.113.77\n',
    );
    const io = memoryIo({ cwd });
    await expect(main(['score', '--model', 'model.ipim', 'pairs.csv'], io)).resolves.toBe(0);
    const [header, ...lines] = io.out().trimEnd().split('\n');
    expect(header).toBe('entity,ip,score,status');
    expect(lines).toHaveLength(2);
    const [usual, unusual] = lines.map((line) => line.split(','));
    expect(usual?.[3]).toBe('scored');
    expect(usual?.slice(0, 2)).toEqual(['AIDA123456789EXAMPLE', '100.20.7.7']);
    expect(unusual?.slice(0, 2)).toEqual(['AIDA123456789EXAMPLE', '203.0.113.77']);
    expect(Number(usual?.[2])).toBeGreaterThan(Number(unusual?.[2]));
    expect(usual?.[2]).toBe(model.scoreIpv4('AIDA123456789EXAMPLE', 0x64140707).toFixed(6));
    expect(io.err()).toBe('');
  });

  it('reads stdin when no file is given and marks IPv6 unscored', async () => {
    const io = memoryIo({
      cwd: await workspace(),
      stdin: 'GeneratedFindingPrincipalId,2001:db8::5\n',
    });
    await expect(main(['score', '--model', 'model.ipim'], io)).resolves.toBe(0);
    expect(io.out()).toBe(
      'entity,ip,score,status\nGeneratedFindingPrincipalId,2001:db8::5,unscored,ipv6\n',
    );
  });

  it('scores a role session as its role, as training and the findings map it', async () => {
    const io = memoryIo({
      cwd: await workspace(),
      stdin:
        'AROA123456789EXAMPLE:i-0abcd1234ef567890,54.240.196.10\nAROA123456789EXAMPLE,54.240.196.10\n',
    });
    await expect(main(['score', '--model', 'model.ipim'], io)).resolves.toBe(0);
    const [, session, role] = io
      .out()
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    const expected = model.scoreIpv4('AROA123456789EXAMPLE', 0x36f0c40a).toFixed(6);
    expect(session).toEqual([
      'AROA123456789EXAMPLE:i-0abcd1234ef567890',
      '54.240.196.10',
      expected,
      'scored',
    ]);
    expect(role).toEqual(['AROA123456789EXAMPLE', '54.240.196.10', expected, 'scored']);
    expect(Number(expected)).not.toBe(0);
  });

  it('flags an entity the model never saw instead of printing a number', async () => {
    const io = memoryIo({ cwd: await workspace(), stdin: 'AIDANEVERSEENBEFORE1,100.20.7.7\n' });
    await expect(main(['score', '--model', 'model.ipim'], io)).resolves.toBe(0);
    expect(io.out()).toBe(
      'entity,ip,score,status\nAIDANEVERSEENBEFORE1,100.20.7.7,unscored,unknown_entity\n',
    );
  });

  it('exits 2 naming the malformed line', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'bad.csv'), 'alice,10.0.0.1\n\nalice;10.0.0.2\n');
    const io = memoryIo({ cwd });
    await expect(main(['score', '--model', 'model.ipim', 'bad.csv'], io)).resolves.toBe(2);
    expect(io.err()).toBe(
      'guardduty-chatops score: bad.csv:3: expected "entity,ip", got "alice;10.0.0.2"\n',
    );
  });

  it('leaves a bad or leading-zero IP unscored and goes on with the next line', async () => {
    const io = memoryIo({
      cwd: await workspace(),
      stdin:
        'AIDA123456789EXAMPLE,10.0.0.300\nAIDA123456789EXAMPLE,253.252.51.07\nAIDA123456789EXAMPLE,100.20.7.7\n',
    });
    await expect(main(['score', '--model', 'model.ipim'], io)).resolves.toBe(0);
    expect(io.out().split('\n').slice(1, 4)).toEqual([
      'AIDA123456789EXAMPLE,10.0.0.300,unscored,not_an_ip',
      'AIDA123456789EXAMPLE,253.252.51.07,unscored,leading_zero',
      `AIDA123456789EXAMPLE,100.20.7.7,${model.scoreIpv4('AIDA123456789EXAMPLE', 0x64140707).toFixed(6)},scored`,
    ]);
    expect(io.err()).toBe('');
  });

  it('exits 2 when the model is missing or not given', async () => {
    const cwd = await tempDir();
    const missing = memoryIo({ cwd, stdin: '' });
    await expect(main(['score', '--model', 'none.ipim'], missing)).resolves.toBe(2);
    expect(missing.err()).toBe(
      `guardduty-chatops score: model not found: ${join(cwd, 'none.ipim')}\n`,
    );
    const none = memoryIo({ cwd, stdin: '' });
    await expect(main(['score'], none)).resolves.toBe(2);
    expect(none.err()).toMatch(/^guardduty-chatops score: missing --model MODEL /);
  });

  it('exits 2 when the model file is not a model', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'pairs.csv'), 'alice,10.0.0.1\n');
    const io = memoryIo({ cwd });
    await expect(main(['score', '--model', 'pairs.csv'], io)).resolves.toBe(2);
    expect(io.err()).toBe(
      'guardduty-chatops score: not an IP Insights model file (no "IPIM" header)\n',
    );
  });

  it('exits 2 when the input file does not exist', async () => {
    const io = memoryIo({ cwd: await workspace() });
    await expect(main(['score', '--model', 'model.ipim', 'absent.csv'], io)).resolves.toBe(2);
    expect(io.err()).toBe(`guardduty-chatops score: no such file: ${join(io.cwd, 'absent.csv')}\n`);
  });

  it('loads an s3:// model through the S3 dependency', async () => {
    const storage = new MemoryStorage();
    await saveModel(model, 's3://models/ipinsights.ipim', storage);
    const io = memoryIo({ cwd: await tempDir(), stdin: 'AIDA123456789EXAMPLE,100.20.7.7\n' });
    const command = createScoreCommand({ storage: () => Promise.resolve(storage) });
    await expect(command(['--model', 's3://models/ipinsights.ipim'], io)).resolves.toBe(0);
    expect(io.out()).toMatch(
      /^entity,ip,score,status\nAIDA123456789EXAMPLE,100\.20\.7\.7,-?\d+\.\d{6},scored\n$/,
    );
  });
});
