import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { version } from '../../package.json';
import { main } from '../../src/cli/main';
import { memoryIo } from '../helpers/cliIo';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cli-main-'));
});

async function run(args: string[]) {
  const io = memoryIo({ cwd });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('the command line, the same for every command', () => {
  it('prints the usage to stderr and exits 2 when no command is given', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.out).toBe('');
    expect(bare.err).toMatch(/^usage: guardduty-chatops <command> \[options\]\n/);
  });

  it('prints the usage to stdout for --help, -h and help, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const help = await run([flag]);
      expect([help.code, help.err]).toEqual([0, '']);
      expect(help.out).toMatch(/^usage: guardduty-chatops <command>/);
      expect(help.out).toContain('--version');
    }
  });

  it('prints the version for --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await run([flag])).toEqual({
        code: 0,
        out: `guardduty-chatops ${version}\n`,
        err: '',
      });
    }
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['serve', 'demo', 'post', 'train', 'score', 'audit'])(
    '%s --help and -h print its usage to stdout, exit 0, and run nothing',
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const help = await run([command, flag]);
        expect(help).toEqual({
          code: 0,
          out: expect.stringMatching(/^usage: /) as string,
          err: '',
        });
      }
    },
  );

  it.each([
    [
      ['train', '--tuples', 'x.csv', '--out', 'm.ipim', '--epochs', '-1'],
      /--epochs: Too small: expected number to be >=1/,
      /1/,
    ],
    [
      ['audit', 'list', '--limit', '-5'],
      /--limit: must be a whole number from 1 to 10000, got "-5"/,
      /-5/,
    ],
    [['demo', '--port', '-1'], /--port: "-1" is not a TCP port \(0-65535\)/, /-1/],
  ])('answers a negative value with a range error, not "ambiguous": %j', async (args, range) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(range);
    expect(result.err).not.toMatch(/ambiguous/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });
});
