import { ErrorCode as SlackErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';
import type { SlackMessage } from './render/finding';
import { BURST_EVENT_TYPE } from './render/burst';

/** Slack's Web API could not be reached at all (DNS, refused, timeout), after the retries. */
export class SlackUnreachableError extends CodedError {
  override readonly name = 'SlackUnreachableError';
  readonly code = ErrorCode.SlackUnreachable;
}

/**
 * Slack asked to wait longer than this function may (its Retry-After past the wait budget): the
 * work is given back to be retried later, instead of waiting out the function's timeout.
 */
export class SlackRateLimitedError extends CodedError {
  override readonly name = 'SlackRateLimitedError';
  readonly code = ErrorCode.SlackRateLimited;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** How long a call may wait out Slack's Retry-After in all, by default: well below a timeout. */
export const DEFAULT_RATE_LIMIT_BUDGET_MS = 10_000;

export interface RateLimitPolicy {
  /** Total time one call may spend waiting for Slack's Retry-After. */
  readonly budgetMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Told of every Retry-After before it is waited out (a pacer slows its channel down). */
  readonly onRetryAfter?: (waitMs: number) => void;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A call that waits out Slack's 429s within a budget (the client rejects rate-limited calls
 * rather than sleeping without bound), and names the URL it tried when the network, not Slack,
 * said no.
 */
async function reaching<T>(
  client: WebClient,
  method: string,
  call: () => Promise<T>,
  policy: RateLimitPolicy,
): Promise<T> {
  let waited = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === SlackErrorCode.RateLimitedError) {
        const retryAfter = Number((error as { retryAfter?: unknown }).retryAfter ?? 1);
        const waitMs = Math.max(0, retryAfter) * 1000;
        if (waited + waitMs > policy.budgetMs) {
          throw new SlackRateLimitedError(
            `Slack asked to wait ${retryAfter} s before ${method}, longer than this call may wait (${Math.round(policy.budgetMs / 1000)} s in all); it is given back to be retried`,
            retryAfter,
          );
        }
        waited += waitMs;
        policy.onRetryAfter?.(waitMs);
        await policy.sleep(waitMs);
        continue;
      }
      if (code !== SlackErrorCode.RequestError) throw error;
      const original = (error as { original?: unknown }).original;
      throw new SlackUnreachableError(
        `could not reach Slack at ${client.slackApiUrl}${method}: ${errorMessage(original ?? error)}`,
        { cause: error },
      );
    }
  }
}

export interface SlackClientOptions {
  readonly token: string;
  /** Base URL of the Web API; the sandbox and the tests point it at a local server. */
  readonly apiUrl: string;
  /** Attempts after the first, with backoff; 429s wait for Retry-After first. */
  readonly retries?: number;
  readonly timeoutMs?: number;
}

/** A WebClient with retries sized for a Lambda invocation rather than WebClient's 30 minutes. */
export function createSlackClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    logLevel: LogLevel.ERROR,
    timeout: options.timeoutMs ?? 10_000,
    // A 429 comes back as an error, to be waited out within a budget (`reaching`), never
    // slept through for as long as Slack says: a Retry-After: 30 must not hold a publish 30 s.
    rejectRateLimitedCalls: true,
    retryConfig: {
      retries: options.retries ?? 4,
      factor: 2,
      minTimeout: 250,
      maxTimeout: 5_000,
      randomize: true,
    },
  });
}

/** The channel operations the finding pipeline needs. */
export interface ChannelMessages {
  /** With `threadTs`, a reply in that thread. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /**
   * The ts of the message posted for a finding since `oldestMs`, found by its metadata: in the
   * channel, or in the thread of a burst's message.
   */
  findFindingMessage(
    channel: string,
    eventType: string,
    findingId: string,
    oldestMs: number,
  ): Promise<string | undefined>;
}

/** Finding text is attacker-controlled: ask Slack for no link or mention parsing of any kind. */
const SAFE_POSTING = {
  unfurl_links: false,
  unfurl_media: false,
  link_names: false,
  parse: 'none',
} as const;

/** What a message says: its text, blocks, attachments and metadata. */
function contentOf(message: SlackMessage) {
  return {
    text: message.text,
    blocks: message.blocks,
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
  };
}

export class WebApiChannelMessages implements ChannelMessages {
  private readonly policy: RateLimitPolicy;
  /** Told of a channel's 429 on a post (its Retry-After in ms), e.g. by the pacer above. */
  onRateLimited: ((channel: string, retryAfterMs: number) => void) | undefined;

  constructor(
    private readonly client: WebClient,
    policy: Partial<RateLimitPolicy> = {},
  ) {
    this.policy = {
      budgetMs: policy.budgetMs ?? DEFAULT_RATE_LIMIT_BUDGET_MS,
      sleep: policy.sleep ?? sleepFor,
    };
  }

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }> {
    const policy: RateLimitPolicy = {
      ...this.policy,
      onRetryAfter: (waitMs) => this.onRateLimited?.(channel, waitMs),
    };
    const result = await reaching(
      this.client,
      'chat.postMessage',
      () =>
        this.client.chat.postMessage({
          channel,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          ...contentOf(message),
          ...SAFE_POSTING,
        }),
      policy,
    );
    if (result.ts === undefined) throw new Error('chat.postMessage returned no ts');
    return { ts: result.ts };
  }

  /** A reply in the thread of `threadTs` (the Details button's). */
  async reply(channel: string, threadTs: string, message: SlackMessage): Promise<{ ts: string }> {
    return this.post(channel, message, threadTs);
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await reaching(
      this.client,
      'chat.update',
      () =>
        this.client.chat.update({
          channel,
          ts,
          // No attachments in the message removes the ones it had, as replacing means.
          ...contentOf(message),
          attachments: message.attachments ?? [],
          link_names: false,
          parse: 'none',
        }),
      this.policy,
    );
  }

  async findFindingMessage(
    channel: string,
    eventType: string,
    findingId: string,
    oldestMs: number,
  ): Promise<string | undefined> {
    const matches = (message: {
      metadata?: { event_type?: string; event_payload?: unknown };
    }): boolean => {
      const metadata = message.metadata;
      // The response type leaves event_payload untyped; read it as the record it is.
      const payload = metadata?.event_payload as Record<string, unknown> | undefined;
      return metadata?.event_type === eventType && payload?.finding_id === findingId;
    };
    const bursts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reaching(
        this.client,
        'conversations.history',
        () =>
          this.client.conversations.history({
            channel,
            oldest: (oldestMs / 1000).toFixed(6),
            include_all_metadata: true,
            limit: 200,
            ...(cursor === undefined ? {} : { cursor }),
          }),
        this.policy,
      );
      for (const message of page.messages ?? []) {
        if (message.ts === undefined) continue;
        if (matches(message)) return message.ts;
        if (message.metadata?.event_type === BURST_EVENT_TYPE) bursts.push(message.ts);
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor !== undefined);
    // A burst's findings are replies in its thread.
    for (const ts of bursts) {
      const found = await this.findInThread(channel, ts, matches);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private async findInThread(
    channel: string,
    threadTs: string,
    matches: (message: { metadata?: { event_type?: string; event_payload?: unknown } }) => boolean,
  ): Promise<string | undefined> {
    let cursor: string | undefined;
    do {
      const page = await reaching(
        this.client,
        'conversations.replies',
        () =>
          this.client.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 200,
            ...(cursor === undefined ? {} : { cursor }),
          }),
        this.policy,
      );
      const found = (page.messages ?? []).find(
        (message) => message.ts !== undefined && message.ts !== threadTs && matches(message),
      );
      if (found?.ts !== undefined) return found.ts;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor !== undefined);
    return undefined;
  }
}
