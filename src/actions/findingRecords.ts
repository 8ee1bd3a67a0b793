import type { PageState } from '../paging/pageState';

/** Which publication of a finding is newer: GuardDuty raises `count` and `updatedAt` on repeats. */
export interface FindingVersion {
  readonly count: number;
  readonly updatedAtMs: number;
}

export function isNewerVersion(candidate: FindingVersion, stored: FindingVersion): boolean {
  return candidate.count > stored.count || candidate.updatedAtMs > stored.updatedAtMs;
}

/** One Slack message of a finding. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

/**
 * Where a finding is in its life: `posting` between the claim and confirmed posts; `posted` after;
 * `digest` while it waits for its channel's next digest.
 */
export type FindingStatus = 'posting' | 'posted' | 'digest';

/** What the bot knows about one finding and its Slack messages. */
export interface FindingRecord extends FindingVersion {
  readonly findingId: string;
  readonly status: FindingStatus;
  readonly claimToken: string;
  readonly claimedAt: number;
  /** The first channel the route names (its message is `ts`), or the digest's channel. */
  readonly channel: string;
  readonly ts?: string;
  /** Set when the message is a reply in a thread (a digest's): the thread's parent. */
  readonly threadTs?: string;
  readonly postedAt?: number;
  /** Every channel the route posts to, first one first (absent: `channel` alone). */
  readonly channels?: readonly string[];
  /** The finding's messages in the route's other channels. */
  readonly copies?: readonly MessageRef[];
  /** The route that decided where the finding went. */
  readonly route?: string;
  /** Set only while the finding waits for a digest: the key of the pending-digest index. */
  readonly digestChannel?: string;
  /** The on-call page, when the finding was paged (written by the pager only). */
  readonly page?: PageState;
  readonly severity: number;
  readonly type: string;
  readonly title: string;
  readonly accountId: string;
  readonly region: string;
  /** The IAM or EC2 subject the finding is about (`resourceSubject`), indexed for redraws. */
  readonly resource?: string;
  /** The finding as last rendered (JSON), to re-render the message and for `/guardduty show`. */
  readonly finding: string;
  /** The IP Insights view shown in the message (JSON). */
  readonly score: string;
}

/** Every message of a posted finding: the first channel's, then the copies. */
export function messagesOf(record: FindingRecord): MessageRef[] {
  return [
    ...(record.ts === undefined ? [] : [{ channel: record.channel, ts: record.ts }]),
    ...(record.copies ?? []),
  ];
}

/** The channels a finding's route posts to. */
export function channelsOf(record: FindingRecord): readonly string[] {
  return record.channels ?? [record.channel];
}

/** What the claim holds for `score` until the finding is scored (claims are written first). */
export const SCORE_PENDING = JSON.stringify({ reading: 'Not scored yet' });

/** The fields written when a newer publication of a finding replaces the stored one. */
export type FindingContent = Pick<
  FindingRecord,
  'count' | 'updatedAtMs' | 'severity' | 'type' | 'title' | 'finding' | 'score'
>;
