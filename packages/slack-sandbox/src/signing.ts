import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { systemClock, type BotResponse, type Clock } from './types';

/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with the app's signing secret.
 * Bolt's `verifySlackRequest` recomputes exactly this and rejects timestamps more than five
 * minutes old.
 */

/**
 * Slack sends interactivity and slash commands with exactly this content type. Bolt's HTTP
 * receiver compares it verbatim, so adding `; charset=utf-8` would make it parse the body as JSON.
 */
export const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SlackSignatureHeaders {
  readonly 'X-Slack-Signature': string;
  readonly 'X-Slack-Request-Timestamp': string;
}

export function computeSlackSignature(
  signingSecret: string,
  timestampSeconds: number,
  rawBody: string,
): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${rawBody}`)
    .digest('hex');
  return `v0=${digest}`;
}

/** The two headers Slack adds to every request it sends to an app. */
export function signRequest(
  signingSecret: string,
  rawBody: string,
  nowSeconds: number,
): SlackSignatureHeaders {
  const timestamp = Math.floor(nowSeconds);
  return {
    'X-Slack-Signature': computeSlackSignature(signingSecret, timestamp, rawBody),
    'X-Slack-Request-Timestamp': String(timestamp),
  };
}

/** Body of an interactivity request (block_actions, view_submission...): `payload=<JSON>`. */
export function interactivityBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The form fields of a slash command request, as Slack names them. */
export interface SlashCommandFields {
  readonly token: string;
  readonly team_id: string;
  readonly team_domain: string;
  readonly channel_id: string;
  readonly channel_name: string;
  readonly user_id: string;
  readonly user_name: string;
  readonly command: string;
  readonly text: string;
  readonly api_app_id: string;
  readonly is_enterprise_install: 'true' | 'false';
  readonly response_url: string;
  readonly trigger_id: string;
}

/** Slash command body with the fields in the order Slack sends them. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const order: readonly (keyof SlashCommandFields)[] = [
    'token',
    'team_id',
    'team_domain',
    'channel_id',
    'channel_name',
    'user_id',
    'user_name',
    'command',
    'text',
    'api_app_id',
    'is_enterprise_install',
    'response_url',
    'trigger_id',
  ];
  return new URLSearchParams(order.map((key): [string, string] => [key, fields[key]])).toString();
}

export interface SignedRequestOptions {
  readonly contentType?: string;
  /** Sign with this secret instead of the app's (a forged request). */
  readonly signingSecret?: string;
  /** Date the request this many seconds in the past (a stale or replayed request). */
  readonly ageSeconds?: number;
  /** Slack's redelivery headers (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). */
  readonly retryNum?: number;
  readonly retryReason?: string;
  /** Give up waiting for the bot after this long (default 30 s; Slack itself waits 3 s). */
  readonly timeoutMs?: number;
}

export interface SlackRequestSenderOptions {
  /** The bot's request URL, e.g. `http://127.0.0.1:3000/slack/events`. */
  readonly url: string;
  readonly signingSecret: string;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Monotonic milliseconds for `elapsedMs`. */
  readonly monotonicMs?: () => number;
  /** Told of every body sent (the sandbox keeps the last one to redeliver it). */
  readonly onSend?: (rawBody: string, contentType: string) => void;
}

/** POSTs signed requests to a bot the way Slack does and reports how the bot answered. */
export class SlackRequestSender {
  private readonly clock: Clock;
  private readonly fetchFn: typeof fetch;
  private readonly monotonicMs: () => number;

  constructor(private readonly options: SlackRequestSenderOptions) {
    this.clock = options.clock ?? systemClock;
    this.fetchFn = options.fetch ?? fetch;
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  sendInteraction(payload: object, options: SignedRequestOptions = {}): Promise<BotResponse> {
    return this.send(interactivityBody(payload), options);
  }

  sendSlashCommand(
    fields: SlashCommandFields,
    options: SignedRequestOptions = {},
  ): Promise<BotResponse> {
    return this.send(slashCommandBody(fields), options);
  }

  async send(rawBody: string, options: SignedRequestOptions = {}): Promise<BotResponse> {
    const nowSeconds = Math.floor(this.clock.now() / 1000) - (options.ageSeconds ?? 0);
    const contentType = options.contentType ?? SLACK_FORM_CONTENT_TYPE;
    this.options.onSend?.(rawBody, contentType);
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      ...signRequest(options.signingSecret ?? this.options.signingSecret, rawBody, nowSeconds),
    };
    if (options.retryNum !== undefined) headers['X-Slack-Retry-Num'] = String(options.retryNum);
    if (options.retryReason !== undefined) headers['X-Slack-Retry-Reason'] = options.retryReason;
    const started = this.monotonicMs();
    const response = await this.fetchFn(this.options.url, {
      method: 'POST',
      headers,
      body: rawBody,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const body = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body,
      elapsedMs: this.monotonicMs() - started,
    };
  }
}
