import type { AuditDraft, AuditRecord } from '../audit/record';
import type { AuditReader } from '../contract';
import type { FindingContent, FindingRecord, FindingVersion, MessageRef } from '../findingRecords';
import type { Intent, IntentOutcome, IntentStatus } from '../intents';
import type { AppliedChange, IntentSummary, RemediationState } from '../remediationState';
import type { ActionFamily } from '../kinds';

/**
 * The tables the core keeps its state in, as the core needs them. `src/store/` implements them
 * over DynamoDB (and the embedded store, which speaks DynamoDB's API); every state change is a
 * conditional write, so the boolean answers below are "did our condition hold".
 */

/** The messages and score recorded when a finding's posts are done. */
export interface PostedMessages {
  readonly channel: string;
  readonly ts: string;
  readonly postedAt: number;
  readonly copies?: readonly MessageRef[];
  /** The IP Insights view shown (JSON), when scored after the claim. */
  readonly score?: string;
}

/**
 * The finding → Slack message map. Every write is one round trip: a lost condition answers with
 * the record that won (DynamoDB's ReturnValuesOnConditionCheckFailure), never a second read.
 */
export interface FindingRecordRepository {
  get(findingId: string): Promise<FindingRecord | undefined>;
  /**
   * Claims a finding never seen before: undefined when our record was written, otherwise the
   * record already there (read by the same request).
   */
  claimOrRead(record: FindingRecord): Promise<FindingRecord | undefined>;
  /** Claims the right to post a finding never seen before. False when a record already exists. */
  claim(record: FindingRecord): Promise<boolean>;
  /** Takes over a claim left by an attempt that never finished. False if someone else moved first. */
  takeOverClaim(
    findingId: string,
    staleToken: string,
    claimToken: string,
    claimedAt: number,
  ): Promise<boolean>;
  /**
   * Records the posted messages under our claim: the record as it now is (with anything others
   * wrote meanwhile), or undefined when the claim is no longer ours.
   */
  markPosted(
    findingId: string,
    claimToken: string,
    message: PostedMessages,
  ): Promise<FindingRecord | undefined>;
  /** Drops our claim after a failed post, so a retry starts clean. */
  release(findingId: string, claimToken: string): Promise<void>;
  /**
   * Keeps the messages posted before a later channel failed and gives the claim up at once, so
   * the retry takes it over and posts only the channels still missing.
   */
  releasePartial(
    findingId: string,
    claimToken: string,
    posted: readonly MessageRef[],
  ): Promise<void>;
  /**
   * Takes a finding waiting for a digest out of it, to be posted on its own now: our claim when
   * it was still waiting, false when a digest took it first.
   */
  leaveDigest(
    findingId: string,
    claim: {
      readonly claimToken: string;
      readonly claimedAt: number;
      readonly channels: readonly string[];
      readonly route: string;
    },
  ): Promise<boolean>;
  /**
   * Stores a newer publication of a posted or waiting finding. Returns the content it replaced,
   * or undefined when the stored one is already as new (nothing written).
   */
  replaceWithNewer(findingId: string, content: FindingContent): Promise<FindingContent | undefined>;
  /** Puts back what `replaceWithNewer` replaced, if our write is still the stored one. */
  restore(findingId: string, ours: FindingVersion, previous: FindingContent): Promise<void>;
}

/** Accepted requests: the single gate between a click and AWS. */
export interface IntentRepository {
  /** Records a new intent; false when one with the same key exists (a duplicate click). */
  create(intent: Intent): Promise<boolean>;
  get(id: string): Promise<Intent | undefined>;
  /** pending → running; false when another worker took it or it already ended. */
  start(id: string, at: string): Promise<boolean>;
  /** running (or pending, when the hand-over failed) → succeeded / failed. */
  finish(
    id: string,
    from: IntentStatus,
    finished: { status: 'succeeded' | 'failed'; finishedAt: string; outcome: IntentOutcome },
  ): Promise<boolean>;
  markReported(id: string): Promise<void>;
}

/** The remediation state of each finding: latest intents and what is in force. */
export interface RemediationStateRepository {
  get(findingId: string): Promise<RemediationState>;
  /** Creates the item if missing, so later updates can set paths inside it. */
  ensure(findingId: string): Promise<void>;
  setLatest(findingId: string, summary: IntentSummary): Promise<void>;
  /** A finished intent: its summary, what is now in force, and the next version. */
  recordOutcome(
    findingId: string,
    family: ActionFamily,
    summary: IntentSummary,
    change: AppliedChange,
  ): Promise<void>;
}

/** The append-only, hash-chained audit log. */
export interface AuditRepository extends AuditReader {
  /** Appends the record that follows the current head; concurrent appends never share a seq. */
  append(draft: AuditDraft): Promise<AuditRecord>;
  head(): Promise<AuditRecord | undefined>;
  /** Every record, oldest first. */
  records(): AsyncIterable<AuditRecord>;
}

/** What a component that only appends needs. */
export type AuditAppender = Pick<AuditRepository, 'append'>;
