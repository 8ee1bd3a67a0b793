import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { SlackActor } from './acting';
import type { ChangeFeed, Feed } from './changes';
import { LocalSlackUsageError, SlackApiError } from './errors';
import { contentTypeOf, readBody, sendJson } from './http';
import type { BotResponse, LocalSlackSnapshot, RecordedCall } from './types';

/**
 * The observer API the sandbox page uses (loopback only, JSON in and out):
 *
 *   GET  /local/state        → LocalSlackSnapshot: team, bot, users, user groups, channels with
 *                              messages (oldest first, replies nested), ephemerals, open views.
 *   GET  /local/events       → Server-Sent Events: `event: change` with a WorkspaceChange plus
 *                              `revision` after every change, `event: call` with
 *                              {method, ok, error} after every Web API call. Re-fetch /local/state
 *                              on `change`.
 *   POST /local/click        {user, messageTs | ephemeral | viewId, actionId, blockId?, value?,
 *                              channel?}
 *   POST /local/submit-view  {user, viewId, values: {blockId: {actionId: text | [values]}}}
 *   POST /local/command      {user, channel, text?, command? (default "/guardduty")}
 *   POST /local/close-view   {user, viewId}: the user cancels their top modal
 *
 * The POSTs answer 200 {status, body, elapsedMs} with the bot's HTTP answer (close-view: with
 * {notified: false} instead when the view did not ask for `notify_on_close`), 400 {error} for a
 * request that names something that does not exist, and 502 {error} when the bot is unreachable.
 * POSTs must be `Content-Type: application/json`, which a foreign web page cannot send without
 * a CORS preflight this server does not grant.
 */

const signingOverrides = z
  .object({
    signingSecret: z.string().optional(),
    ageSeconds: z.number().int().min(0).optional(),
    retryNum: z.number().int().min(1).optional(),
    retryReason: z.string().optional(),
  })
  .optional();

const clickSchema = z
  .object({
    user: z.string().min(1),
    messageTs: z.string().optional(),
    ephemeral: z.string().optional(),
    viewId: z.string().optional(),
    channel: z.string().optional(),
    actionId: z.string().min(1),
    blockId: z.string().optional(),
    value: z.string().optional(),
    request: signingOverrides,
  })
  .strict();

const enteredValue = z.union([z.string(), z.array(z.string()), z.record(z.string(), z.json())]);

const submitSchema = z
  .object({
    user: z.string().min(1),
    viewId: z.string().min(1),
    values: z.record(z.string(), z.record(z.string(), enteredValue)).optional(),
    request: signingOverrides,
  })
  .strict();

const closeViewSchema = z
  .object({ user: z.string().min(1), viewId: z.string().min(1), request: signingOverrides })
  .strict();

const commandSchema = z
  .object({
    user: z.string().min(1),
    channel: z.string().min(1),
    text: z.string().optional(),
    command: z
      .string()
      .regex(/^\/\S+$/)
      .optional(),
    request: signingOverrides,
  })
  .strict();

export interface ObserverOptions {
  readonly snapshot: () => LocalSlackSnapshot;
  readonly changes: ChangeFeed;
  readonly calls: Feed<RecordedCall>;
  readonly actor: SlackActor;
}

class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

function parseJson<T extends z.ZodType>(schema: T, rawBody: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new BadRequestError('body is not valid JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new BadRequestError(`${path === '' ? 'body' : path}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export class Observer {
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly options: ObserverOptions) {}

  /** Handles a /local/* request; returns false for paths it does not know. */
  async handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    if (request.method === 'GET' && path === '/local/state') {
      sendJson(response, 200, this.options.snapshot());
      return true;
    }
    if (request.method === 'GET' && path === '/local/events') {
      this.openStream(request, response);
      return true;
    }
    const action = this.postAction(path);
    if (request.method !== 'POST' || action === undefined) return false;
    if (!contentTypeOf(request).startsWith('application/json')) {
      sendJson(response, 415, { error: 'Content-Type must be application/json' });
      return true;
    }
    try {
      const answer = await action(await readBody(request));
      sendJson(response, 200, answer);
    } catch (error) {
      const known =
        error instanceof BadRequestError ||
        error instanceof LocalSlackUsageError ||
        error instanceof SlackApiError;
      if (known) sendJson(response, 400, { error: error.message });
      else sendJson(response, 502, { error: `bot unreachable: ${(error as Error).message}` });
    }
    return true;
  }

  closeStreams(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  private postAction(
    path: string,
  ): ((rawBody: string) => Promise<BotResponse | { notified: false }>) | undefined {
    const { actor } = this.options;
    switch (path) {
      case '/local/click':
        return (body) => actor.clickButton(parseJson(clickSchema, body));
      case '/local/submit-view':
        return (body) => actor.submitView(parseJson(submitSchema, body));
      case '/local/command':
        return (body) => actor.runSlashCommand(parseJson(commandSchema, body));
      case '/local/close-view':
        return async (body) =>
          (await actor.closeView(parseJson(closeViewSchema, body))) ?? { notified: false };
      default:
        return undefined;
    }
  }

  private openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('hello', { revision: this.options.changes.currentRevision });
    const unsubscribeChanges = this.options.changes.subscribe((change) =>
      send('change', { ...change, revision: this.options.changes.currentRevision }),
    );
    const unsubscribeCalls = this.options.calls.subscribe((call) =>
      send('call', {
        method: call.method,
        ok: call.ok,
        ...(call.error === undefined ? {} : { error: call.error }),
      }),
    );
    this.streams.add(response);
    request.on('close', () => {
      unsubscribeChanges();
      unsubscribeCalls();
      this.streams.delete(response);
    });
  }
}
