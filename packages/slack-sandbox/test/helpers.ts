import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { startLocalSlack, type LocalSlack, type LocalSlackOptions } from '../src';
import type { Clock } from '../src/types';

/** Keeps WebClient's and Bolt's logs out of the test output. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

export interface TestClock extends Clock {
  advance(ms: number): void;
}

/** Starts at `startMs` and moves only when told to. */
export function manualClock(startMs: number): TestClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Real time plus an offset the test can move forward (Bolt checks timestamps against Date.now). */
export function offsetClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

export interface CapturedRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface BotAnswer {
  readonly status?: number;
  readonly body?: string;
}

export interface FakeBot {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** The decoded `payload` field (interactivity) or the form fields (slash commands). */
  lastPayload(): Record<string, unknown>;
  answerWith(answer: (request: CapturedRequest) => BotAnswer): void;
  close(): Promise<void>;
}

/** A bare HTTP endpoint standing in for the bot: records what Slack sends, answers as told. */
export async function startFakeBot(): Promise<FakeBot> {
  const requests: CapturedRequest[] = [];
  let answer: (request: CapturedRequest) => BotAnswer = () => ({ status: 200, body: '' });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const captured = { headers: request.headers, body: Buffer.concat(chunks).toString() };
      requests.push(captured);
      const { status = 200, body = '' } = answer(captured);
      response.writeHead(
        status,
        body.startsWith('{') ? { 'content-type': 'application/json' } : {},
      );
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    requests,
    lastPayload: () => {
      const form = new URLSearchParams(requests.at(-1)?.body ?? '');
      const payload = form.get('payload');
      return payload === null
        ? Object.fromEntries(form)
        : (JSON.parse(payload) as Record<string, unknown>);
    },
    answerWith: (next) => {
      answer = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const section = (text: string, blockId?: string) => ({
  type: 'section' as const,
  ...(blockId === undefined ? {} : { block_id: blockId }),
  text: { type: 'mrkdwn' as const, text },
});

export const actions = (blockId: string, ...buttons: [actionId: string, value: string][]) => ({
  type: 'actions' as const,
  block_id: blockId,
  elements: buttons.map(([actionId, value]) => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: actionId },
    action_id: actionId,
    value,
  })),
});

export const CHANNEL = 'C0SECURITY';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';

export interface Harness {
  readonly slack: LocalSlack;
  readonly bot: FakeBot;
  /** A WebClient acting as the bot towards the local Slack. */
  readonly client: WebClient;
  readonly clock: TestClock;
  close(): Promise<void>;
}

/** A local Slack with #security, alice and bob, wired to a fake bot, on a manual clock. */
export async function startHarness(options: LocalSlackOptions = {}): Promise<Harness> {
  const bot = await startFakeBot();
  const clock = manualClock(1_732_543_200_000);
  const slack = await startLocalSlack({
    channels: [{ id: CHANNEL, name: 'security' }],
    users: [
      { id: ALICE, name: 'alice', real_name: 'Alice' },
      { id: BOB, name: 'bob' },
    ],
    clock,
    eventsUrl: bot.url,
    ...options,
  });
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, logger: silentLogger });
  return {
    slack,
    bot,
    client,
    clock,
    close: async () => {
      await slack.close();
      await bot.close();
    },
  };
}
