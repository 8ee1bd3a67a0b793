import { parseStoredFinding, type Finding } from '../findings';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import {
  channelsOf,
  isNewerVersion,
  messagesOf,
  SCORE_PENDING,
  type FindingContent,
  type FindingRecord,
  type FindingVersion,
  type MessageRef,
} from '../actions/findingRecords';
import type { FindingRecordRepository } from '../actions/ports/repositories';
import { resourceSubject } from '../actions/targets';
import type { RouteDecision } from '../routing/match';
import type { PageQueue } from '../paging/ports';
import {
  FINDING_EVENT_TYPE,
  renderFinding,
  type ScoreView,
  type SlackMessage,
} from './render/finding';
import { scoreFinding } from './scoreFinding';
import type { ChannelMessages } from './slackClient';
import type { BurstGrouping, BurstThread } from './burstGrouping';
import { CodedError, ErrorCode } from '../shared/errors';

/** What the remediation layer adds to a finding's message: buttons, status lines. */
type Decorations = Awaited<ReturnType<MessageDecorator>>;

/** Adds what the remediation layer owns (buttons, status lines) to a finding's message. */
export type MessageDecorator = (
  finding: Finding,
  record: FindingRecord | undefined,
  /**
   * `fresh`: a message posted for the first time. Only what it shares with other findings (an
   * instance, a key, a role) can be in force already; the finding itself is untouched.
   */
  options?: { readonly fresh?: boolean },
) => Promise<
  Pick<Parameters<typeof renderFinding>[1], 'buttons' | 'status' | 'account' | 'badges'>
>;

export type PublishOutcome =
  | { readonly kind: 'posted'; readonly ts: string; readonly threadTs?: string }
  | { readonly kind: 'updated'; readonly ts: string }
  | { readonly kind: 'unchanged'; readonly reason: 'not newer than the posted finding' }
  | { readonly kind: 'below-threshold'; readonly minSeverity: number }
  | { readonly kind: 'dropped'; readonly route: string; readonly reason: string }
  | { readonly kind: 'gathered'; readonly channel: string; readonly route: string };

/** One finding's outcome in a batch: a failed one is handed back to its queue. */
export type BatchOutcome = PublishOutcome | { readonly kind: 'failed'; readonly error: unknown };

/** A new finding claimed in a batch, waiting for its turn to be posted. */
interface Claimed {
  readonly index: number;
  readonly finding: Finding;
  readonly page: boolean;
  readonly claim: FindingRecord & { readonly channel: string };
  readonly channels: readonly string[];
}

/** How many findings of a batch are claimed or read at once. */
const CLAIM_CONCURRENCY = 8;

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export interface FindingPublisherDeps {
  readonly store: FindingRecordRepository;
  readonly messages: ChannelMessages;
  readonly scorer: Scorer;
  /** Where each finding goes (the routing table in force). */
  readonly route: (finding: Finding) => RouteDecision;
  readonly minSeverity: number;
  readonly clock: () => Date;
  readonly newToken: () => string;
  readonly log: Log;
  readonly decorate?: MessageDecorator;
  /** Where page requests go; without it routes that page only post. */
  readonly pages?: PageQueue;
  /** How long a claim may stay unfinished before another delivery checks Slack and takes over. */
  readonly staleClaimMs?: number;
  /** Threads bursts of one type and account in a batch (`publishMany`); without it none are. */
  readonly bursts?: BurstGrouping;
}

/** Another delivery of this finding is being posted right now; the caller should retry later. */
export class PublishInProgressError extends CodedError {
  override readonly name = 'PublishInProgressError';
  readonly code = ErrorCode.PublishInProgress;
  constructor(readonly findingId: string) {
    super(`finding ${findingId} is being posted by another delivery; retry later`);
  }
}

const DEFAULT_STALE_CLAIM_MS = 60_000;

/** A burst's key within a batch: channel, account and type. */
function threadKey(channel: string, finding: Finding): string {
  return `${channel}\u0000${finding.accountId}\u0000${finding.type}`;
}
const UNCHANGED = { kind: 'unchanged', reason: 'not newer than the posted finding' } as const;

function versionOf(finding: Finding): FindingVersion {
  return { count: finding.service.count, updatedAtMs: Date.parse(finding.updatedAt) };
}

function scoreOf(record: FindingRecord): ScoreView | undefined {
  return record.score === SCORE_PENDING ? undefined : (JSON.parse(record.score) as ScoreView);
}

/**
 * Posts each finding once where its route says and keeps its messages current. The claim comes
 * first and is conditional, so retries, redeliveries and concurrent invocations never post twice:
 * a Slack or store failure throws (the invocation is retried) and leaves either no claim or a
 * claim that the next attempt can resolve by looking for the messages in the channels.
 *
 * Store round trips: a new finding costs two (claim, record), an unchanged replay one (the lost
 * claim answers with the stored record), a finding for the digest one.
 */
export class FindingPublisher {
  private readonly staleClaimMs: number;

  constructor(private readonly deps: FindingPublisherDeps) {
    this.staleClaimMs = deps.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
  }

  /** The buttons and status lines of the messages, for anything that renders a finding too. */
  get decorator(): MessageDecorator | undefined {
    return this.deps.decorate;
  }

  async publish(finding: Finding): Promise<PublishOutcome> {
    const { deps } = this;
    if (finding.severity < deps.minSeverity) {
      deps.log.info('finding below MIN_SEVERITY, not posted', {
        findingId: finding.id,
        severity: finding.severity,
        minSeverity: deps.minSeverity,
      });
      return { kind: 'below-threshold', minSeverity: deps.minSeverity };
    }
    const decision = deps.route(finding);
    if (decision.kind === 'drop') {
      deps.log.info('finding dropped by its route', {
        findingId: finding.id,
        route: decision.route,
        reason: decision.reason,
      });
      return { kind: 'dropped', route: decision.route, reason: decision.reason };
    }
    if (decision.channels.length > 0) {
      return this.post(finding, decision.route, decision.channels, decision.page);
    }
    if (decision.digest !== undefined) return this.gather(finding, decision.route, decision.digest);
    deps.log.info('finding routed to no channel', { findingId: finding.id, route: decision.route });
    return { kind: 'dropped', route: decision.route, reason: 'the route posts to no channel' };
  }

  /**
   * Re-renders a posted finding's messages from the stored finding and the remediation layer's
   * current buttons and status (after an action, an undo or a failure). False when the finding
   * has no posted message.
   */
  async refresh(findingId: string): Promise<boolean> {
    const record = await this.deps.store.get(findingId);
    if (record?.status !== 'posted' || record.ts === undefined) return false;
    const finding = parseStoredFinding(record.finding);
    const score = scoreOf(record) ?? (await scoreFinding(finding, this.deps.scorer, this.deps.log));
    const message = await this.render(finding, score, record);
    for (const ref of messagesOf(record))
      await this.deps.messages.update(ref.channel, ref.ts, message);
    return true;
  }

  private content(finding: Finding, score: string): FindingContent {
    return {
      ...versionOf(finding),
      severity: finding.severity,
      type: finding.type,
      title: finding.title,
      finding: JSON.stringify(finding),
      score,
    };
  }

  private claimRecord(
    finding: Finding,
    route: string,
    channels: readonly string[],
  ): FindingRecord & { readonly channel: string } {
    const first = channels[0];
    if (first === undefined) throw new Error('unreachable: a claim without a channel');
    const resource = resourceSubject(finding);
    return {
      findingId: finding.id,
      status: 'posting',
      claimToken: this.deps.newToken(),
      claimedAt: this.deps.clock().getTime(),
      channel: first,
      ...(channels.length > 1 ? { channels } : {}),
      route,
      accountId: finding.accountId,
      region: finding.region,
      ...(resource === undefined ? {} : { resource }),
      ...this.content(finding, SCORE_PENDING),
    };
  }

  private async decorations(
    finding: Finding,
    record: FindingRecord | undefined,
    options: { readonly fresh?: boolean } = {},
  ): Promise<Decorations> {
    return this.deps.decorate === undefined ? {} : this.deps.decorate(finding, record, options);
  }

  /** A stored finding's message as it would be drawn now (a digest's thread entries). */
  async messageOf(record: FindingRecord): Promise<{ message: SlackMessage; score: ScoreView }> {
    const finding = parseStoredFinding(record.finding);
    const score = scoreOf(record) ?? (await scoreFinding(finding, this.deps.scorer, this.deps.log));
    return { message: await this.render(finding, score, record), score };
  }

  private async render(
    finding: Finding,
    score: ScoreView,
    record: FindingRecord | undefined,
    options: { readonly fresh?: boolean } = {},
    decorated?: Decorations,
  ): Promise<SlackMessage> {
    const extras = decorated ?? (await this.decorations(finding, record, options));
    return renderFinding(finding, { score, ...extras });
  }

  private async post(
    finding: Finding,
    route: string,
    channels: readonly string[],
    page: boolean,
  ): Promise<PublishOutcome> {
    const claim = this.claimRecord(finding, route, channels);
    const existing = await this.deps.store.claimOrRead(claim);
    if (existing === undefined) return this.postClaimed(finding, page, claim, new Map());
    return this.afterLostClaim(finding, route, channels, page, existing);
  }

  /**
   * Publishes a batch (a queue's): each finding claimed as `publish` does, then the new ones
   * posted channel by channel (channels side by side), those of one type and account that make a
   * burst as replies in its thread. One outcome per finding, in order; a failure is the finding's
   * alone. With `stop` true, findings not yet posted give their claim back and fail, to be retried.
   */
  async publishMany(
    findings: readonly Finding[],
    options: { readonly stop?: () => boolean } = {},
  ): Promise<BatchOutcome[]> {
    const outcomes = new Map<number, BatchOutcome>();
    const claimed: Claimed[] = [];
    await forEachLimited([...findings.entries()], CLAIM_CONCURRENCY, async ([index, finding]) => {
      try {
        const taken = await this.claimForBatch(index, finding);
        if ('kind' in taken) outcomes.set(index, taken);
        else claimed.push(taken);
      } catch (error) {
        outcomes.set(index, { kind: 'failed', error });
      }
    });
    claimed.sort((a, b) => a.index - b.index);
    const threads = await this.burstThreads(claimed);
    // Each finding is posted from its first channel's lane; the lanes run side by side.
    const lanes = new Map<string, Claimed[]>();
    for (const entry of claimed) {
      lanes.set(entry.claim.channel, [...(lanes.get(entry.claim.channel) ?? []), entry]);
    }
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const entry of lane) {
          outcomes.set(entry.index, await this.postInBatch(entry, threads, options.stop));
        }
      }),
    );
    return findings.map(
      (_, index) =>
        outcomes.get(index) ?? { kind: 'failed', error: new Error('unreachable: no outcome') },
    );
  }

  /** A claim for a new finding that posts to channels; anything else is published in full. */
  private async claimForBatch(index: number, finding: Finding): Promise<Claimed | PublishOutcome> {
    const decision =
      finding.severity < this.deps.minSeverity ? undefined : this.deps.route(finding);
    if (decision?.kind !== 'deliver' || decision.channels.length === 0)
      return this.publish(finding);
    const claim = this.claimRecord(finding, decision.route, decision.channels);
    const existing = await this.deps.store.claimOrRead(claim);
    if (existing !== undefined) {
      return this.afterLostClaim(
        finding,
        decision.route,
        decision.channels,
        decision.page,
        existing,
      );
    }
    return { index, finding, page: decision.page, claim, channels: decision.channels };
  }

  /** The burst threads of a batch's new findings, per channel, type and account. */
  private async burstThreads(claimed: readonly Claimed[]): Promise<Map<string, BurstThread>> {
    const threads = new Map<string, BurstThread>();
    const bursts = this.deps.bursts;
    if (bursts === undefined) return threads;
    const groups = new Map<string, { channel: string; finding: Finding; n: number }>();
    for (const { finding, channels } of claimed) {
      for (const channel of channels) {
        const key = threadKey(channel, finding);
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { channel, finding, n: 1 });
        else group.n += 1;
      }
    }
    // Channels side by side; one channel's bursts in turn (their messages share its pace).
    const byChannel = new Map<string, [string, { finding: Finding; n: number }][]>();
    for (const [key, group] of groups) {
      byChannel.set(group.channel, [...(byChannel.get(group.channel) ?? []), [key, group]]);
    }
    await Promise.all(
      [...byChannel].map(async ([channel, list]) => {
        for (const [key, { finding, n }] of list) {
          try {
            const thread = await bursts.threadFor(channel, finding.accountId, finding.type, n);
            if (thread !== undefined) threads.set(key, thread);
          } catch (error) {
            // The burst's message could not be had: its findings are posted on their own.
            this.deps.log.warn('burst thread unavailable; findings posted on their own', {
              channel,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
      }),
    );
    return threads;
  }

  private async postInBatch(
    entry: Claimed,
    threads: ReadonlyMap<string, BurstThread>,
    stop: (() => boolean) | undefined,
  ): Promise<BatchOutcome> {
    const { finding, claim } = entry;
    try {
      if (stop?.() === true) {
        await this.deps.store.release(finding.id, claim.claimToken);
        return { kind: 'failed', error: new Error('the invocation ran short of time') };
      }
      const threadOf = new Map<string, string>();
      for (const channel of entry.channels) {
        const thread = threads.get(threadKey(channel, finding));
        if (thread !== undefined) threadOf.set(channel, thread.ts);
      }
      return await this.postClaimed(finding, entry.page, claim, threadOf);
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  /** Scores and posts a finding under our fresh claim (`threads`: the channels it replies in). */
  private async postClaimed(
    finding: Finding,
    page: boolean,
    claim: FindingRecord & { readonly channel: string },
    threads: ReadonlyMap<string, string>,
  ): Promise<PublishOutcome> {
    // A new message shows what is in force on the instance, key or role it is about: that read
    // runs while the finding is scored, not after.
    const [score, decorated] = await Promise.all([
      scoreFinding(finding, this.deps.scorer, this.deps.log),
      this.decorations(finding, undefined, { fresh: true }),
    ]);
    return this.paging(page, finding, score.reading, () =>
      this.postUnderClaim(finding, score, claim, [], decorated, threads),
    );
  }

  /** The claim was lost to a record already there: a replay, a newer publication, a digest's. */
  private async afterLostClaim(
    finding: Finding,
    route: string,
    channels: readonly string[],
    page: boolean,
    existing: FindingRecord,
  ): Promise<PublishOutcome> {
    // A page that never went out (a lost request, a severity that rose) goes out now.
    const pageNow = page && existing.page === undefined;
    const reading = scoreOf(existing)?.reading;
    switch (existing.status) {
      case 'posted':
        return this.paging(pageNow, finding, reading, () => this.updateIfNewer(finding, existing));
      case 'posting':
        return this.resolveUnfinishedClaim(finding, existing);
      case 'digest':
        return this.paging(page, finding, reading, () =>
          this.leaveDigest(finding, route, channels),
        );
    }
  }

  /**
   * Posts, then asks for the page: after the post, so the page links to the message; and after a
   * failed post too, so a Slack outage never keeps on-call from hearing of the finding.
   */
  private async paging(
    page: boolean,
    finding: Finding,
    reading: string | undefined,
    post: () => Promise<PublishOutcome>,
  ): Promise<PublishOutcome> {
    if (!page) return post();
    let outcome: PublishOutcome;
    try {
      outcome = await post();
    } catch (error) {
      await this.requestPage(finding, reading).catch((pageError: unknown) => {
        this.deps.log.error('could not request the page either', {
          findingId: finding.id,
          error: pageError instanceof Error ? pageError.message : String(pageError),
        });
      });
      throw error;
    }
    await this.requestPage(finding, reading);
    return outcome;
  }

  private async requestPage(finding: Finding, reading: string | undefined): Promise<void> {
    const { deps } = this;
    if (deps.pages === undefined) {
      deps.log.info('the route pages on-call, but no on-call tool is configured', {
        findingId: finding.id,
      });
      return;
    }
    await deps.pages.enqueue({
      findingId: finding.id,
      action: 'trigger',
      requestedAt: deps.clock().toISOString(),
      finding: JSON.stringify(finding),
      ...(reading === undefined ? {} : { reading }),
    });
  }

  /** A finding waiting for the digest now routes to a channel (its severity rose): post it now. */
  private async leaveDigest(
    finding: Finding,
    route: string,
    channels: readonly string[],
  ): Promise<PublishOutcome> {
    const { deps } = this;
    const claim = this.claimRecord(finding, route, channels);
    if (!(await deps.store.leaveDigest(finding.id, { ...claim, channels, route }))) {
      // A digest took it meanwhile, or another delivery did this: decide again from the store.
      return this.publish(finding);
    }
    deps.log.info('finding leaves the digest to be posted on its own', {
      findingId: finding.id,
      route,
      severity: finding.severity,
    });
    // The claim kept the waiting record's content: this publication is written with the posts.
    const score = await scoreFinding(finding, deps.scorer, deps.log);
    const outcome = await this.postUnderClaim(finding, score, { ...claim, channels }, []);
    await deps.store.replaceWithNewer(finding.id, this.content(finding, JSON.stringify(score)));
    return outcome;
  }

  /** Waits for the channel's next digest: one conditional write, whether new or a replay. */
  private async gather(finding: Finding, route: string, channel: string): Promise<PublishOutcome> {
    const { deps } = this;
    const record: FindingRecord = {
      ...this.claimRecord(finding, route, [channel]),
      status: 'digest',
      digestChannel: channel,
    };
    const existing = await deps.store.claimOrRead(record);
    if (existing === undefined) {
      deps.log.info('finding waits for the digest', { findingId: finding.id, route, channel });
      return { kind: 'gathered', channel, route };
    }
    if (existing.status === 'posted') return this.updateIfNewer(finding, existing);
    if (existing.status === 'posting') return this.resolveUnfinishedClaim(finding, existing);
    if (!isNewerVersion(versionOf(finding), existing)) return UNCHANGED;
    await deps.store.replaceWithNewer(finding.id, this.content(finding, SCORE_PENDING));
    return { kind: 'gathered', channel: existing.channel, route };
  }

  /**
   * Posts in every channel of the claim not posted yet (`posted` holds those already done), then
   * records them all. A failure after some channels keeps those and hands the rest to the retry.
   */
  private async postUnderClaim(
    finding: Finding,
    score: ScoreView,
    claim: {
      readonly claimToken: string;
      readonly channel: string;
      readonly channels?: readonly string[];
    },
    already: readonly MessageRef[],
    decorated?: Decorations,
    threads: ReadonlyMap<string, string> = new Map(),
  ): Promise<PublishOutcome> {
    const channelList = claim.channels ?? [claim.channel];
    const { deps } = this;
    const message = await this.render(finding, score, undefined, { fresh: true }, decorated);
    const posted = [...already];
    for (const channel of channelList) {
      if (posted.some((ref) => ref.channel === channel)) continue;
      try {
        posted.push({
          channel,
          ts: (await deps.messages.post(channel, message, threads.get(channel))).ts,
        });
      } catch (error) {
        if (posted.length === 0) await deps.store.release(finding.id, claim.claimToken);
        else await deps.store.releasePartial(finding.id, claim.claimToken, posted);
        throw error;
      }
    }
    const [first, ...copies] = posted;
    if (first === undefined) throw new Error('unreachable: posted to no channel');
    const threadTs = threads.get(first.channel);
    const after = await deps.store.markPosted(finding.id, claim.claimToken, {
      channel: first.channel,
      ts: first.ts,
      ...(threadTs === undefined ? {} : { threadTs }),
      postedAt: deps.clock().getTime(),
      ...(copies.length > 0 ? { copies } : {}),
      score: JSON.stringify(score),
    });
    if (after === undefined) {
      // Our claim was taken over after it went stale; the other delivery adopts our messages.
      deps.log.warn('claim lost after posting; the taking-over delivery adopts this message', {
        findingId: finding.id,
        ts: first.ts,
      });
    }
    deps.log.info('finding posted', {
      findingId: finding.id,
      ts: first.ts,
      channels: posted.map((ref) => ref.channel),
      severity: finding.severity,
      ...(threadTs === undefined ? {} : { threadTs }),
    });
    return { kind: 'posted', ts: first.ts, ...(threadTs === undefined ? {} : { threadTs }) };
  }

  /**
   * A claim exists but its messages were not all recorded: another delivery is posting now, one
   * crashed between posting and recording, or one failed after some channels. Only a stale claim
   * is resolved, by asking Slack which messages exist before posting the others.
   */
  private async resolveUnfinishedClaim(
    finding: Finding,
    existing: FindingRecord,
  ): Promise<PublishOutcome> {
    const { deps } = this;
    const now = deps.clock().getTime();
    if (now - existing.claimedAt < this.staleClaimMs) throw new PublishInProgressError(finding.id);
    const claimToken = deps.newToken();
    if (!(await deps.store.takeOverClaim(finding.id, existing.claimToken, claimToken, now))) {
      return this.publish(finding);
    }
    const recorded = messagesOf(existing);
    const found: MessageRef[] = [...recorded];
    for (const channel of channelsOf(existing)) {
      if (found.some((ref) => ref.channel === channel)) continue;
      const ts = await deps.messages.findFindingMessage(
        channel,
        FINDING_EVENT_TYPE,
        finding.id,
        (existing.claimedAt === 0 ? (existing.postedAt ?? now) : existing.claimedAt) -
          this.staleClaimMs,
      );
      if (ts !== undefined) found.push({ channel, ts });
    }
    const missing = channelsOf(existing).filter((c) => !found.some((ref) => ref.channel === c));
    const claim = { claimToken, channel: existing.channel, channels: channelsOf(existing) };
    if (missing.length > 0) {
      // Scored only now: a claim still in progress is turned away above without the work.
      const score = scoreOf(existing) ?? (await scoreFinding(finding, deps.scorer, deps.log));
      const outcome = await this.postUnderClaim(finding, score, claim, found);
      if (found.length > recorded.length) {
        deps.log.info('adopted messages posted by an unfinished delivery', {
          findingId: finding.id,
        });
      }
      return outcome;
    }
    const [first, ...copies] = found;
    if (first === undefined) throw new Error('unreachable: no message found or posted');
    await deps.store.markPosted(finding.id, claimToken, {
      channel: first.channel,
      ts: first.ts,
      postedAt: now,
      ...(copies.length > 0 ? { copies } : {}),
    });
    deps.log.info('adopted a message posted by an unfinished delivery', {
      findingId: finding.id,
      ts: first.ts,
    });
    const adopted = await deps.store.get(finding.id);
    if (adopted?.status !== 'posted') throw new PublishInProgressError(finding.id);
    return this.updateIfNewer(finding, adopted);
  }

  private async updateIfNewer(finding: Finding, existing: FindingRecord): Promise<PublishOutcome> {
    const { deps } = this;
    const version = versionOf(finding);
    if (!isNewerVersion(version, existing) || existing.ts === undefined) {
      deps.log.info('finding not newer than the posted one; nothing changed', {
        findingId: finding.id,
        count: version.count,
        storedCount: existing.count,
      });
      return UNCHANGED;
    }
    const score = await scoreFinding(finding, deps.scorer, deps.log);
    const content = this.content(finding, JSON.stringify(score));
    const previous = await deps.store.replaceWithNewer(finding.id, content);
    if (previous === undefined) return UNCHANGED;
    try {
      const message = await this.render(finding, score, existing);
      for (const ref of messagesOf(existing)) {
        await deps.messages.update(ref.channel, ref.ts, message);
      }
    } catch (error) {
      await deps.store.restore(finding.id, version, previous);
      throw error;
    }
    deps.log.info('finding message updated', {
      findingId: finding.id,
      ts: existing.ts,
      count: version.count,
    });
    return { kind: 'updated', ts: existing.ts };
  }
}
