import type { Clock } from './types';

/**
 * Slack's limit on posting: about one `chat.postMessage` per second per channel (thread replies
 * included), with short bursts tolerated; past it Slack answers HTTP 429 with `Retry-After`.
 */
export interface RateLimitOptions {
  /** Messages a channel refills per second (Slack: 1). */
  readonly messagesPerSecond: number;
  /** Messages a quiet channel takes at once before the rate applies. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per channel on the sandbox's clock (so a scaled clock scales the limit too). */
export class ChannelRateLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    if (!(options.messagesPerSecond > 0) || !Number.isInteger(options.burst) || options.burst < 1) {
      throw new RangeError('rateLimit: messagesPerSecond must be > 0 and burst a whole number ≥ 1');
    }
  }

  /** Takes one message for the channel: undefined when allowed, else the seconds to wait. */
  take(channel: string): number | undefined {
    const now = this.clock.now();
    const { messagesPerSecond: rate, burst } = this.options;
    const bucket = this.buckets.get(channel) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }
}
