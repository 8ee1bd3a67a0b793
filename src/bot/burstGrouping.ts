import type { BurstGroup, BurstGroupRepository } from '../actions/ports/repositories';
import type { Grouping } from '../routing/routes';
import type { Log } from '../shared/log';
import { renderBurst } from './render/burst';
import type { ChannelMessages } from './slackClient';

export interface BurstGroupingDeps {
  readonly groups: BurstGroupRepository;
  readonly messages: Pick<ChannelMessages, 'post'>;
  readonly clock: () => Date;
  readonly newToken: () => string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Log;
  /** The routing file's `grouping`: the window and the threshold. */
  readonly options: Grouping;
  /** How long another invocation's group message may take before this one posts on its own. */
  readonly parentWaitMs?: number;
}

/** One burst's thread, as this invocation knows it. */
export interface BurstThread {
  readonly key: string;
  readonly channel: string;
  readonly ts: string;
  readonly group: BurstGroup;
}

/** How many keys the in-memory window keeps at most (a flood of distinct keys cannot grow it). */
const MAX_KEYS = 10_000;
const PARENT_POLL_MS = 500;

export function burstKey(channel: string, accountId: string, type: string): string {
  return `burst#${channel}#${accountId}#${type}`;
}

/**
 * Many findings of one type and account arriving in one channel within a window become one
 * message with a thread, each finding its own reply with its state and buttons.
 *
 * Counting is in memory first (this function instance's recent findings per key), so a finding
 * of a kind not seen lately costs no store round trip; a repeat is counted in the burst's shared
 * record (one store round trip per key and batch), which at the threshold names the message to
 * thread under, posted once by whichever invocation claims it. The findings counted before it
 * was posted stay where they were posted, on their own.
 */
export class BurstGrouping {
  /** Per key, this instance's findings in the window, and whether the store has counted them. */
  private readonly recent = new Map<string, { at: number; counted: boolean }[]>();

  constructor(private readonly deps: BurstGroupingDeps) {}

  /**
   * The thread `n` new findings of this type and account join in the channel, or undefined when
   * they are no burst (or another invocation's group message did not come in time: posted on
   * their own, never lost).
   */
  async threadFor(
    channel: string,
    accountId: string,
    type: string,
    n: number,
  ): Promise<BurstThread | undefined> {
    const { deps } = this;
    const { threshold, windowMs } = deps.options;
    if (threshold <= 0) return undefined;
    const key = burstKey(channel, accountId, type);
    const now = deps.clock().getTime();
    // A key this instance saw once in the window is no burst yet: no store round trip. From the
    // second on, the count is shared, so two instances each seeing part of a burst add up.
    const uncounted = this.seen(key, n, now, windowMs, Math.min(2, threshold));
    if (uncounted === 0) return undefined;
    const group = await deps.groups.count(key, uncounted, now, windowMs);
    if (group.count < threshold) return undefined;
    if (group.ts !== undefined) return { key, channel, ts: group.ts, group };
    const token = deps.newToken();
    const solo = group.count - n;
    if (await deps.groups.claimParent(key, group.windowStart, token, solo, now)) {
      const message = renderBurst({ windowStart: group.windowStart, accountId, type });
      const { ts } = await deps.messages.post(channel, message);
      await deps.groups.setParent(key, group.windowStart, token, ts);
      deps.log.info('burst: findings of one type and account are threaded', {
        channel,
        accountId,
        type,
        ts,
        count: group.count,
      });
      return { key, channel, ts, group: { ...group, solo, ts } };
    }
    const waitUntil = now + (deps.parentWaitMs ?? 5_000);
    while (deps.clock().getTime() < waitUntil) {
      await deps.sleep(PARENT_POLL_MS);
      const current = await deps.groups.get(key);
      if (current?.windowStart !== group.windowStart) break;
      if (current.ts !== undefined) return { key, channel, ts: current.ts, group: current };
    }
    deps.log.warn('burst message not posted in time; these findings are posted on their own', {
      channel,
      accountId,
      type,
    });
    return undefined;
  }

  /**
   * Adds `n` findings to the key's in-memory window. Once it holds `least`, the findings the store
   * has not counted yet are handed over (their number; 0 while the key is quiet).
   */
  private seen(key: string, n: number, now: number, windowMs: number, least: number): number {
    const entries = (this.recent.get(key) ?? []).filter((e) => e.at > now - windowMs);
    for (let i = 0; i < n; i += 1) entries.push({ at: now, counted: false });
    this.recent.delete(key);
    this.recent.set(key, entries);
    // The oldest keys go first (a Map keeps insertion order; a key seen again moved to the end).
    for (const oldest of this.recent.keys()) {
      if (this.recent.size <= MAX_KEYS) break;
      this.recent.delete(oldest);
    }
    if (entries.length < least) return 0;
    const uncounted = entries.filter((e) => !e.counted);
    for (const entry of uncounted) entry.counted = true;
    return uncounted.length;
  }
}
