import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { LocalSlackUsageError } from './errors';
import { sendJson } from './http';
import type { SandboxPageInfo, SandboxPageInfoAnswer, SidePanel } from './pageTypes';

/** A JSON answer of one of the host's own routes. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A GET route of the host's own; it gets the request's query string. */
export type JsonRoute = (query: URLSearchParams) => JsonAnswer | Promise<JsonAnswer>;

export interface SandboxPageOptions {
  /** Read at every request, so it may change while the sandbox runs. */
  readonly info?: () => SandboxPageInfo;
  /** The column right of the channel, read at every refresh of the page; none without it. */
  readonly sidePanel?: () => SidePanel | Promise<SidePanel>;
  /** GET routes of the host's own (e.g. `/myapp/state`), answered with the page's headers. */
  readonly jsonRoutes?: Readonly<Record<string, JsonRoute>>;
  /** Where index.html, style.css and app.ts are (default: the package's own page). */
  readonly webDir?: string;
}

export interface SandboxPage {
  /**
   * Serves the page's paths and answers true; false for any other. Pass it as startLocalSlack's
   * `fallback`, which lets loopback clients only through.
   */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
}

/**
 * The package's own page files. Found through the package's name rather than `__dirname`, so the
 * page still loads when a bundler has inlined this module into another file.
 */
function packageWebDir(): string {
  return join(
    dirname(require.resolve('@guardduty-chatops/slack-sandbox/package.json')),
    'src',
    'web',
  );
}

/**
 * Everything the page loads comes from here (no CDN: the machine may be offline), and the
 * policy forbids anything else, so even a rendering bug could not run injected script.
 */
export const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** Paths the server routes before the page is asked (server.ts), or the page's own. */
const RESERVED_PREFIXES = ['/api/', '/respond/', '/local/', '/sandbox/'];

interface StaticFile {
  readonly type: string;
  readonly body: string;
}

/** The page's script: `app.ts` and its imports bundled for the browser, once, at start. */
async function bundleScript(webDir: string): Promise<string> {
  // Loaded here: a test that only needs the Web API does not pay for esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(webDir, 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: ['chrome120', 'firefox120', 'safari17'],
    charset: 'utf8',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${webDir}/app.ts`);
  return output.text;
}

/** By path; a Map, so that a path like `/constructor` finds nothing. */
async function staticFiles(webDir: string): Promise<ReadonlyMap<string, StaticFile>> {
  const [html, css, script] = await Promise.all([
    readFile(join(webDir, 'index.html'), 'utf8'),
    readFile(join(webDir, 'style.css'), 'utf8'),
    bundleScript(webDir),
  ]);
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: html }],
    ['/index.html', { type: 'text/html; charset=utf-8', body: html }],
    ['/style.css', { type: 'text/css; charset=utf-8', body: css }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: script }],
  ]);
}

function hostRoutes(
  routes: Readonly<Record<string, JsonRoute>>,
  files: ReadonlyMap<string, StaticFile>,
): ReadonlyMap<string, JsonRoute> {
  for (const path of Object.keys(routes)) {
    const taken = files.has(path) || RESERVED_PREFIXES.some((prefix) => path.startsWith(prefix));
    if (!path.startsWith('/') || taken) {
      throw new LocalSlackUsageError(
        `jsonRoutes: "${path}" must start with / and be none of the page's or the server's paths (${[...RESERVED_PREFIXES, ...files.keys()].join(', ')})`,
      );
    }
  }
  return new Map(Object.entries(routes));
}

/** The page that looks like a Slack channel, with the host's info and side panel. */
export async function createSandboxPage(options: SandboxPageOptions = {}): Promise<SandboxPage> {
  const files = await staticFiles(options.webDir ?? packageWebDir());
  const routes = hostRoutes(options.jsonRoutes ?? {}, files);
  const answer = async (path: string, query: URLSearchParams): Promise<JsonAnswer | undefined> => {
    if (path === '/sandbox/info') {
      const info: SandboxPageInfoAnswer = {
        ...options.info?.(),
        sidePanel: options.sidePanel !== undefined,
      };
      return { status: 200, body: info };
    }
    if (path === '/sandbox/side-panel') {
      return options.sidePanel === undefined
        ? { status: 404, body: { error: 'this sandbox has no side panel' } }
        : { status: 200, body: await options.sidePanel() };
    }
    return await routes.get(path)?.(query);
  };

  return {
    handle: async (request, response) => {
      if (request.method !== 'GET') return false;
      const url = new URL(request.url ?? '/', 'http://localhost');
      const file = files.get(url.pathname);
      if (file !== undefined) {
        response.writeHead(200, {
          ...PAGE_HEADERS,
          'Content-Type': file.type,
          'Content-Length': Buffer.byteLength(file.body),
        });
        response.end(file.body);
        return true;
      }
      const json = await answer(url.pathname, url.searchParams);
      if (json === undefined) return false;
      sendJson(response, json.status, json.body, PAGE_HEADERS);
      return true;
    },
  };
}
