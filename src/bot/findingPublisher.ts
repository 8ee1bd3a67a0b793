import { parseStoredFinding, type Finding } from '../findings';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import {
  isNewerVersion,
  type FindingContent,
  type FindingRecord,
  type FindingVersion,
} from '../actions/findingRecords';
import type { FindingRecordRepository } from '../actions/ports/repositories';
import {
  FINDING_EVENT_TYPE,
  renderFinding,
  type ScoreView,
  type SlackMessage,
} from './render/finding';
import { scoreFinding } from './scoreFinding';
import type { ChannelMessages } from './slackClient';
import { CodedError, ErrorCode } from '../shared/errors';

/** Adds what the remediation layer owns (buttons, status lines) to a finding's message. */
export type MessageDecorator = (
  finding: Finding,
  record: FindingRecord | undefined,
) => Promise<Pick<Parameters<typeof renderFinding>[1], 'buttons' | 'status'>>;

export type PublishOutcome =
  | { readonly kind: 'posted'; readonly ts: string }
  | { readonly kind: 'updated'; readonly ts: string }
  | { readonly kind: 'unchanged'; readonly reason: 'not newer than the posted finding' }
  | { readonly kind: 'below-threshold'; readonly minSeverity: number };

export interface FindingPublisherDeps {
  readonly store: FindingRecordRepository;
  readonly messages: ChannelMessages;
  readonly scorer: Scorer;
  readonly channel: string;
  readonly minSeverity: number;
  readonly clock: () => Date;
  readonly newToken: () => string;
  readonly log: Log;
  readonly decorate?: MessageDecorator;
  /** How long a claim may stay unfinished before another delivery checks Slack and takes over. */
  readonly staleClaimMs?: number;
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

function versionOf(finding: Finding): FindingVersion {
  return { count: finding.service.count, updatedAtMs: Date.parse(finding.updatedAt) };
}

/**
 * Posts each finding once and keeps its message current. The state write comes first and is
 * conditional, so retries, redeliveries and concurrent invocations never post twice: a Slack or
 * store failure throws (the invocation is retried) and leaves either no claim or a claim that the
 * next attempt can resolve by looking for the message in the channel.
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
    const existing = await deps.store.get(finding.id);
    if (existing?.status === 'posted') return this.updateIfNewer(finding, existing);
    if (existing === undefined) {
      return this.postNew(finding, await scoreFinding(finding, deps.scorer, deps.log));
    }
    return this.resolveUnfinishedClaim(finding, existing);
  }

  /**
   * Re-renders a posted finding's message from the stored finding and the remediation layer's
   * current buttons and status (after an action, an undo or a failure). False when the finding
   * has no posted message.
   */
  async refresh(findingId: string): Promise<boolean> {
    const record = await this.deps.store.get(findingId);
    if (record?.status !== 'posted' || record.ts === undefined) return false;
    const finding = parseStoredFinding(record.finding);
    const score = JSON.parse(record.score) as ScoreView;
    await this.deps.messages.update(
      record.channel,
      record.ts,
      await this.render(finding, score, record),
    );
    return true;
  }

  private content(finding: Finding, score: ScoreView): FindingContent {
    return {
      ...versionOf(finding),
      severity: finding.severity,
      type: finding.type,
      title: finding.title,
      finding: JSON.stringify(finding),
      score: JSON.stringify(score),
    };
  }

  private async render(
    finding: Finding,
    score: ScoreView,
    record: FindingRecord | undefined,
  ): Promise<SlackMessage> {
    const extras =
      this.deps.decorate === undefined ? {} : await this.deps.decorate(finding, record);
    return renderFinding(finding, { score, ...extras });
  }

  private async postNew(finding: Finding, score: ScoreView): Promise<PublishOutcome> {
    const { deps } = this;
    const claimToken = deps.newToken();
    const record: FindingRecord = {
      findingId: finding.id,
      status: 'posting',
      claimToken,
      claimedAt: deps.clock().getTime(),
      channel: deps.channel,
      accountId: finding.accountId,
      region: finding.region,
      ...this.content(finding, score),
    };
    if (!(await deps.store.claim(record))) {
      // Someone else claimed it between our read and our write: decide again from their state.
      return this.publish(finding);
    }
    return this.postUnderClaim(finding, score, claimToken);
  }

  private async postUnderClaim(
    finding: Finding,
    score: ScoreView,
    claimToken: string,
  ): Promise<PublishOutcome> {
    const { deps } = this;
    let ts: string;
    try {
      ({ ts } = await deps.messages.post(
        deps.channel,
        await this.render(finding, score, undefined),
      ));
    } catch (error) {
      await deps.store.release(finding.id, claimToken);
      throw error;
    }
    const marked = await deps.store.markPosted(finding.id, claimToken, {
      channel: deps.channel,
      ts,
      postedAt: deps.clock().getTime(),
    });
    if (!marked) {
      // Our claim was taken over after it went stale; the other delivery adopts our message.
      deps.log.warn('claim lost after posting; the taking-over delivery adopts this message', {
        findingId: finding.id,
        ts,
      });
    }
    deps.log.info('finding posted', { findingId: finding.id, ts, severity: finding.severity });
    return { kind: 'posted', ts };
  }

  /**
   * A claim exists but no message was recorded: another delivery is posting now, or one crashed
   * between posting and recording. Only a stale claim is resolved, by asking Slack whether the
   * message exists before posting it.
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
    const found = await deps.messages.findFindingMessage(
      existing.channel,
      FINDING_EVENT_TYPE,
      finding.id,
      existing.claimedAt - this.staleClaimMs,
    );
    if (found === undefined) {
      // Scored only now: a claim still in progress is turned away above without the work.
      const score = await scoreFinding(finding, deps.scorer, deps.log);
      return this.postUnderClaim(finding, score, claimToken);
    }
    await deps.store.markPosted(finding.id, claimToken, {
      channel: existing.channel,
      ts: found,
      postedAt: now,
    });
    deps.log.info('adopted a message posted by an unfinished delivery', {
      findingId: finding.id,
      ts: found,
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
      return { kind: 'unchanged', reason: 'not newer than the posted finding' };
    }
    const score = await scoreFinding(finding, deps.scorer, deps.log);
    const content = this.content(finding, score);
    const previous = await deps.store.replaceWithNewer(finding.id, content);
    if (previous === undefined) {
      return { kind: 'unchanged', reason: 'not newer than the posted finding' };
    }
    try {
      await deps.messages.update(
        existing.channel,
        existing.ts,
        await this.render(finding, score, existing),
      );
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
