import { LogLevel, WebClient } from '@slack/web-api';
import type { SlackMessage } from './render/finding';

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
  post(channel: string, message: SlackMessage): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** The ts of the message posted for a finding since `oldestMs`, found by its metadata. */
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

export class WebApiChannelMessages implements ChannelMessages {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, message: SlackMessage): Promise<{ ts: string }> {
    const result = await this.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
      ...SAFE_POSTING,
    });
    if (result.ts === undefined) throw new Error('chat.postMessage returned no ts');
    return { ts: result.ts };
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.client.chat.update({
      channel,
      ts,
      text: message.text,
      blocks: message.blocks,
      ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
      link_names: false,
      parse: 'none',
    });
  }

  async findFindingMessage(
    channel: string,
    eventType: string,
    findingId: string,
    oldestMs: number,
  ): Promise<string | undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.history({
        channel,
        oldest: (oldestMs / 1000).toFixed(6),
        include_all_metadata: true,
        limit: 200,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const message of page.messages ?? []) {
        const metadata = message.metadata;
        // The response type leaves event_payload untyped; read it as the record it is.
        const payload = metadata?.event_payload as Record<string, unknown> | undefined;
        if (
          metadata?.event_type === eventType &&
          payload?.finding_id === findingId &&
          message.ts !== undefined
        ) {
          return message.ts;
        }
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor !== undefined);
    return undefined;
  }
}
