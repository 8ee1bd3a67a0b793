import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SlackActor,
  type ClickButtonInput,
  type CloseViewInput,
  type SlashCommandRunInput,
  type SubmitViewInput,
} from './acting';
import { Feed, IdSequence } from './changes';
import { LocalSlackUsageError, WaitTimeoutError } from './errors';
import { FaultPlan, type Fault, type FaultOptions } from './faults';
import { ChannelRateLimit, type RateLimitOptions } from './rateLimit';
import type { SignedRequestOptions } from './signing';
import { Grants } from './grants';
import {
  BodyTooLargeError,
  contentTypeOf,
  isLoopbackAddress,
  isLoopbackHost,
  isLoopbackHostHeader,
  readBody,
  sendJson,
} from './http';
import { slackMethods, type MethodContext } from './methods';
import { Observer } from './observer';
import { answerResponseUrl } from './responseUrls';
import { workspaceSnapshot } from './snapshot';
import {
  systemClock,
  type BotIdentity,
  type BotResponse,
  type ChannelHistory,
  type Clock,
  type LocalSlackChannel,
  type LocalSlackSnapshot,
  type LocalSlackUser,
  type RecordedCall,
  type TeamIdentity,
  type WorkspaceChange,
} from './types';
import { ViewRegistry } from './views';
import { answerApiCall } from './webApi';
import { Workspace } from './workspace';

export interface LocalSlackOptions {
  /** The only token the Web API accepts (default `xoxb-local-sandbox`). */
  readonly botToken?: string;
  /** Secret the server signs requests to the bot with (default `local-signing-secret-0123456789abcdef`). */
  readonly signingSecret?: string;
  /** The legacy verification token sent as `token` in payloads. */
  readonly verificationToken?: string;
  readonly team?: Partial<TeamIdentity>;
  readonly bot?: Partial<BotIdentity>;
  /** Known users; with none, any `U…` id is a user. Needed for names, time zones, users.info. */
  readonly users?: readonly LocalSlackUser[];
  /** User group id (`S…`) → member user ids, for usergroups.users.list. */
  readonly userGroups?: Readonly<Record<string, readonly string[]>>;
  /** Known channels (ids, or id and name); others are `channel_not_found`. Default: any. */
  readonly channels?: readonly (string | LocalSlackChannel)[];
  /** Messages to start with, as `history()` returned them (the sandbox keeps them on disk). */
  readonly history?: readonly ChannelHistory[];
  readonly clock?: Clock;
  /** The bot's request URL; can also be set later with setEventsUrl(). */
  readonly eventsUrl?: string;
  /** How long a trigger_id can open a modal (Slack: 3000 ms). */
  readonly triggerTtlMs?: number;
  /**
   * The app's slash commands, as its manifest declares them: any other is answered at once as
   * Slack's client answers it, and never reaches the app. Default: every command reaches it.
   */
  readonly commands?: readonly string[];
  /** Default 0: a free port. */
  readonly port?: number;
  /** Must be a loopback address or `localhost` (default 127.0.0.1). */
  readonly host?: string;
  /** Used to send requests to the bot (default: global fetch). */
  readonly fetch?: typeof fetch;
  /**
   * Enforces Slack's posting limit: `chat.postMessage` per channel (thread replies included) at
   * `messagesPerSecond` after a `burst`, on the sandbox's clock; past it HTTP 429 `ratelimited`
   * with `Retry-After`. Off by default.
   */
  readonly rateLimit?: RateLimitOptions;
  /** Serves any path the server does not know (e.g. the sandbox page); return false for 404. */
  readonly fallback?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
}

export const DEFAULT_TEAM: TeamIdentity = {
  id: 'T0LOCAL001',
  domain: 'guardduty-local',
  name: 'GuardDuty Local',
};

export const DEFAULT_BOT: BotIdentity = {
  userId: 'U0LOCALBOT',
  botId: 'B0LOCALBOT',
  appId: 'A0LOCALAPP',
  name: 'guardduty-chatops',
};

const DEFAULT_WAIT_MS = 5000;

/** A running local Slack: its Web API, response URLs, observer API and the test helpers. */
export interface LocalSlack {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/api/`, for WebClient's and Bolt's `slackApiUrl`. */
  readonly apiUrl: string;
  readonly port: number;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  readonly workspace: Workspace;
  readonly views: ViewRegistry;
  /** Every Web API call so far, oldest first. */
  readonly calls: readonly RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Resolves once `count` calls to the method have been recorded. */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  failNext(method: string, fault: Fault, options?: FaultOptions): void;
  /** Revokes the bot token (as uninstalling the app does): every call answers `token_revoked`. */
  revokeToken(): void;
  /** Accepts the bot token again (the app reinstalled with the same token, for a test). */
  restoreToken(): void;
  setEventsUrl(url: string): void;
  clickButton(input: ClickButtonInput): Promise<BotResponse>;
  submitView(input: SubmitViewInput): Promise<BotResponse>;
  /** Cancels the user's top modal; the bot's answer when the view asked for `notify_on_close`. */
  closeView(input: CloseViewInput): Promise<BotResponse | undefined>;
  runSlashCommand(input: SlashCommandRunInput): Promise<BotResponse>;
  /** Sends the last request to the bot again, same body, as a Slack redelivery (retry headers). */
  redeliverLast(request?: SignedRequestOptions): Promise<BotResponse>;
  snapshot(): LocalSlackSnapshot;
  /** Every channel's messages (not ephemerals or modals, which Slack does not keep either). */
  history(): ChannelHistory[];
  onChange(listener: (change: WorkspaceChange) => void): () => void;
  close(): Promise<void>;
}

function channelList(
  channels: readonly (string | LocalSlackChannel)[] | undefined,
): LocalSlackChannel[] | undefined {
  return channels?.map((c) => (typeof c === 'string' ? { id: c, name: c.toLowerCase() } : c));
}

class LocalSlackServer implements LocalSlack {
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  readonly botToken: string;
  readonly signingSecret: string;
  private readonly commands: readonly string[] | undefined;
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  readonly workspace: Workspace;
  readonly views: ViewRegistry;
  private readonly recorded: RecordedCall[] = [];
  private readonly faults = new FaultPlan();
  private readonly rateLimit: ChannelRateLimit | undefined;
  private tokenRevoked = false;
  private readonly changes = new Feed<WorkspaceChange>();
  private readonly callFeed = new Feed<RecordedCall>();
  private readonly context: MethodContext;
  private readonly grants: Grants;
  private readonly actor: SlackActor;
  private readonly observer: Observer;
  private eventsUrl: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    baseUrl: string,
    port: number,
    private readonly options: LocalSlackOptions,
  ) {
    const clock = options.clock ?? systemClock;
    const ids = new IdSequence();
    this.url = baseUrl;
    this.apiUrl = `${baseUrl}api/`;
    this.port = port;
    this.botToken = options.botToken ?? 'xoxb-local-sandbox';
    this.signingSecret = options.signingSecret ?? 'local-signing-secret-0123456789abcdef';
    this.commands = options.commands;
    this.team = { ...DEFAULT_TEAM, ...options.team };
    this.bot = { ...DEFAULT_BOT, ...options.bot };
    this.eventsUrl = options.eventsUrl;
    const channels = channelList(options.channels);
    this.workspace = new Workspace({
      team: this.team,
      bot: this.bot,
      clock,
      feed: this.changes,
      ...(channels === undefined ? {} : { channels }),
      ...(options.users === undefined ? {} : { users: options.users }),
      ...(options.userGroups === undefined ? {} : { userGroups: options.userGroups }),
      ...(options.history === undefined ? {} : { history: options.history }),
    });
    this.views = new ViewRegistry({
      team: this.team,
      bot: this.bot,
      clock,
      ids,
      feed: this.changes,
    });
    this.grants = new Grants({
      clock,
      ids,
      ...(options.triggerTtlMs === undefined ? {} : { triggerTtlMs: options.triggerTtlMs }),
    });
    this.context = { workspace: this.workspace, views: this.views, grants: this.grants, clock };
    this.rateLimit =
      options.rateLimit === undefined ? undefined : new ChannelRateLimit(options.rateLimit, clock);
    this.actor = new SlackActor({
      app: {
        team: this.team,
        bot: this.bot,
        verificationToken: options.verificationToken ?? 'local-verification-token',
      },
      workspace: this.workspace,
      views: this.views,
      grants: this.grants,
      signingSecret: this.signingSecret,
      clock,
      eventsUrl: () => this.eventsUrl,
      responseUrl: (id) => `${this.url}respond/${id}`,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.commands === undefined ? {} : { commands: options.commands }),
    });
    this.observer = new Observer({
      snapshot: () => this.snapshot(),
      changes: this.changes,
      calls: this.callFeed,
      actor: this.actor,
    });
  }

  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  callsTo(method: string): RecordedCall[] {
    return this.recorded.filter((call) => call.method === method);
  }

  waitForCalls(method: string, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const calls = this.callsTo(method);
        if (calls.length < count) return false;
        resolve(calls);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        unsubscribe();
        const seen = this.callsTo(method).length;
        reject(
          new WaitTimeoutError(
            `waited ${timeoutMs} ms for ${count} ${method} call(s), saw ${seen}`,
          ),
        );
      }, timeoutMs);
      const unsubscribe = this.callFeed.subscribe(() => {
        if (!check()) return;
        clearTimeout(timer);
        unsubscribe();
      });
    });
  }

  failNext(method: string, fault: Fault, options?: FaultOptions): void {
    this.faults.failNext(method, fault, options);
  }

  revokeToken(): void {
    this.tokenRevoked = true;
  }

  restoreToken(): void {
    this.tokenRevoked = false;
  }

  setEventsUrl(url: string): void {
    this.eventsUrl = url;
  }

  clickButton(input: ClickButtonInput): Promise<BotResponse> {
    return this.actor.clickButton(input);
  }

  submitView(input: SubmitViewInput): Promise<BotResponse> {
    return this.actor.submitView(input);
  }

  closeView(input: CloseViewInput): Promise<BotResponse | undefined> {
    return this.actor.closeView(input);
  }

  runSlashCommand(input: SlashCommandRunInput): Promise<BotResponse> {
    return this.actor.runSlashCommand(input);
  }

  redeliverLast(request?: SignedRequestOptions): Promise<BotResponse> {
    return this.actor.redeliverLast(request);
  }

  snapshot(): LocalSlackSnapshot {
    const snapshot = workspaceSnapshot(this.workspace, this.views, this.changes.currentRevision);
    return this.commands === undefined ? snapshot : { ...snapshot, commands: this.commands };
  }

  history(): ChannelHistory[] {
    return this.workspace.exportHistory();
  }

  onChange(listener: (change: WorkspaceChange) => void): () => void {
    return this.changes.subscribe(listener);
  }

  /** Stops the server and frees the port; calling it again returns the same promise. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      this.observer.closeStreams();
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      // Keep-alive sockets from WebClient would otherwise hold the port until they time out.
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  /** Routes one request; every path is loopback-only. */
  async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      sendJson(response, 403, { error: 'loopback clients only' });
      return;
    }
    if (!isLoopbackHostHeader(request.headers.host)) {
      sendJson(response, 403, { error: 'Host must be 127.0.0.1, localhost or [::1]' });
      return;
    }
    const url = new URL(request.url ?? '/', this.url);
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      const rawBody = request.method === 'POST' ? await readBody(request) : '';
      const answer = answerApiCall(
        {
          botToken: this.botToken,
          tokenRevoked: this.tokenRevoked,
          methods: slackMethods,
          context: this.context,
          faults: this.faults,
          ...(this.rateLimit === undefined ? {} : { rateLimit: this.rateLimit }),
          record: (call) => {
            this.recorded.push(call);
            this.callFeed.emit(call);
          },
        },
        {
          method: path.slice('/api/'.length),
          query: url.searchParams,
          contentType: contentTypeOf(request),
          rawBody,
          authorization: request.headers.authorization,
        },
      );
      sendJson(response, answer.status, answer.body, answer.headers);
      return;
    }
    if (path.startsWith('/respond/') && request.method === 'POST') {
      const rawBody = await readBody(request);
      const fault = this.faults.take('response_url');
      const answer =
        fault ??
        answerResponseUrl(this.grants, this.workspace, path.slice('/respond/'.length), rawBody);
      sendJson(response, answer.status, answer.body, 'headers' in answer ? answer.headers : {});
      return;
    }
    if (path.startsWith('/local/') && (await this.observer.handle(request, response, path))) return;
    if (this.options.fallback !== undefined && (await this.options.fallback(request, response)))
      return;
    sendJson(response, 404, { error: `no route ${request.method ?? 'GET'} ${path}` });
  }
}

/** Starts a Slack-compatible server on loopback (port 0 = a free port). */
export async function startLocalSlack(options: LocalSlackOptions = {}): Promise<LocalSlack> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new LocalSlackUsageError(`host must be a loopback address or localhost, got "${host}"`);
  }
  const server = createServer();
  // Clients (WebClient's fetch) drop idle keep-alive sockets after about 4 s; a server that drops
  // them first races a request being written on the same socket ("fetch failed"). close() ends
  // every connection, so the long timeout never delays shutdown.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${urlHost}:${address.port}/`;
  let local: LocalSlackServer;
  try {
    local = new LocalSlackServer(server, baseUrl, address.port, options);
  } catch (error) {
    // A bad option (e.g. history for an unknown channel) must not leave the port taken.
    server.close();
    throw error;
  }
  // Attached in the same tick as listen() returned, so no request can arrive unrouted.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    local.route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.end();
        return;
      }
      if (error instanceof BodyTooLargeError) sendJson(response, 413, { error: error.message });
      else sendJson(response, 500, { error: `local slack: ${(error as Error).message}` });
    });
  });
  return local;
}
