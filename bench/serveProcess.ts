import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startLocalSlack,
  type LocalSlack,
  type SlackMessage,
} from '@guardduty-chatops/slack-sandbox';

/**
 * `guardduty-chatops serve` as an operator runs it — its own process, the embedded store on disk,
 * dry run — against the local Slack in this process, which sends it signed requests. The bench
 * measures that process from outside: acks over HTTP, messages as Slack shows them, RSS from /proc.
 */

export const CHANNEL = 'C0SECURITY';
export const RESPONDER = 'U0ALICE';
const ROOT = join(__dirname, '..');
const FIXTURE = join(
  ROOT,
  'test',
  'fixtures',
  'guardduty',
  'Synthetic_Discovery_IAMUser_AnomalousBehavior.json',
);

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ServeProcess {
  readonly pid: number;
  /** Where Slack sends its requests (serve's POST /slack/events). */
  readonly eventsUrl: string;
  /** Resident set size now, in MiB, as the kernel counts it. */
  rssMiB(): number;
  /** SIGTERM, then waits for the exit code (serve finishes what it started first). */
  stop(): Promise<number | null>;
}

export interface ServeBench {
  readonly slack: LocalSlack;
  readonly serve: ServeProcess;
  /** The posted findings' message timestamps, in posting order. */
  readonly messages: readonly string[];
  /** The finding id behind each message, same order. */
  readonly findingIds: readonly string[];
  cli(args: readonly string[]): Promise<CliResult>;
  /** Stops serve and Slack and removes the store. */
  close(): Promise<void>;
}

function cliProcess(args: readonly string[], env: NodeJS.ProcessEnv) {
  // `node --import tsx`, not the tsx binary: one process, so its pid is the one that serves.
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = cliProcess(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function startServe(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = cliProcess(['serve'], env);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in 60 s: ${stdout}${stderr}`));
    }, 60_000);
    child.on('error', reject);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${String(code)} before listening: ${stdout}${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\S+)/.exec(stdout)?.[1];
      if (url === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      const pid = child.pid;
      resolve({
        pid,
        eventsUrl: url,
        rssMiB: () => {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
          return kb / 1024;
        },
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** `count` distinct copies of a Medium IAM finding, as the JSON lines `post` reads. */
function findingLines(count: number): { lines: string; ids: string[] } {
  const event = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { detail: { id: string } };
  const ids: string[] = [];
  const lines = Array.from({ length: count }, (_, n) => {
    const id = `${event.detail.id.slice(0, 24)}${n.toString(16).padStart(8, '0')}`;
    ids.push(id);
    return JSON.stringify({ ...event, id: `event-${String(n)}`, detail: { ...event.detail, id } });
  }).join('\n');
  return { lines, ids };
}

/** Posts `findings` findings with `post`, then starts `serve` on the same store. */
export async function startServeBench(findings: number): Promise<ServeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-serve-'));
  const slack = await startLocalSlack({
    channels: [{ id: CHANNEL, name: 'security' }],
    users: [{ id: RESPONDER, name: 'alice' }],
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    RESPONDERS: RESPONDER,
    DRY_RUN: 'true',
    STORE: `local:${join(dir, 'store')}`,
    PORT: '0',
    LOG_LEVEL: 'ERROR',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // Nothing here may reach AWS: a call that slipped through fails at once instead of waiting.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-only',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const file = join(dir, 'findings.jsonl');
  const { lines, ids } = findingLines(findings);
  writeFileSync(file, `${lines}\n`);
  const cleanUp = async () => {
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const posted = await runCli(['post', file], env);
    if (posted.code !== 0) throw new Error(`post exited ${String(posted.code)}: ${posted.stderr}`);
    const messages = slack.workspace
      .history(CHANNEL)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .map((m) => m.ts)
      .sort();
    if (messages.length !== findings) {
      throw new Error(`post posted ${String(messages.length)} messages, not ${String(findings)}`);
    }
    const serve = await startServe(env);
    slack.setEventsUrl(serve.eventsUrl);
    return {
      slack,
      serve,
      messages,
      findingIds: ids,
      cli: (args) => runCli(args, env),
      close: async () => {
        await serve.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The action ids of a message's buttons. */
export function buttonsOf(message: SlackMessage | undefined): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.action_id === 'string') ids.push(record.action_id);
    Object.values(record).forEach(visit);
  };
  visit(message?.blocks);
  return ids;
}

/** Resolves when the channel message shows a button with `actionId` (false after `timeoutMs`). */
export function untilButton(
  slack: LocalSlack,
  ts: string,
  actionId: string,
  timeoutMs: number,
): Promise<boolean> {
  const shows = () => buttonsOf(slack.workspace.getMessage(CHANNEL, ts)).includes(actionId);
  if (shows()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, timeoutMs);
    const stop = slack.onChange((change) => {
      if (change.kind !== 'message.updated' || change.ts !== ts || !shows()) return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}
