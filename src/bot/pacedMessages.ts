import type { SlackMessage } from './render/finding';
import type { ChannelMessages } from './slackClient';

export interface PaceOptions {
  /** Posts per second per channel (Slack: about 1). */
  readonly perSecond: number;
  /** Milliseconds since the epoch; scaled in the burst benchmark. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The widest spacing a channel's 429s may push this pacer to, as a multiple of 1/perSecond. */
  readonly maxSlowdown?: number;
}

const DEFAULT_MAX_SLOWDOWN = 3;
/** Posts without a 429 that take a slowed channel one step back toward full pace. */
const POSTS_PER_STEP_BACK = 2;
/** A 429 widens the channel's spacing by this factor; each step back takes this much off. */
const SLOWDOWN_FACTOR = 1.5;
const STEP_BACK = 0.25;

/**
 * Posts at Slack's pace: each channel's posts (thread replies too) are spaced `1/perSecond`
 * apart, so a burst of findings queues here instead of collecting 429s. A 429 that still comes
 * means another instance posts in the channel too: the messages underneath wait out its
 * Retry-After, and `rateLimited` tells this pacer, which holds the channel's queued posts until
 * then and widens its spacing there by half (up to `maxSlowdown`), easing back a quarter of the
 * base spacing every two posts that went through, so instances sharing a channel settle near Slack's limit together instead of each
 * collecting a 429 every second.
 */
export class PacedChannelMessages implements ChannelMessages {
  /** When each channel's next post may go, reserved synchronously so callers queue in order. */
  private readonly nextAt = new Map<string, number>();
  /** Each channel's spacing now, in ms (1000/perSecond until a 429 widens it). */
  private readonly spacing = new Map<string, number>();
  /** No post to the channel before this time (a Retry-After seen by any caller). */
  private readonly heldUntil = new Map<string, number>();
  private readonly clean = new Map<string, number>();

  constructor(
    private readonly inner: ChannelMessages,
    private readonly options: PaceOptions,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError('perSecond must be > 0');
  }

  private get baseMs(): number {
    return 1000 / this.options.perSecond;
  }

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ ts: string }> {
    const { now, sleep } = this.options;
    const at = Math.max(now(), this.nextAt.get(channel) ?? 0, this.heldUntil.get(channel) ?? 0);
    this.nextAt.set(channel, at + (this.spacing.get(channel) ?? this.baseMs));
    const wait = at - now();
    if (wait > 0) await sleep(wait);
    // A 429 seen meanwhile holds the posts already queued here too.
    for (;;) {
      const held = (this.heldUntil.get(channel) ?? 0) - now();
      if (held <= 0) break;
      await sleep(held);
    }
    const limitedBefore = this.heldUntil.get(channel);
    const posted = await this.inner.post(channel, message, threadTs);
    if (this.heldUntil.get(channel) === limitedBefore) this.wentThrough(channel);
    return posted;
  }

  /** The channel answered 429 with `retryAfterMs`: hold it and widen its spacing. */
  rateLimited(channel: string, retryAfterMs: number): void {
    const { now } = this.options;
    const max = this.baseMs * (this.options.maxSlowdown ?? DEFAULT_MAX_SLOWDOWN);
    const spacing = Math.min(max, (this.spacing.get(channel) ?? this.baseMs) * SLOWDOWN_FACTOR);
    this.spacing.set(channel, spacing);
    const until = now() + retryAfterMs;
    this.heldUntil.set(channel, Math.max(this.heldUntil.get(channel) ?? 0, until));
    this.nextAt.set(channel, Math.max(this.nextAt.get(channel) ?? 0, until + spacing));
    this.clean.set(channel, 0);
  }

  private wentThrough(channel: string): void {
    const spacing = this.spacing.get(channel);
    if (spacing === undefined) return;
    const clean = (this.clean.get(channel) ?? 0) + 1;
    if (clean < POSTS_PER_STEP_BACK) {
      this.clean.set(channel, clean);
      return;
    }
    this.clean.set(channel, 0);
    const eased = spacing - this.baseMs * STEP_BACK;
    if (eased <= this.baseMs) this.spacing.delete(channel);
    else this.spacing.set(channel, eased);
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
