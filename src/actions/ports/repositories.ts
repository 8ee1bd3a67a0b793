import type { AuditDraft, AuditRecord } from '../audit/record';
import type { AuditReader } from '../contract';
import type { FindingContent, FindingRecord, FindingVersion, MessageRef } from '../findingRecords';
import type { Intent, IntentOutcome, IntentRequest, IntentRun, RunProgress } from '../intents';
import type { ActionFamily } from '../kinds';
import type { AppliedChange, IntentSummary, SubjectState } from '../remediationState';

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
  /** The thread the message is a reply in (a digest's). */
  readonly threadTs?: string;
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

/** One digest of one channel: claimed once, whoever runs it (schedule, retry, `/guardduty digest`). */
export interface DigestRun {
  /** `digest#C…#2026-12-01` for the day's scheduled run, `digest#C…#manual#<ms>` for a command. */
  readonly runId: string;
  readonly channel: string;
  readonly claimedAt: number;
  readonly runStatus: 'running' | 'posted';
  /** The findings taken into the run, saved before anything is posted (a retry resumes them). */
  readonly taken?: readonly string[];
  /** The summary message, once posted. */
  readonly ts?: string;
  readonly count?: number;
}

/** The findings waiting for digests, and the digests' runs (the findings table). */
export interface DigestRepository {
  /** Claims a run: undefined when ours, else the run already there. */
  claimRun(run: DigestRun): Promise<DigestRun | undefined>;
  /** Ids of the findings waiting for the channel's digest, oldest first. */
  waiting(channel: string): Promise<string[]>;
  /**
   * Takes a waiting finding into the run (its claim, for the thread reply): the record after, or
   * undefined when it is no longer waiting (another digest took it, or it was posted on its own).
   */
  take(
    findingId: string,
    channel: string,
    runId: string,
    at: number,
  ): Promise<FindingRecord | undefined>;
  /** A run left `running` by a failed attempt: ours now, unless another attempt took it first. */
  takeOverRun(runId: string, staleClaimedAt: number, claimedAt: number): Promise<boolean>;
  saveProgress(
    runId: string,
    progress: { readonly taken?: readonly string[]; readonly ts?: string },
  ): Promise<void>;
  finishRun(runId: string, ts: string | undefined, count: number): Promise<void>;
}

/** A burst of findings of one type and account in one channel, counted within a window. */
export interface BurstGroup {
  /** `burst#<channel>#<account>#<type>`. */
  readonly key: string;
  /** When the window opened; a finding after `windowStart + window` opens a new one. */
  readonly windowStart: number;
  readonly count: number;
  /** Findings counted before the burst's message was posted (they were posted on their own). */
  readonly solo?: number;
  /** The burst's message, once posted: its findings reply in its thread. */
  readonly ts?: string;
}

/** The bursts' shared counters and messages (the findings table). */
export interface BurstGroupRepository {
  /** Counts `n` findings into the key's open window, or opens a new one: the group after. */
  count(key: string, n: number, now: number, windowMs: number): Promise<BurstGroup>;
  /** The right to post the window's message: true when ours (none posted or claimed recently). */
  claimParent(
    key: string,
    windowStart: number,
    token: string,
    solo: number,
    now: number,
  ): Promise<boolean>;
  /** Records the message posted under our claim. */
  setParent(key: string, windowStart: number, token: string, ts: string): Promise<void>;
  get(key: string): Promise<BurstGroup | undefined>;
}

/** The findings table's index by subject, for redrawing every message about one. */
export interface FindingsBySubject {
  /** The posted findings about one IAM or EC2 subject (`resourceSubject`), newest first. */
  aboutSubject(subject: string, limit: number): Promise<FindingRecord[]>;
}

/**
 * Accepted requests (written by whoever accepts them, the Slack function too) and the worker's
 * runs of them (written by the worker only). The boolean answers are "did our condition hold".
 */
export interface IntentRepository {
  /** Records a new request; false when one with the same key exists (a duplicate click). */
  create(request: IntentRequest): Promise<boolean>;
  /** The request item as stored, unchecked: the worker validates it before trusting a field. */
  request(id: string): Promise<unknown>;
  run(id: string): Promise<IntentRun | undefined>;
  /** The request with its run, for Slack-side answers ("already being archived by…"). */
  get(id: string): Promise<Intent | undefined>;
  /** Starts the first run of an intent; false when a run exists. */
  startRun(run: IntentRun): Promise<boolean>;
  /** Takes over a run whose lease expired or was released; false if someone else moved first. */
  takeOverRun(id: string, staleToken: string, run: IntentRun): Promise<boolean>;
  /** Saves how far the run got, under our lease; false when the lease is no longer ours. */
  saveProgress(id: string, leaseToken: string, progress: RunProgress): Promise<boolean>;
  /** Ends our lease now (after a failure we throw for), so the retry resumes at once. */
  releaseLease(id: string, leaseToken: string): Promise<void>;
  /** running → succeeded / failed, under our lease. */
  finishRun(
    id: string,
    leaseToken: string,
    finished: { status: 'succeeded' | 'failed'; finishedAt: string; outcome: IntentOutcome },
  ): Promise<boolean>;
  markReported(id: string): Promise<void>;
}

export interface SubjectKey {
  readonly family: ActionFamily;
  readonly subject: string;
}

/** What each family has done to each subject; written by the worker only. */
export interface SubjectStateRepository {
  get(key: SubjectKey): Promise<SubjectState>;
  /** Several at once (one round trip), in the order asked. */
  getMany(keys: readonly SubjectKey[]): Promise<SubjectState[]>;
  /** Marks an intent as running on the subject, for every message about it to show. */
  setRunning(key: SubjectKey, running: IntentSummary): Promise<void>;
  /**
   * A finished intent: what is now in force, its summary and the next version, only if the
   * subject is still at `fromVersion` (false otherwise: settled already, by us or a retry).
   */
  settle(
    key: SubjectKey,
    fromVersion: number,
    change: AppliedChange,
    last: IntentSummary,
  ): Promise<boolean>;
}

/** The append-only audit log: one hash chain per finding (`chainOf`). */
export interface AuditRepository extends AuditReader {
  /** Appends the record that follows its chain's head; concurrent appends never share a seq. */
  append(draft: AuditDraft): Promise<AuditRecord>;
  head(chain: string): Promise<AuditRecord | undefined>;
  /** A record of this id among the chain's newest, for appends a retried step must not repeat. */
  findRecent(chain: string, recordId: string): Promise<AuditRecord | undefined>;
}

/** The whole audit log read at once, for `audit verify` (never from a Lambda function). */
export interface AuditChains {
  /** Every chain's records in seq order. */
  chains(): Promise<ReadonlyMap<string, readonly AuditRecord[]>>;
}

/** What a component that only appends needs. */
export type AuditAppender = Pick<AuditRepository, 'append'>;
