import type { Finding } from '../findings';
import type { Log } from '../shared/log';
import type { CallRecord, JsonObject } from './audit/record';
import type { AwsCall, AwsCallResult, AwsGateway } from './ports/awsGateway';
import {
  AlreadyInStateError,
  CallFailedError,
  RemediationRefusedError,
  TargetNotFoundError,
} from './errors';
import { callRecord, executeCalls } from './execute';
import { parseStoredFinding } from '../findings';
import { auditSubject, type Intent, type IntentOutcome } from './intents';
import { KINDS } from './kinds';
import { PLANNERS, type Execution, type Plan } from './plans';
import { summaryOf } from './service';
import type { RemediationReporter } from './ports/reporter';
import type { AppliedChange } from './remediationState';
import type {
  AuditAppender,
  IntentRepository,
  RemediationStateRepository,
} from './ports/repositories';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';

export interface RemediationWorkerDeps {
  readonly intents: IntentRepository;
  readonly state: RemediationStateRepository;
  readonly audit: AuditAppender;
  /** Live AWS; never used for dry-run intents. */
  readonly aws?: AwsGateway;
  readonly reporter: RemediationReporter;
  readonly clock: () => Date;
  readonly log: Log;
}

/** The live AWS gateway is missing (e.g. a sandbox started without --live got a live intent). */
export class NoAwsGatewayError extends CodedError {
  override readonly name = 'NoAwsGatewayError';
  readonly code = ErrorCode.NoAwsGateway;
}

interface Attempt {
  readonly plan?: Plan;
  readonly execution: Execution;
  readonly calls: CallRecord[];
  readonly error?: string;
  readonly refused: boolean;
}

/**
 * Runs one intent: pending → running (conditional, so a retried or duplicated invocation runs
 * nothing), plan, execute (or only plan, in a dry run), audit the outcome, record the new state
 * and report to Slack. A failure ends the intent `failed` with words for the responder; the
 * next version of the message offers the button again.
 */
export class RemediationWorker {
  constructor(private readonly deps: RemediationWorkerDeps) {}

  async run(intentId: string): Promise<void> {
    const { deps } = this;
    const intent = await deps.intents.get(intentId);
    if (intent === undefined) {
      deps.log.warn('no such intent; nothing to run', { intentId });
      return;
    }
    if (intent.status === 'succeeded' || intent.status === 'failed') {
      if (intent.reported !== true && intent.outcome !== undefined) {
        await this.report(intent, intent.outcome);
      }
      return;
    }
    const startedAt = deps.clock().toISOString();
    if (intent.status !== 'pending' || !(await deps.intents.start(intent.id, startedAt))) {
      deps.log.info('intent already taken by another run', { intentId, status: intent.status });
      return;
    }
    const running: Intent = { ...intent, status: 'running', startedAt };
    await deps.state.setLatest(intent.findingId, summaryOf(running));
    await this.bestEffort('progress', () => deps.reporter.progress(running));

    const finding = parseStoredFinding(intent.finding);
    const attempt = await this.attempt(running, finding);
    const outcome = await this.settle(running, attempt);
    await this.report({ ...running, status: outcome.status }, outcome, finding);
  }

  private async attempt(intent: Intent, finding: Finding): Promise<Attempt> {
    const { deps } = this;
    const calls: CallRecord[] = [];
    const failed = (error: string, refused = false, plan?: Plan, execution?: Execution) => ({
      ...(plan === undefined ? {} : { plan }),
      execution: execution ?? { executed: [], complete: false, dryRun: intent.dryRun },
      calls,
      error,
      refused,
    });
    const state = await deps.state.get(intent.findingId);
    const applied = state.applied[KINDS[intent.kind].family];
    const context = {
      finding,
      intent,
      ...(applied === undefined ? {} : { applied }),
      now: deps.clock(),
    };
    const aws = deps.aws;
    if (!intent.dryRun && aws === undefined) {
      return failed(
        new NoAwsGatewayError('no AWS access is configured for live remediation').message,
      );
    }
    const read = async (call: AwsCall): Promise<AwsCallResult> => {
      if (aws === undefined) throw new NoAwsGatewayError('no AWS gateway');
      try {
        const result = await aws.call(call);
        calls.push(callRecord(call, result.requestId));
        return result;
      } catch (error) {
        throw new CallFailedError(call, error);
      }
    };
    let plan: Plan;
    try {
      plan = await PLANNERS[intent.kind].observeAndPlan(context, intent.dryRun ? undefined : read);
    } catch (error) {
      if (error instanceof RemediationRefusedError) return failed(error.message, true);
      if (
        error instanceof AlreadyInStateError ||
        error instanceof TargetNotFoundError ||
        error instanceof CallFailedError
      ) {
        return failed(error.message);
      }
      deps.log.error('planning failed', { intentId: intent.id, error: errorMessage(error) });
      return failed(`could not plan the action: ${errorMessage(error)}`);
    }
    if (intent.dryRun || aws === undefined) {
      calls.push(...plan.calls.map((call) => callRecord(call)));
      return {
        plan,
        execution: { executed: [], complete: true, dryRun: true },
        calls,
        refused: false,
      };
    }
    const { execution, failure } = await executeCalls(plan.calls, aws);
    calls.push(...execution.executed.map((e) => callRecord(e.call, e.result.requestId)));
    if (failure !== undefined) return failed(failure.message, false, plan, execution);
    return { plan, execution, calls, refused: false };
  }

  /** Audit, intent and state, in that order: the audit record exists before anything says done. */
  private async settle(intent: Intent, attempt: Attempt): Promise<IntentOutcome> {
    const { deps } = this;
    const status = attempt.error === undefined ? 'succeeded' : 'failed';
    const settlement = attempt.plan?.settle(attempt.execution) ?? {
      after: {},
      change: { keep: true } as AppliedChange,
    };
    const before: JsonObject = attempt.plan?.before ?? {};
    const finishedAt = deps.clock().toISOString();
    const requestIds = attempt.calls.flatMap((c) =>
      c.requestId === undefined ? [] : [c.requestId],
    );
    const record = await deps.audit.append({
      at: finishedAt,
      type: attempt.refused ? 'refusal' : 'outcome',
      ...auditSubject(intent),
      result: attempt.refused ? (attempt.error ?? 'refused') : status,
      calls: attempt.calls,
      awsRequestIds: requestIds,
      before,
      after: settlement.after,
      ...(attempt.error === undefined ? {} : { error: attempt.error }),
    });
    const outcome: IntentOutcome = {
      status,
      refused: attempt.refused,
      calls: attempt.calls,
      before,
      after: settlement.after,
      ...(attempt.error === undefined ? {} : { error: attempt.error }),
      auditSeq: record.seq,
      auditHash: record.hash,
    };
    if (!(await deps.intents.finish(intent.id, 'running', { status, finishedAt, outcome }))) {
      // Closed as stuck meanwhile; what AWS did still decides the state below.
      deps.log.error('intent was closed by someone else while it ran', { intentId: intent.id });
    }
    await deps.state.recordOutcome(
      intent.findingId,
      KINDS[intent.kind].family,
      summaryOf({ ...intent, status }, finishedAt, attempt.error),
      settlement.change,
    );
    deps.log.info('remediation finished', {
      intentId: intent.id,
      findingId: intent.findingId,
      action: intent.kind,
      status,
      dryRun: intent.dryRun,
      // The chain head, outside the table: what `audit verify` must agree with.
      auditSeq: record.seq,
      auditHash: record.hash,
    });
    return outcome;
  }

  /** Slack failures throw (the invocation is retried and reports again); the action stays done. */
  private async report(intent: Intent, outcome: IntentOutcome, finding?: Finding): Promise<void> {
    await this.deps.reporter.finished(
      intent,
      finding ?? parseStoredFinding(intent.finding),
      outcome,
    );
    await this.deps.intents.markReported(intent.id);
  }

  private async bestEffort(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.deps.log.warn(`could not report ${what} to Slack`, { error: errorMessage(error) });
    }
  }
}
