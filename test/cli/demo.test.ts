import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { createDemoCommand, DEMO_USAGE } from '../../src/cli/demo';
import { startDemo } from '../../src/app/demo/start';
import { memoryIo, tempDir } from '../ipinsights/support';

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i += 1) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('demo command', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await tempDir();
  });

  afterEach(() => rm(cwd, { recursive: true, force: true }));

  it('exits 1 with one clear line when the port is in use (--port or PORT)', async () => {
    const { port, server } = await busyPort();
    try {
      const io = memoryIo({ cwd });
      await expect(main(['demo', '--port', String(port)], io)).resolves.toBe(1);
      expect(io.err()).toBe(
        `guardduty-chatops demo: port ${port} is already in use; pass --port or stop the other process\n`,
      );
      expect(io.out()).toBe('');

      const fromEnv = { ...memoryIo({ cwd }), env: { PORT: String(port) } };
      await expect(main(['demo', '--data', 'other'], fromEnv)).resolves.toBe(1);
      expect(fromEnv.err()).toBe(
        `guardduty-chatops demo: port ${port} is already in use; pass --port or stop the other process\n`,
      );
    } finally {
      server.close();
    }
  });

  it('exits 2 on bad usage, naming the argument', async () => {
    const io = memoryIo({ cwd });
    await expect(main(['demo', '--port', '70000'], io)).resolves.toBe(2);
    expect(io.err()).toBe(
      `guardduty-chatops demo: --port: "70000" is not a TCP port (0-65535) (${DEMO_USAGE})\n`,
    );
    const env = { ...memoryIo({ cwd }), env: { PORT: 'http' } };
    await expect(main(['demo'], env)).resolves.toBe(2);
    expect(env.err()).toBe(
      `guardduty-chatops demo: PORT: "http" is not a TCP port (0-65535) (${DEMO_USAGE})\n`,
    );
    const extra = memoryIo({ cwd });
    await expect(main(['demo', 'now'], extra)).resolves.toBe(2);
    expect(extra.err()).toMatch(/^guardduty-chatops demo: Unexpected argument 'now'/);
    const help = memoryIo({ cwd });
    await expect(main(['demo', '--help'], help)).resolves.toBe(0);
    expect(help.out()).toBe(`${DEMO_USAGE}\n`);
  });

  it('prints the URL and what to try, serves until stopped, then stops cleanly', async () => {
    let stop: (signal: string) => void = () => undefined;
    const command = createDemoCommand({
      untilStopped: () => new Promise((resolve) => (stop = resolve)),
      start: startDemo,
    });
    const io = memoryIo({ cwd });
    const exit = command(['--port', '0', '--data', 'sandbox'], io);
    await waitFor(() => io.out().includes('Ctrl-C'), 'the banner');

    const url = /^Open (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(io.out())?.[1];
    expect(url).toBeDefined();
    expect((await fetch(url!)).status).toBe(200);
    expect(io.out()).toContain(
      `  Store        ${join(cwd, 'sandbox', 'store')} (embedded, kept between runs)\n`,
    );
    expect(io.out()).toContain(
      '  AWS          dry run: remediation shows the AWS calls it would make and makes none (--live to call AWS)\n',
    );
    expect(io.out()).toMatch(
      / {2}Findings {5}posted \d+ sample findings to #security; \d+ Low ones are in today's digest\n/,
    );
    expect(io.out()).toContain(
      '  - as alice, click "Disable access key" on the dev-alice finding and confirm\n',
    );

    stop('SIGINT');
    await expect(exit).resolves.toBe(0);
    expect(io.out()).toMatch(/SIGINT: stopping the demo\n$/);
    expect(io.err()).toBe('');
    await expect(fetch(url!)).rejects.toThrow();
  });
});
