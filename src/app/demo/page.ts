import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { AuditReader } from '../../actions/contract';
import { sendJson } from '../../local/slack/http';
import { projectFile } from './paths';

/** What the page needs besides the workspace (which it reads from `/local/state`). */
export interface DemoInfo {
  readonly channel: { readonly id: string; readonly name: string };
  /** Users allowed to remediate; the page marks the others read-only. */
  readonly responders: readonly string[];
  readonly dryRun: boolean;
  /** The IP Insights scorer in use, in words. */
  readonly scorer: string;
}

/** `GET /demo/audit` */
export type AuditAnswer =
  | { readonly available: false }
  | { readonly available: true; readonly entries: Awaited<ReturnType<AuditReader['list']>> };

export interface DemoPageOptions {
  readonly info: () => DemoInfo;
  /** Read at each request: the audit log is wired after the page is up. */
  readonly audit: () => AuditReader | undefined;
  readonly webDir?: string;
}

export interface DemoPage {
  /** Serves the page's paths; false for any other (the local Slack answers 404). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

const WEB_DIR = projectFile('src', 'local', 'web');

const AUDIT_LIMIT_DEFAULT = 50;
const AUDIT_LIMIT_MAX = 200;

/**
 * Everything the page loads comes from here (no CDN: the machine may be offline), and the
 * policy forbids anything else, so even a rendering bug could not run injected script.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

interface StaticFile {
  readonly type: string;
  readonly body: string;
}

/** The page's script: `app.ts` and its imports bundled for the browser, once, at start. */
async function bundleScript(webDir: string): Promise<string> {
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

export async function createDemoPage(options: DemoPageOptions): Promise<DemoPage> {
  const webDir = options.webDir ?? WEB_DIR;
  const [html, css, script] = await Promise.all([
    readFile(join(webDir, 'index.html'), 'utf8'),
    readFile(join(webDir, 'style.css'), 'utf8'),
    bundleScript(webDir),
  ]);
  const files: Readonly<Record<string, StaticFile>> = {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/index.html': { type: 'text/html; charset=utf-8', body: html },
    '/style.css': { type: 'text/css; charset=utf-8', body: css },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script },
  };

  return {
    async handle(request, response) {
      if (request.method !== 'GET') return false;
      const url = new URL(request.url ?? '/', 'http://localhost');
      const file = files[url.pathname];
      if (file !== undefined) {
        response.writeHead(200, {
          ...PAGE_HEADERS,
          'Content-Type': file.type,
          'Content-Length': Buffer.byteLength(file.body),
        });
        response.end(file.body);
        return true;
      }
      if (url.pathname === '/demo/info') {
        sendJson(response, 200, options.info(), PAGE_HEADERS);
        return true;
      }
      if (url.pathname === '/demo/audit') {
        const limit = auditLimit(url.searchParams.get('limit'));
        if (limit === undefined) {
          sendJson(response, 400, { error: `limit must be 1..${AUDIT_LIMIT_MAX}` });
          return true;
        }
        const reader = options.audit();
        const answer: AuditAnswer =
          reader === undefined
            ? { available: false }
            : { available: true, entries: await reader.list({ limit }) };
        sendJson(response, 200, answer, PAGE_HEADERS);
        return true;
      }
      return false;
    },
  };
}

function auditLimit(value: string | null): number | undefined {
  if (value === null) return AUDIT_LIMIT_DEFAULT;
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const limit = Number(value);
  return limit >= 1 && limit <= AUDIT_LIMIT_MAX ? limit : undefined;
}
