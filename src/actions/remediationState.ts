import type { JsonObject } from './audit/record';
import type { ActionKind, Actor } from './contract';
import type { IntentStatus } from './intents';
import { familyKinds, type ActionFamily } from './kinds';

/** The latest intent of one kind, for status lines and "already being…" answers. */
export interface IntentSummary {
  readonly intentId: string;
  readonly kind: ActionKind;
  /** The subject's version the intent was accepted at: later intents have higher versions. */
  readonly version: number;
  readonly status: IntentStatus;
  readonly by: Actor;
  readonly requestedAt: string;
  readonly finishedAt?: string;
  readonly dryRun: boolean;
  readonly error?: string;
}

/** A remediation in force, with what its undo needs (e.g. the original security groups). */
export interface AppliedAction {
  readonly intentId: string;
  readonly by: Actor;
  readonly at: string;
  readonly dryRun: boolean;
  readonly target: string;
  readonly undo: JsonObject;
  /** The finding it was taken from (the subject may be shared by several findings). */
  readonly findingId?: string;
  /** Quarantine that failed half-way: some interfaces moved, release restores them. */
  readonly partial?: boolean;
}

export type AppliedChange =
  { readonly set: AppliedAction } | { readonly remove: true } | { readonly keep: true };

/**
 * What one action family has done to one subject (an instance, an access key, a role, or for
 * archive and suppress the finding itself), written by the worker only: the Slack function can
 * read it but never write it (IAM denies its key prefix), so undo details cannot be forged.
 * `version` moves on with every finished intent; buttons carry the version they were drawn with.
 */
export interface SubjectState {
  readonly family: ActionFamily;
  readonly subject: string;
  readonly version: number;
  readonly applied?: AppliedAction;
  /** The intent the worker is running now, so every message of the subject shows it. */
  readonly running?: IntentSummary;
  /** The newest finished intent of the family, for status lines. */
  readonly last?: IntentSummary;
}

export function initialSubjectState(family: ActionFamily, subject: string): SubjectState {
  return { family, subject, version: 0 };
}

/**
 * The remediation state one finding's message shows: for each family that fits it, its
 * subject's state (shared with every other finding about the same instance, key or role).
 */
export interface RemediationState {
  readonly findingId: string;
  /** The version per family; a button carries its family's. */
  readonly versions: Partial<Record<ActionFamily, number>>;
  readonly latest: Partial<Record<ActionKind, IntentSummary>>;
  readonly applied: Partial<Record<ActionFamily, AppliedAction>>;
  /**
   * A list family whose entry for the finding's remote IP is not listed, but a range holding the
   * IP is: the range's record (its target is the range), for the mark only.
   */
  readonly covering?: Partial<
    Record<ActionFamily, { readonly address: string; readonly applied: AppliedAction }>
  >;
}

export function initialState(findingId: string): RemediationState {
  return { findingId, versions: {}, latest: {}, applied: {} };
}

/** The version a family's buttons carry. */
export function versionOf(state: RemediationState, family: ActionFamily): number {
  return state.versions[family] ?? 0;
}

/** A finding's view, from its subjects' states. */
export function findingView(
  findingId: string,
  subjects: readonly SubjectState[],
): RemediationState {
  const versions: Partial<Record<ActionFamily, number>> = {};
  const latest: Partial<Record<ActionKind, IntentSummary>> = {};
  const applied: Partial<Record<ActionFamily, AppliedAction>> = {};
  for (const subject of subjects) {
    versions[subject.family] = subject.version;
    if (subject.applied !== undefined) applied[subject.family] = subject.applied;
    if (subject.last !== undefined) latest[subject.last.kind] = subject.last;
    if (subject.running !== undefined) latest[subject.running.kind] = subject.running;
  }
  return { findingId, versions, latest, applied };
}

/** The pending or running intent of a family (its action or its undo), if any. */
export function inProgress(
  state: RemediationState,
  family: ActionFamily,
): IntentSummary | undefined {
  const { forward, undo } = familyKinds(family);
  return [state.latest[forward], state.latest[undo]].find(
    (s) => s?.status === 'pending' || s?.status === 'running',
  );
}
