/** Which publication of a finding is newer: GuardDuty raises `count` and `updatedAt` on repeats. */
export interface FindingVersion {
  readonly count: number;
  readonly updatedAtMs: number;
}

export function isNewerVersion(candidate: FindingVersion, stored: FindingVersion): boolean {
  return candidate.count > stored.count || candidate.updatedAtMs > stored.updatedAtMs;
}

/** What the bot knows about one finding and its Slack message. */
export interface FindingRecord extends FindingVersion {
  readonly findingId: string;
  /** `posting` between the claim and a confirmed `chat.postMessage`; `posted` after. */
  readonly status: 'posting' | 'posted';
  readonly claimToken: string;
  readonly claimedAt: number;
  readonly channel: string;
  readonly ts?: string;
  readonly postedAt?: number;
  readonly severity: number;
  readonly type: string;
  readonly title: string;
  readonly accountId: string;
  readonly region: string;
  /** The finding as last rendered (JSON), to re-render the message and for `/guardduty show`. */
  readonly finding: string;
  /** The IP Insights view shown in the message (JSON). */
  readonly score: string;
}

/** The fields written when a newer publication of a finding replaces the stored one. */
export type FindingContent = Pick<
  FindingRecord,
  'count' | 'updatedAtMs' | 'severity' | 'type' | 'title' | 'finding' | 'score'
>;
