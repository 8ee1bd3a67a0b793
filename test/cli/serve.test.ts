import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createServeCommand } from '../../src/cli/serve';
import { localSlackIo, memoryIo } from '../helpers/cliIo';

let slack: LocalSlack;
let dir: string;

beforeEach(async () => {
  slack = await startLocalSlack({ channels: ['C0SECURITY'] });
  dir = await mkdtemp(join(tmpdir(), 'serve-'));
});
afterEach(() => slack.close());

function io(env: NodeJS.ProcessEnv = {}) {
  return localSlackIo(slack, dir, {
    RESPONDERS: 'U0ALICE',
    DRY_RUN: 'true',
    PORT: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...env,
  });
}

/** A stop signal the test gives when it is done with the server. */
function stopper() {
  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  return { untilStopped: () => stopped, stop };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('guardduty-chatops serve', () => {
  it('serves /guardduty and the buttons over HTTP until stopped', async () => {
    const control = stopper();
    const cli = io();
    const exit = createServeCommand(control)([], cli);
    await until(() => cli.out().includes('listening on'), 'the server');
    const url = /listening on (\S+) \(dry run: AWS calls are planned, not made\)\n/.exec(
      cli.out(),
    )?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/events$/);
    slack.setEventsUrl(url!);

    const help = await slack.runSlashCommand({
      user: 'U0ALICE',
      channel: 'C0SECURITY',
      text: 'help',
    });
    expect(help.status).toBe(200);
    expect(help.body).toContain('/guardduty list');

    // The operator sees a forged request in the server's output.
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const forged = await slack.runSlashCommand({
        user: 'U0ALICE',
        channel: 'C0SECURITY',
        text: 'help',
        request: { signingSecret: 'forged' },
      });
      expect(forged.status).toBe(401);
      expect(warnings.mock.calls.flat().join(' ')).toContain('signature mismatch');
    } finally {
      warnings.mockRestore();
    }

    control.stop('SIGTERM');
    expect(await exit).toBe(0);
    expect(cli.out()).toMatch(/SIGTERM: stopping\n$/);
  });

  it('exits 1 with one line when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const cli = io({ PORT: String(port) });
      expect(await createServeCommand(stopper())([], cli)).toBe(1);
      expect(cli.err()).toBe(
        `guardduty-chatops serve: port ${port} is already in use; set PORT or stop the other process\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits 2 naming what is missing, and on an unknown option', async () => {
    const cli = memoryIo({ cwd: dir });
    await expect(createServeCommand(stopper())([], cli)).rejects.toThrow(
      'invalid configuration: SLACK_SIGNING_SECRET: missing (the Slack app signing secret)',
    );
    await expect(createServeCommand(stopper())(['--port', '1'], io())).rejects.toThrow(/--port/);
  });
});
