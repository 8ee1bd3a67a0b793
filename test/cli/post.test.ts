import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { main } from '../../src/cli/main';
import { localSlackIo, memoryIo } from '../helpers/cliIo';
import {
  FIXTURE_DIR,
  fixtureFinding,
  fixtureNames,
  rawFinding,
  rawFixture,
} from '../../harness/fixtures';
import { sdkFixture } from '../../harness/sdkFindings';

let slack: LocalSlack;
let dir: string;

beforeEach(async () => {
  slack = await startLocalSlack({ channels: ['C0SECURITY'] });
  dir = await mkdtemp(join(tmpdir(), 'post-'));
});
afterEach(() => slack.close());

function io() {
  return localSlackIo(slack, dir, { MIN_SEVERITY: '0' });
}

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('guardduty-chatops post', () => {
  it('posts every Medium-and-above fixture, keeps Low ones for the digest, then changes nothing when run again', async () => {
    const names = fixtureNames();
    const files = names.map((name) => join(FIXTURE_DIR, name));
    const first = io();
    expect(await main(['post', ...files], first)).toBe(0);
    const lines = first.out().trim().split('\n');
    expect(lines).toHaveLength(files.length);
    for (const [i, line] of lines.entries()) {
      const finding = fixtureFinding(names[i]!);
      expect(line).toMatch(
        finding.severity < 4
          ? /^gathered\t[0-9a-f]+\troute default-low: waits for the digest of C0SECURITY$/
          : /^posted\t[0-9a-f]+\tts \d+\.\d{6}$/,
      );
    }
    const posted = names.filter((name) => fixtureFinding(name).severity >= 4).length;
    expect(first.err()).toBe('');
    expect(await readdir(join(dir, 'store'))).not.toHaveLength(0);

    const second = io();
    expect(await main(['post', ...files], second)).toBe(0);
    expect(
      second
        .out()
        .trim()
        .split('\n')
        .every((l) => l.startsWith('unchanged\t')),
    ).toBe(true);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(posted);
  });

  it('reports findings below MIN_SEVERITY without posting them', async () => {
    const cli = io();
    cli.env.MIN_SEVERITY = '7';
    const path = await file(
      'low.json',
      rawFixture('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
    );
    expect(await main(['post', path], cli)).toBe(0);
    expect(cli.out()).toBe(
      'below-threshold\tb2c3d4e5f60718293a4b5c6d7e8f90a1\tseverity 5 < MIN_SEVERITY 7\n',
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('routes by the file ROUTES_FILE names: a dropped finding is reported with its route and reason', async () => {
    const cli = io();
    cli.env.ROUTES_FILE = await file(
      'routes.yml',
      'routes:\n  - name: discovery\n    match: { type: "Discovery:*" }\n    drop: noisy in this account\n',
    );
    const path = await file(
      'f.json',
      rawFixture('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
    );
    expect(await main(['post', path], cli)).toBe(0);
    expect(cli.out()).toBe(
      'dropped\tb2c3d4e5f60718293a4b5c6d7e8f90a1\troute discovery: noisy in this account\n',
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('stops before posting anything on a bad routing file, with one line naming the rule and field', async () => {
    const cli = io();
    cli.env.ROUTES_FILE = await file(
      'routes.yml',
      'routes:\n  - name: ok\n    to: { page: true }\n  - name: typo\n    match: { severity: hgih }\n    to: { channels: C0SECURITY }\n',
    );
    const path = await file(
      'f.json',
      rawFixture('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
    );
    expect(await main(['post', path], cli)).toBe(2);
    expect(cli.err()).toBe(
      `guardduty-chatops post: routes (${cli.env.ROUTES_FILE}): rule 2 (typo), match.severity: must be low, medium, high or critical\n`,
    );
    expect(slack.calls).toHaveLength(0);
  });

  const good = () => rawFixture('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');

  it.each([
    [
      'not JSON',
      () => '{"source": "aws.guardduty",',
      /^guardduty-chatops post: bad\.json: not JSON, nor JSON lines \(one finding or event per line\): /,
    ],
    [
      'the wrong source',
      () => ({ ...good(), source: 'aws.ec2' }),
      /^guardduty-chatops post: bad\.json: read as a finding or EventBridge event: source: must be "aws\.guardduty", got "aws\.ec2"\n$/,
    ],
    [
      'a finding without id',
      () => {
        const finding = rawFinding('Recon_EC2_Portscan.json');
        delete finding.id;
        return finding;
      },
      /^guardduty-chatops post: bad\.json: read as a finding or EventBridge event: id: missing \(expected string\)\n$/,
    ],
    [
      'severity out of range',
      () => ({ ...rawFinding('Recon_EC2_Portscan.json'), severity: 42 }),
      /^guardduty-chatops post: bad\.json: read as a finding or EventBridge event: severity: must be between 0 and 10\n$/,
    ],
  ])(
    'exits 2 on %s with one line, posting and storing nothing',
    async (_label, content, message) => {
      await file('ok.json', good());
      await file('bad.json', content());
      const cli = io();
      expect(await main(['post', 'ok.json', 'bad.json'], cli)).toBe(2);
      expect(cli.err()).toMatch(message);
      expect(cli.err().trim().split('\n')).toHaveLength(1);
      expect(cli.out()).toBe('');
      expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
      await expect(readdir(join(dir, 'store'))).rejects.toThrow('ENOENT');
    },
  );

  it('exits 2 for a missing file, no files, an unknown option, or missing configuration', async () => {
    const cli = io();
    expect(await main(['post', 'nope.json'], cli)).toBe(2);
    expect(cli.err()).toBe('guardduty-chatops post: nope.json: cannot read (ENOENT)\n');
    const none = io();
    expect(await main(['post'], none)).toBe(2);
    expect(none.err()).toBe(
      'guardduty-chatops post: usage: post FILE...   (findings, EventBridge events or `aws guardduty get-findings` output; JSON or JSON lines)\n',
    );
    const option = io();
    expect(await main(['post', '--force', 'x.json'], option)).toBe(2);
    expect(option.err()).toBe('guardduty-chatops post: unknown option --force\n');
    const unconfigured = memoryIo({ cwd: dir });
    const path = await file('ok.json', good());
    expect(await main(['post', path], unconfigured)).toBe(2);
    expect(unconfigured.err()).toBe(
      'guardduty-chatops post: invalid configuration: SLACK_BOT_TOKEN: missing (the Slack bot token (xoxb-…)); SLACK_CHANNEL_ID: missing (the security channel findings go to)\n',
    );
  });

  it('posts `aws guardduty get-findings` output and JSON lines of events as they are', async () => {
    const cliOutput = JSON.stringify({ Findings: [sdkFixture('Recon_EC2_Portscan.json')] });
    const eventLines = [
      'Synthetic_Discovery_IAMUser_AnomalousBehavior.json',
      'Trojan_EC2_DropPoint.json',
    ]
      .map((name) => JSON.stringify(rawFixture(name)))
      .join('\n');
    await file('get-findings.json', cliOutput);
    await file('events.jsonl', eventLines);
    const cli = io();
    expect(await main(['post', 'get-findings.json', 'events.jsonl'], cli)).toBe(0);
    expect(
      cli
        .out()
        .split('\n')
        .filter((l) => l.startsWith('posted\t')),
    ).toHaveLength(3);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(3);
  });

  it('needs the bot token and channel only, not the signing secret', async () => {
    const path = await file('ok.json', good());
    const cli = io();
    delete cli.env.SLACK_SIGNING_SECRET;
    expect(await main(['post', path], cli)).toBe(0);
    expect(cli.err()).toBe('');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('names the URL it tried when Slack cannot be reached', async () => {
    const path = await file('ok.json', good());
    const cli = io();
    const url = `http://127.0.0.1:${slack.port}/api/`;
    await slack.close();
    expect(await main(['post', path], cli)).toBe(1);
    expect(cli.err()).toMatch(
      new RegExp(
        `^guardduty-chatops post: could not reach Slack at ${url.replace(/[.]/g, '\\.')}chat\\.postMessage: .+\n$`,
      ),
    );
  });

  it('prints its usage for --help and -h, exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const cli = memoryIo({ cwd: dir });
      expect(await main(['post', flag], cli)).toBe(0);
      expect(cli.out()).toMatch(/^usage: post FILE\.\.\./);
      expect(cli.err()).toBe('');
    }
  });

  it('exits 1 when Slack fails, after retrying', async () => {
    const path = await file('ok.json', good());
    slack.failNext('chat.postMessage', { status: 500 }, { times: 10 });
    const cli = io();
    expect(await main(['post', path], cli)).toBe(1);
    expect(cli.err()).toMatch(/^guardduty-chatops post: .+\n$/);
  });
});
