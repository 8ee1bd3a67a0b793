/** What `/guardduty status` says about the organisation: where findings came from, what failed. */

export interface SeenPlace {
  readonly accountId: string;
  readonly region: string;
  /** ms since the epoch. */
  readonly lastSeen: number;
}

export interface AssumeRoleFailure {
  readonly accountId: string;
  readonly roleArn: string;
  readonly reason: string;
  readonly at: string;
}

export interface OrganizationActivity {
  /** A finding from this account and region was posted or updated. */
  sawFinding(accountId: string, region: string, at: Date): Promise<void>;
  /** Accounts and regions findings came from since then, newest first. */
  seenSince(since: Date): Promise<SeenPlace[]>;
  /** The member role could not be assumed (kept until an AssumeRole there succeeds). */
  assumeFailed(failure: AssumeRoleFailure): Promise<void>;
  assumeSucceeded(accountId: string): Promise<void>;
  assumeFailures(): Promise<AssumeRoleFailure[]>;
}
