import type { JsonObject } from './audit/record';
import type { ActionKind, Actor } from './contract';
import type { IntentStatus } from './intents';
import { familyKinds, type ActionFamily } from './kinds';

/** The latest intent of one kind, for status lines and "already being…" answers. */
export interface IntentSummary {
  readonly intentId: string;
  readonly kind: ActionKind;
  /** The state version the intent was accepted at: later intents have higher versions. */
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
  /** Quarantine that failed half-way: some interfaces moved, release restores them. */
  readonly partial?: boolean;
}

/**
 * The remediation state of one finding, in its own item of the idempotency table (`state#ID`),
 * so findings acted on through `/guardduty` without a posted message work the same way.
 * `version` moves on with every finished intent; buttons carry the version they were drawn with.
 */
export interface RemediationState {
  readonly findingId: string;
  readonly version: number;
  readonly latest: Partial<Record<ActionKind, IntentSummary>>;
  readonly applied: Partial<Record<ActionFamily, AppliedAction>>;
}

export type AppliedChange =
  { readonly set: AppliedAction } | { readonly remove: true } | { readonly keep: true };

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

export function initialState(findingId: string): RemediationState {
  return { findingId, version: 0, latest: {}, applied: {} };
}
