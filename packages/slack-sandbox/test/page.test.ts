import { request as httpRequest } from 'node:http';
import {
  createSandboxPage,
  LocalSlackUsageError,
  startLocalSlack,
  type Badge,
  type LocalSlack,
  type SandboxPageOptions,
  type SidePanel,
} from '../src';

const CHANNEL = { id: 'C0GENERAL', name: 'general' };

let slack: LocalSlack | undefined;

afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/** The local Slack with the page as its fallback, as a host starts it. */
async function startWithPage(options: SandboxPageOptions = {}): Promise<LocalSlack> {
  const page = await createSandboxPage(options);
  slack = await startLocalSlack({ channels: [CHANNEL], fallback: page.handle });
  return slack;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('the sandbox page', () => {
  it('serves the page, its script and its style from the loopback origin, locked down', async () => {
    const { url } = await startWithPage();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    const script = await fetch(`${url}app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code).toContain('/sandbox/info');
    expect(code).toContain('/local/events');
    expect((await fetch(`${url}style.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('answers a page from another host name with 403, like every route (DNS rebinding)', async () => {
    const { port } = await startWithPage();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest(
        { host: '127.0.0.1', port, path: '/', headers: { Host: 'attacker.example:80' } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('tells the page nothing but that there is no side panel when the host says nothing', async () => {
    const { url } = await startWithPage();
    expect(await getJson(`${url}sandbox/info`)).toEqual({
      status: 200,
      body: { sidePanel: false },
    });
    expect(await getJson(`${url}sandbox/side-panel`)).toEqual({
      status: 404,
      body: { error: 'this sandbox has no side panel' },
    });
  });

  it("reads the host's info and side panel at every request", async () => {
    let mode: Badge = { text: 'Dry run', tone: 'safe' };
    const panel: SidePanel = {
      title: 'Audit log',
      entries: [{ id: '1', at: '2026-11-25T08:00:00.000Z', title: 'request' }],
    };
    const { url } = await startWithPage({
      info: () => ({ channel: CHANNEL.id, roles: { byUser: { U0ALICE: 'admin' } }, mode }),
      sidePanel: () => Promise.resolve(panel),
    });
    expect((await getJson(`${url}sandbox/info`)).body).toEqual({
      channel: CHANNEL.id,
      roles: { byUser: { U0ALICE: 'admin' } },
      mode: { text: 'Dry run', tone: 'safe' },
      sidePanel: true,
    });
    mode = { text: 'Live', tone: 'danger' };
    expect((await getJson(`${url}sandbox/info`)).body).toMatchObject({ mode });
    expect(await getJson(`${url}sandbox/side-panel`)).toEqual({ status: 200, body: panel });
  });

  it("serves the host's JSON routes with their query, and no path it does not know", async () => {
    const { url } = await startWithPage({
      jsonRoutes: {
        '/myapp/echo': (query) => ({ status: 200, body: { limit: query.get('limit') } }),
        '/myapp/broken': () => Promise.resolve({ status: 503, body: { error: 'not yet' } }),
      },
    });
    expect(await getJson(`${url}myapp/echo?limit=5`)).toEqual({
      status: 200,
      body: { limit: '5' },
    });
    expect(await getJson(`${url}myapp/broken`)).toEqual({
      status: 503,
      body: { error: 'not yet' },
    });
    expect((await fetch(`${url}constructor`)).status).toBe(404);
    expect((await fetch(`${url}myapp/echo`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it.each(['/app.js', '/local/state', '/sandbox/info', '/api/chat.postMessage', 'relative'])(
    'refuses a JSON route at %s, which the page or the server answers',
    async (path) => {
      await expect(
        createSandboxPage({ jsonRoutes: { [path]: () => ({ status: 200, body: {} }) } }),
      ).rejects.toThrow(LocalSlackUsageError);
    },
  );
});
