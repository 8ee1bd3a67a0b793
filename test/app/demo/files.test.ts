import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSlack } from '@guardduty-chatops/slack-sandbox';
import { silentLog, type Log } from '../../../src/shared/log';
import { CREDENTIALS_FILE, loadOrCreateCredentials } from '../../../src/app/demo/credentials';
import { DemoDataError } from '../../../src/app/demo/errors';
import { HistoryFile, keepHistory } from '../../../src/app/demo/history';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-files-'));
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('demo credentials', () => {
  it('are made from the random source on first start, private, and reused afterwards', async () => {
    let calls = 0;
    const random = (size: number) => Buffer.alloc(size, ++calls);
    const created = await loadOrCreateCredentials(dir, random);
    expect(created).toEqual({
      signingSecret: '01'.repeat(32),
      botToken: `xoxb-local-${'02'.repeat(24)}`,
    });
    expect((await stat(join(dir, CREDENTIALS_FILE))).mode & 0o777).toBe(0o600);
    await expect(loadOrCreateCredentials(dir, random)).resolves.toEqual(created);
    expect(calls).toBe(2);
  });

  it('refuse a file that is not theirs, naming it', async () => {
    await writeFile(join(dir, CREDENTIALS_FILE), '{"signingSecret":"short"}');
    await expect(loadOrCreateCredentials(dir)).rejects.toThrow(
      new DemoDataError(
        `${join(dir, CREDENTIALS_FILE)}: not demo credentials; delete it to make new ones`,
      ),
    );
  });
});

describe('the saved channel history', () => {
  it('is nothing before the first save', async () => {
    await expect(new HistoryFile(join(dir, 'slack.json')).read()).resolves.toBeUndefined();
  });

  it('follows every message change and reads back as the local Slack restores it', async () => {
    const file = new HistoryFile(join(dir, 'slack.json'));
    const slack = await startLocalSlack({ channels: ['C0SECURITY'] });
    const keeper = keepHistory(slack, file, silentLog);
    try {
      const post = (text: string) =>
        fetch(`${slack.apiUrl}chat.postMessage`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${slack.botToken}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ channel: 'C0SECURITY', text }),
        });
      await Promise.all([post('one'), post('two'), post('three')]);
      await keeper.flush();
      expect(await file.read()).toEqual(slack.history());
      expect((await file.read())?.[0]?.messages.map((m) => m.text).sort()).toEqual([
        'one',
        'three',
        'two',
      ]);
    } finally {
      await keeper.stop();
      await slack.close();
    }
  });

  it('logs a failed save and saves again at the next change', async () => {
    const errors: unknown[] = [];
    const log: Log = {
      ...silentLog,
      error: (message, attributes) => errors.push({ message, attributes }),
    };
    const file = new HistoryFile(join(dir, 'missing-folder', 'slack.json'));
    const slack = await startLocalSlack({ channels: ['C0SECURITY'] });
    const keeper = keepHistory(slack, file, log);
    try {
      slack.workspace.postMessage('C0SECURITY', { text: 'x' });
      await keeper.flush();
      expect(errors).toEqual([
        {
          message: 'could not save the channel history',
          attributes: { path: file.path, error: expect.stringContaining('ENOENT') as unknown },
        },
      ]);
      await mkdir(join(dir, 'missing-folder'));
      slack.workspace.postMessage('C0SECURITY', { text: 'y' });
      await keeper.flush();
      expect(await file.read()).toEqual(slack.history());
      expect(errors).toHaveLength(1);
    } finally {
      await keeper.stop();
      await slack.close();
    }
  });

  it('refuses a damaged file, naming the file and the field', async () => {
    const path = join(dir, 'slack.json');
    await writeFile(
      path,
      '{"version":1,"channels":[{"id":"C1","name":"x","messages":[{"type":"message","ts":"now","text":"","team":"T"}]}]}',
    );
    await expect(new HistoryFile(path).read()).rejects.toThrow(
      new DemoDataError(
        `${path}: channels.0.messages.0.ts: Invalid string: must match pattern /^\\d+\\.\\d{6}$/; delete the data folder to start over`,
      ),
    );
    await writeFile(path, '{"version":1,');
    await expect(new HistoryFile(path).read()).rejects.toThrow(
      new DemoDataError(`${path}: not JSON; delete the data folder to start over`),
    );
    expect(await readFile(path, 'utf8')).toBe('{"version":1,');
  });
});
