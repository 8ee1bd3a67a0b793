import type { SlackMessage } from './render/finding';
import type { ChannelMessages } from './slackClient';

export interface PaceOptions {
  /** Posts per second per channel (Slack: about 1). */
  readonly perSecond: number;
  /** Milliseconds since the epoch; scaled in the burst benchmark. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Posts at Slack's pace: each channel's posts (thread replies too) are spaced `1/perSecond`
 * apart, so a burst of findings queues here instead of collecting 429s. A 429 that still comes
 * (another instance posting in the channel) is waited out for its Retry-After by the messages
 * underneath, on the same injected sleep.
 */
export class PacedChannelMessages implements ChannelMessages {
  /** When each channel's next post may go, reserved synchronously so callers queue in order. */
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly inner: ChannelMessages,
    private readonly options: PaceOptions,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError('perSecond must be > 0');
  }

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }> {
    const { now, sleep, perSecond } = this.options;
    const at = Math.max(now(), this.nextAt.get(channel) ?? 0);
    this.nextAt.set(channel, at + 1000 / perSecond);
    const wait = at - now();
    if (wait > 0) await sleep(wait);
    return this.inner.post(channel, message, threadTs);
  }

  update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    return this.inner.update(channel, ts, message);
  }

  findFindingMessage(
    channel: string,
    eventType: string,
    findingId: string,
    oldestMs: number,
  ): Promise<string | undefined> {
    return this.inner.findFindingMessage(channel, eventType, findingId, oldestMs);
  }
}
