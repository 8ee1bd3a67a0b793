import type { Finding } from '../../findings';
import type { JsonObject, JsonValue } from '../audit/record';
import type { AwsCall, AwsCallResult } from '../ports/awsGateway';
import type { IntentRequest } from '../intents';
import type { AppliedAction, AppliedChange } from '../remediationState';
import type { Placement } from '../accounts/policy';

export interface PlanContext {
  readonly finding: Finding;
  /** The request, checked by the worker against the finding and its configuration. */
  readonly intent: IntentRequest;
  /** For an undo: what the action it undoes recorded. */
  readonly applied?: AppliedAction;
  readonly now: Date;
  /** The finding's account and region, and the member role when it is not the stack's own. */
  readonly placement?: Placement;
}

/** A call that went through, with what it returned. */
export interface ExecutedCall {
  readonly call: AwsCall;
  readonly result: AwsCallResult;
}

export interface Execution {
  /** Calls that succeeded, in order (all of them unless `complete` is false). */
  readonly executed: readonly ExecutedCall[];
  readonly complete: boolean;
  readonly dryRun: boolean;
}

export interface Settlement {
  readonly after: JsonObject;
  readonly change: AppliedChange;
}

export interface Plan {
  readonly calls: readonly AwsCall[];
  /** The state before, as the audit log records it (e.g. the original security groups). */
  readonly before: JsonObject;
  /** The state after, and what stays in force for the undo, given what was executed. */
  settle(execution: Execution): Settlement;
}

/** Runs a read-only call during observation (recorded in the audit like any other). */
export type AwsReader = (call: AwsCall) => Promise<AwsCallResult>;

/**
 * One remediation: `observe` learns the live state with read-only calls (skipped in a dry run,
 * where `assume` reads the same facts from the finding), then `plan` is pure.
 */
export interface Planner<Facts, Context = PlanContext> {
  observe?(context: Context, read: AwsReader): Promise<Facts>;
  assume(context: Context): Facts;
  plan(context: Context, facts: Facts): Plan;
}

/**
 * A planner whose facts type is hidden, for the table of planners. Facts are JSON, saved with
 * the run before any call is made, so a retried worker rebuilds exactly the same plan (and its
 * settlement) from them instead of observing a state its own calls have already changed.
 */
export interface AnyPlanner<Context = PlanContext> {
  /** `read` undefined = dry run: facts come from the finding, nothing is called. */
  facts(context: Context, read: AwsReader | undefined): Promise<JsonValue>;
  plan(context: Context, facts: JsonValue): Plan;
}

export function erase<Facts, Context = PlanContext>(
  planner: Planner<Facts, Context>,
): AnyPlanner<Context> {
  return {
    async facts(context, read) {
      const facts =
        read === undefined || planner.observe === undefined
          ? planner.assume(context)
          : await planner.observe(context, read);
      // Through JSON now, so a plan made from saved facts is the plan made from fresh ones.
      return (facts === undefined ? null : JSON.parse(JSON.stringify(facts))) as JsonValue;
    },
    plan(context, facts) {
      return planner.plan(context, (facts === null ? undefined : facts) as Facts);
    },
  };
}

/** The applied record of a forward action that went through. */
export function appliedBy(
  context: Pick<PlanContext, 'intent' | 'now'>,
  undo: JsonObject,
  dryRun: boolean,
  partial = false,
): AppliedAction {
  return {
    intentId: context.intent.id,
    by: context.intent.actor,
    at: context.now.toISOString(),
    dryRun,
    target: context.intent.target,
    findingId: context.intent.findingId,
    undo,
    ...(partial ? { partial } : {}),
  };
}

/**
 * Settling an action that either happened or did not: a forward action leaves `undo` in force,
 * an undo removes the record; a failure changes nothing.
 */
export function settleAllOrNothing(
  context: PlanContext,
  after: JsonObject,
  undo: JsonObject | undefined,
): (execution: Execution) => Settlement {
  return (execution) => {
    if (!execution.complete) return { after: {}, change: { keep: true } };
    if (undo === undefined) return { after, change: { remove: true } };
    return { after, change: { set: appliedBy(context, undo, execution.dryRun) } };
  };
}

export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
