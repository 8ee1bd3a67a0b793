import { isIP } from 'node:net';
import { extractTuples, type Finding } from '../findings';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import type { CallRecord, JsonObject, JsonValue } from './audit/record';
import type { SuppressionCriteria } from './contract';
import type { AccountGate } from './accounts/gate';
import type { Placement } from './accounts/policy';
import {
  AlreadyInStateError,
  CallFailedError,
  MemberRoleUnavailableError,
  RemediationRefusedError,
  TargetNotFoundError,
} from './errors';
import { callOf, callRecord, executeCalls, outputField } from './execute';
import { expiryOf, expiryRefusal, trustExpiryDate } from './expiry';
import { guardrailRefusal, type GuardrailConfig } from './guardrails';
import {
  auditPlacement,
  auditSubject,
  intentOf,
  IntentRequestSchema,
  type ExecutedCallRecord,
  type IntentOutcome,
  type IntentRequest,
  type IntentRun,
  type RunProgress,
} from './intents';
import { isListKind, KINDS } from './kinds';
import { checkListRequest, type ListPolicy } from './lists/check';
import { isListChain, listChain, listOfFamily } from './lists/subjects';
import {
  LIST_PLANNERS,
  PLANNERS,
  type AwsReader,
  type ExecutedCall,
  type Execution,
  type Plan,
} from './plans';
import type { AccountSessions } from './ports/accountSessions';
import type { AwsCall, AwsCallResult, AwsGateway } from './ports/awsGateway';
import type { OrganizationActivity } from './ports/organizationActivity';
import type { RemediationReporter } from './ports/reporter';
import type {
  AuditAppender,
  IntentRepository,
  SubjectKey,
  SubjectStateRepository,
} from './ports/repositories';
import { isOwnWorkspace, type WorkspaceDirectory } from './ports/workspace';
import type { SuppressionExpiries } from './ports/expiries';
import type { FindingSource } from './postedFindings';
import type { AppliedChange, SubjectState } from './remediationState';
import {
  criteriaJson,
  NOT_A_RESPONDER,
  OTHER_WORKSPACE,
  STALE_MESSAGE,
  summaryOf,
} from './service';
import { remoteIpProblem, scopeProblem } from './suppression';
import { defaultCriteria, familySubject, resolveListTarget, resolveTarget } from './targets';

export interface RemediationWorkerDeps {
  readonly intents: IntentRepository;
  readonly subjects: SubjectStateRepository;
  /** The findings as posted (the findings table, which the Slack function cannot write). */
  readonly findings: FindingSource;
  /** GuardDuty itself, for intents of `/guardduty` commands on findings never posted. */
  readonly guardduty?: FindingSource;
  readonly authorizer: { isResponder(userId: string): Promise<boolean> };
  readonly workspace: WorkspaceDirectory;
  readonly audit: AuditAppender;
  /** Live AWS with the stack's own credentials; never used in a dry run. */
  readonly aws?: AwsGateway;
  /**
   * The organisation: which accounts may be acted in, each one's dry run and protected
   * principals, the member role; sessions in member accounts; where AssumeRole failed.
   */
  readonly accounts?: AccountGate;
  readonly sessions?: AccountSessions;
  readonly activity?: OrganizationActivity;
  readonly reporter: RemediationReporter;
  /** The worker's own configuration: nothing in an intent can make a dry-run worker go live. */
  readonly config: GuardrailConfig;
  /** The list actions' rules (egress addresses, the default Region), from its own configuration. */
  readonly lists: ListPolicy;
  readonly clock: () => Date;
  readonly newToken: () => string;
  readonly log: Log;
  /** How long a run may hold its intent before a retry takes it over (past the function timeout). */
  readonly leaseMs?: number;
  /** A request older than this is not run: the responder who asked has moved on. */
  readonly maxRequestAgeMs?: number;
  /** Where a suppression rule with an expiry date is recorded for the expiry job. */
  readonly expiries?: SuppressionExpiries;
}

/** The live AWS gateway is missing (e.g. a sandbox started without --live got a live intent). */
export class NoAwsGatewayError extends CodedError {
  override readonly name = 'NoAwsGatewayError';
  readonly code = ErrorCode.NoAwsGateway;
}

const DEFAULT_LEASE_MS = 6 * 60_000;
const DEFAULT_MAX_REQUEST_AGE_MS = 15 * 60_000;
/** A request dated this far ahead of the worker's clock is forged or from a broken clock. */
const FUTURE_SKEW_MS = 60_000;

interface Attempt {
  readonly placement?: Placement;
  readonly plan?: Plan;
  readonly execution: Execution;
  readonly calls: readonly CallRecord[];
  readonly error?: string;
  readonly refused: boolean;
}

/** A planner bound to one request's context (a finding's, or a list request's). */
interface BoundPlanner {
  /** Where a finding's action acts; none for list actions (the administrator's own lists). */
  readonly placement?: Placement;
  facts(read: AwsReader | undefined): Promise<JsonValue>;
  plan(facts: JsonValue): Plan;
}

interface Run {
  readonly request: IntentRequest;
  readonly run: IntentRun;
  readonly key: SubjectKey;
}

/** IAM and EC2 calls act in the finding's account; GuardDuty's stay with the administrator. */
function placed(call: AwsCall, placement: Placement): AwsCall {
  return placement.role === undefined || call.service === 'guardduty'
    ? call
    : { ...call, account: placement.accountId };
}

function placedPlan(plan: Plan, placement: Placement): Plan {
  return { ...plan, calls: plan.calls.map((call) => placed(call, placement)) };
}

/** Why the worker will not run a request, found by re-checking everything itself. */
interface Refusal {
  readonly reason: string;
  /** A malformed or forged request: nothing in it is trusted, not even for the thread reply. */
  readonly untrusted?: boolean;
}

function emptyExecution(dryRun: boolean): Execution {
  return { executed: [], complete: false, dryRun };
}

function outputJson(result: AwsCallResult, call: AwsCall): JsonObject {
  // Only what later calls and the undo read: the captured fields, each under its path.
  const paths = Object.values(call.captures ?? {});
  return Object.fromEntries(
    paths.flatMap((path) => {
      const value = outputField(result.output, path);
      return typeof value === 'string' ? [[path, value]] : [];
    }),
  );
}

/**
 * Runs one intent. The worker is handed only an intent id and decides everything itself: it
 * validates the request item, re-reads the finding from the findings table (or GuardDuty),
 * re-runs authorisation, the workspace check, the target and the guardrails with its own
 * configuration, and takes dry run from that configuration; undo details come only from the
 * subject state it wrote itself. A refused request makes no AWS call and is audited as refused.
 *
 * Runs are resumable: the facts of the plan, every call (before and after it is made) and the
 * settlement are saved as they happen, under a lease. A retry after a failure resumes where the
 * run stopped and never repeats a call; a call whose outcome is unknown is reported as such.
 */
export class RemediationWorker {
  private readonly leaseMs: number;
  private readonly maxRequestAgeMs: number;

  constructor(private readonly deps: RemediationWorkerDeps) {
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxRequestAgeMs = deps.maxRequestAgeMs ?? DEFAULT_MAX_REQUEST_AGE_MS;
  }

  async run(intentId: string): Promise<void> {
    const { deps } = this;
    const raw = await deps.intents.request(intentId);
    if (raw === undefined) {
      deps.log.warn('no such intent; nothing to run', { intentId });
      return;
    }
    const existing = await deps.intents.run(intentId);
    if (existing !== undefined && existing.status !== 'running') {
      if (existing.reported !== true && existing.outcome !== undefined) {
        const request = IntentRequestSchema.safeParse(raw);
        if (request.success && request.data.id === intentId) {
          await this.report(request.data, existing, existing.outcome);
        }
      }
      return;
    }
    const taken = await this.take(intentId, existing);
    if (taken === undefined) return;
    try {
      await this.carryOut(intentId, raw, taken);
    } catch (error) {
      // Thrown for Lambda to retry: let the retry take the run over at once.
      await deps.intents.releaseLease(intentId, taken.leaseToken).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The stack's DryRun, or the finding's account's when the accounts file makes it dry-run only
   * (read from the finding the worker itself holds, never from the intent).
   */
  private async dryRunFor(intentId: string): Promise<boolean> {
    const { accounts, lists } = this.deps;
    const parsed = IntentRequestSchema.safeParse(await this.deps.intents.request(intentId));
    if (!parsed.success) return this.deps.config.dryRun;
    // The lists may have a dry run of their own (the demo's); a dry-run account still is one.
    const base = isListKind(parsed.data.kind)
      ? (lists.dryRun ?? this.deps.config.dryRun)
      : this.deps.config.dryRun;
    if (base || accounts === undefined) return base;
    const config = { ...this.deps.config, dryRun: base };
    const finding = await this.findingOf(parsed.data);
    return finding === undefined ? base : accounts.guardrails(config, finding.accountId).dryRun;
  }

  /** A run of our own: a new one, or one whose holder died or gave it up. */
  private async take(intentId: string, existing: IntentRun | undefined) {
    const { deps } = this;
    const now = deps.clock();
    if (existing !== undefined && existing.leaseUntil > now.getTime()) {
      deps.log.info('intent already taken by another run', { intentId });
      return undefined;
    }
    const run: IntentRun = {
      ...(existing ?? {}),
      intentId,
      status: 'running',
      startedAt: existing?.startedAt ?? now.toISOString(),
      leaseToken: deps.newToken(),
      leaseUntil: now.getTime() + this.leaseMs,
      // Decided once, before anything runs, and kept: a resumed run never turns live.
      dryRun: existing?.dryRun ?? (await this.dryRunFor(intentId)),
    };
    const ours =
      existing === undefined
        ? await deps.intents.startRun(run)
        : await deps.intents.takeOverRun(intentId, existing.leaseToken, run);
    if (!ours) {
      deps.log.info('intent already taken by another run', { intentId });
      return undefined;
    }
    if (existing !== undefined) deps.log.warn('resuming an interrupted run', { intentId });
    return run;
  }

  private async carryOut(intentId: string, raw: unknown, run: IntentRun): Promise<void> {
    const parsed = IntentRequestSchema.safeParse(raw);
    if (!parsed.success || parsed.data.id !== intentId) {
      const reason = parsed.success
        ? 'the intent item names another intent'
        : `the intent item is malformed (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'})`;
      await this.refuseUntrusted(intentId, raw, run, reason);
      return;
    }
    const request = parsed.data;
    const key: SubjectKey = { family: KINDS[request.kind].family, subject: request.subject };
    const current: Run = { request, run, key };
    if (run.progress !== undefined) {
      const finding = await this.findingOf(request);
      // A list action plans from its entry alone; every other needs its finding.
      if (finding === undefined && !isListKind(request.kind)) {
        await this.settle(current, undefined, {
          execution: emptyExecution(run.dryRun),
          calls: [],
          error: 'the finding is no longer known here; the interrupted action was not resumed',
          refused: false,
        });
        return;
      }
      await this.resume(current, finding, run.progress);
      return;
    }
    await this.appendRequestRecord(current);
    const checked = await this.check(current);
    if ('reason' in checked) {
      const placement =
        checked.finding === undefined || isListKind(request.kind)
          ? undefined
          : await this.placementOf(request, checked.finding);
      await this.settle(
        current,
        checked.finding,
        { execution: emptyExecution(run.dryRun), calls: [], error: checked.reason, refused: true },
        placement,
      );
      return;
    }
    const { finding, state } = checked;
    await this.deps.subjects.setRunning(key, summaryOf(intentOf(request, run)));
    await this.bestEffort('progress', () =>
      this.deps.reporter.progress(intentOf(request, run), finding),
    );
    const attempt = await this.attempt(current, finding, state);
    await this.settle(current, finding, attempt, attempt.placement);
  }

  /**
   * Every check again, with the worker's own data and configuration: a request the Slack side
   * wrote is a claim, not a decision.
   */
  private async check(
    current: Run,
  ): Promise<
    | { readonly finding: Finding | undefined; readonly state: SubjectState }
    | (Refusal & { readonly finding?: Finding })
  > {
    const { deps } = this;
    const { request } = current;
    const now = deps.clock().getTime();
    const requestedAt = Date.parse(request.requestedAt);
    if (requestedAt > now + FUTURE_SKEW_MS) {
      return { reason: 'the request is dated in the future; it was not made by this bot' };
    }
    if (now - requestedAt > this.maxRequestAgeMs) {
      return {
        reason: `the request is ${Math.round((now - requestedAt) / 60_000)} minutes old; nothing was done — click again if it is still wanted`,
      };
    }
    // The stack's own requests have their own rule (checked below, against the subject state).
    const automatic = request.source === 'expiry';
    if (!automatic && !isOwnWorkspace(await deps.workspace.workspace(), request.actor)) {
      return { reason: OTHER_WORKSPACE };
    }
    if (!automatic && !(await deps.authorizer.isResponder(request.actor.userId))) {
      return { reason: NOT_A_RESPONDER };
    }
    if (isListKind(request.kind)) return this.checkList(current);
    const finding = await this.findingOf(request);
    if (finding === undefined) {
      return { reason: `finding ${request.findingId} is not known here (it was never posted)` };
    }
    const family = KINDS[request.kind].family;
    if (familySubject(finding, family) !== request.subject) {
      return { finding, reason: 'the intent names another subject than the finding has' };
    }
    const state = await deps.subjects.get(current.key);
    if (state.version !== request.version) return { finding, reason: STALE_MESSAGE };
    if (automatic) {
      const refusal = expiryRefusal(request, state.applied, new Date(now));
      if (refusal !== undefined) return { finding, reason: refusal };
    }
    if (state.running !== undefined && state.running.intentId !== request.id) {
      return { finding, reason: 'another action on the same subject is running' };
    }
    const criteriaProblem =
      request.kind === 'suppress' && request.criteria !== undefined
        ? criteriaMismatch(finding, request.criteria)
        : undefined;
    if (criteriaProblem !== undefined) return { finding, reason: criteriaProblem };
    const resolved = resolveTarget(finding, request.kind, state.applied, request.criteria);
    if (!resolved.ok) return { finding, reason: resolved.reason };
    if (resolved.target !== request.target) {
      return { finding, reason: 'the intent names another target than the finding has' };
    }
    const guardrails = deps.accounts?.guardrails(deps.config, finding.accountId) ?? deps.config;
    const guardrail = guardrailRefusal(finding, request.kind, {
      ...guardrails,
      dryRun: current.run.dryRun,
    });
    if (guardrail !== undefined) return { finding, reason: guardrail };
    const notAllowed = (await deps.accounts?.view(finding.accountId))?.notAllowed;
    if (notAllowed !== undefined) return { finding, reason: notAllowed };
    return { finding, state };
  }

  /** A list request, checked again with the worker's own rules; the finding when it has one. */
  private async checkList(
    current: Run,
  ): Promise<
    | { readonly finding: Finding | undefined; readonly state: SubjectState }
    | (Refusal & { readonly finding?: Finding })
  > {
    const { request } = current;
    const withoutFinding = isListChain(request.findingId);
    const finding = withoutFinding ? undefined : await this.findingOf(request);
    // A trust ends on its date even when its finding is no longer known here.
    if (!withoutFinding && finding === undefined && request.source !== 'expiry') {
      return { reason: `finding ${request.findingId} is not known here (it was never posted)` };
    }
    if (!isListKind(request.kind) || request.list === undefined) {
      return { finding, reason: 'the intent names no list entry' };
    }
    // A finding of an account the stack may not act in is read-only: no list action from it
    // either (the command, which names no finding, still can). A trust still ends on its date.
    if (finding !== undefined && request.source !== 'expiry') {
      const notAllowed = (await this.deps.accounts?.view(finding.accountId))?.notAllowed;
      if (notAllowed !== undefined) return { finding, reason: notAllowed };
    }
    const checked = checkListRequest(
      request.kind,
      finding,
      request.list,
      this.deps.lists,
      new Date(Date.parse(request.requestedAt)),
    );
    if (!checked.ok) return { finding, reason: checked.reason };
    const chain = listChain(
      listOfFamily(KINDS[request.kind].family),
      checked.request.region,
      checked.request.entry,
    );
    if (
      checked.subject !== request.subject ||
      checked.request.entry !== request.target ||
      (withoutFinding && request.findingId !== chain)
    ) {
      return { finding, reason: 'the intent names another subject than its list entry' };
    }
    const state = await this.deps.subjects.get(current.key);
    if (state.version !== request.version) return { finding, reason: STALE_MESSAGE };
    if (request.source === 'expiry') {
      const refusal = expiryRefusal(request, state.applied, this.deps.clock());
      if (refusal !== undefined) return { finding, reason: refusal };
    }
    if (state.running !== undefined && state.running.intentId !== request.id) {
      return { finding, reason: 'another action on the same list entry is running' };
    }
    const resolved = resolveListTarget(
      request.kind,
      request.target,
      state.applied,
      !withoutFinding,
    );
    if (!resolved.ok) return { finding, reason: resolved.reason };
    return { finding, state };
  }

  private async findingOf(request: IntentRequest): Promise<Finding | undefined> {
    if (isListChain(request.findingId)) return undefined;
    const posted = await this.deps.findings.get(request.findingId);
    if (posted !== undefined) return posted;
    // A command may act on a finding never posted; then GuardDuty itself is asked, never the intent.
    return request.source === 'command' ? this.deps.guardduty?.get(request.findingId) : undefined;
  }

  private async attempt(
    current: Run,
    finding: Finding | undefined,
    state: SubjectState,
  ): Promise<Attempt> {
    const { deps } = this;
    const { request, run } = current;
    const dryRun = run.dryRun;
    const observed: CallRecord[] = [];
    const planner = await this.planner(request, finding, state);
    const placement = planner.placement;
    const failed = (error: string, refused = false): Attempt => ({
      ...(placement === undefined ? {} : { placement }),
      execution: emptyExecution(dryRun),
      calls: observed,
      error,
      refused,
    });
    const aws = placement === undefined ? deps.aws : this.gatewayFor(placement);
    if (!dryRun && aws === undefined) {
      return failed(
        new NoAwsGatewayError('no AWS access is configured for live remediation').message,
      );
    }
    const read = async (planned: AwsCall): Promise<AwsCallResult> => {
      if (aws === undefined) throw new NoAwsGatewayError('no AWS gateway');
      const call = placement === undefined ? planned : placed(planned, placement);
      try {
        const result = await aws.call(call);
        observed.push(callRecord(call, result.requestId));
        return result;
      } catch (error) {
        throw new CallFailedError(call, error);
      }
    };
    let facts: JsonValue;
    try {
      facts = await planner.facts(dryRun ? undefined : read);
    } catch (error) {
      if (error instanceof RemediationRefusedError) return failed(error.message, true);
      if (
        error instanceof AlreadyInStateError ||
        error instanceof TargetNotFoundError ||
        error instanceof CallFailedError
      ) {
        return failed(error.message);
      }
      deps.log.error('planning failed', { intentId: request.id, error: errorMessage(error) });
      return failed(`could not plan the action: ${errorMessage(error)}`);
    }
    const progress: RunProgress = { facts: JSON.stringify(facts), observed, executed: [] };
    await this.save(current, progress);
    const attempt = await this.execute(current, planner.plan(facts), progress, [], aws);
    return placement === undefined ? attempt : { ...attempt, placement };
  }

  /** Makes the plan's calls (none in a dry run), saving the run before and after each. */
  private async execute(
    current: Run,
    plan: Plan,
    progress: RunProgress,
    done: readonly ExecutedCall[],
    aws: AwsGateway | undefined,
  ): Promise<Attempt> {
    const { run } = current;
    if (run.dryRun) {
      return {
        plan,
        execution: { executed: [], complete: true, dryRun: true },
        calls: [...progress.observed, ...plan.calls.map((call) => callRecord(call))],
        refused: false,
      };
    }
    if (aws === undefined) throw new NoAwsGatewayError('no AWS gateway');
    let saved: RunProgress = progress;
    const { execution, failure } = await executeCalls(
      plan.calls,
      aws,
      {
        beforeCall: async (call) => {
          saved = { ...saved, calling: callRecord(call) };
          await this.save(current, saved);
        },
        afterCall: async ({ call, result }) => {
          const made: ExecutedCallRecord = {
            record: callRecord(call, result.requestId),
            output: outputJson(result, call),
          };
          const { calling: _calling, ...rest } = saved;
          saved = { ...rest, executed: [...saved.executed, made] };
          await this.save(current, saved);
        },
      },
      done,
    );
    const calls = [
      ...progress.observed,
      ...execution.executed.map((e) => callRecord(e.call, e.result.requestId)),
    ];
    if (failure !== undefined) {
      return { plan, execution, calls, error: failure.message, refused: false };
    }
    return { plan, execution, calls, refused: false };
  }

  /** A run that stopped half-way: rebuilt from what it saved, and finished without repeating a call. */
  private async resume(
    current: Run,
    finding: Finding | undefined,
    progress: RunProgress,
  ): Promise<void> {
    const { request } = current;
    const state = await this.deps.subjects.get(current.key);
    const planner = await this.planner(request, finding, state);
    const plan = planner.plan(JSON.parse(progress.facts) as JsonValue);
    const done: ExecutedCall[] = progress.executed.map((made) => ({
      call: callOf(made.record),
      result: {
        ...(made.record.requestId === undefined ? {} : { requestId: made.record.requestId }),
        output: made.output,
      },
    }));
    if (progress.calling !== undefined) {
      const what = `${progress.calling.service}:${progress.calling.command}`;
      await this.settle(
        current,
        finding,
        {
          plan,
          execution: { executed: done, complete: false, dryRun: false },
          calls: [...progress.observed, ...progress.executed.map((m) => m.record)],
          error: `the worker stopped while calling ${what}; whether AWS made that change is unknown — check it in AWS and in the audit log before retrying`,
          refused: false,
        },
        planner.placement,
      );
      return;
    }
    const aws =
      planner.placement === undefined ? this.deps.aws : this.gatewayFor(planner.placement);
    const attempt = await this.execute(current, plan, progress, done, aws);
    await this.settle(current, finding, attempt, planner.placement);
  }

  /**
   * The request's planner bound to its context. A finding's action is placed in the finding's
   * account; a list action changes the administrator's own lists, so its calls stay at home.
   */
  private async planner(
    request: IntentRequest,
    finding: Finding | undefined,
    state: SubjectState,
  ): Promise<BoundPlanner> {
    const common = {
      intent: request,
      ...(state.applied === undefined ? {} : { applied: state.applied }),
      now: this.deps.clock(),
    };
    if (isListKind(request.kind)) {
      const list = request.list;
      if (list === undefined) throw new Error(`list intent ${request.id} names no entry`);
      const { bucketOwner } = this.deps.lists;
      const context = {
        ...common,
        list,
        ...(finding === undefined ? {} : { finding }),
        ...(bucketOwner === undefined ? {} : { bucketOwner }),
      };
      const planner = LIST_PLANNERS[request.kind];
      return {
        facts: (read) => planner.facts(context, read),
        plan: (f) => planner.plan(context, f),
      };
    }
    if (finding === undefined) throw new Error(`intent ${request.id} has no finding to plan from`);
    const placement = await this.placementOf(request, finding);
    const context = { ...common, finding, ...(placement === undefined ? {} : { placement }) };
    const planner = PLANNERS[request.kind];
    return {
      ...(placement === undefined ? {} : { placement }),
      facts: (read) => planner.facts(context, read),
      plan: (f) => {
        const plan = planner.plan(context, f);
        return placement === undefined ? plan : placedPlan(plan, placement);
      },
    };
  }

  /** The finding's account and region, and the member role to act as there (none at home). */
  private async placementOf(
    request: IntentRequest,
    finding: Finding,
  ): Promise<Placement | undefined> {
    const accounts = this.deps.accounts;
    if (accounts === undefined) return undefined;
    const view = await accounts.view(finding.accountId);
    const role = accounts.role(finding.accountId, request.actor, finding.partition);
    return {
      accountId: finding.accountId,
      region: finding.region,
      ...(view.name === undefined ? {} : { accountName: view.name }),
      admin: view.admin,
      ...(role === undefined ? {} : { role }),
    };
  }

  /**
   * The stack's own gateway, with calls placed in the member account sent through the member
   * role's session instead. A role that cannot be assumed fails the call (and so the run, with
   * what to do); it is remembered for `/guardduty status` until an AssumeRole there succeeds.
   */
  private gatewayFor(placement: Placement): AwsGateway | undefined {
    const { aws: home, sessions, activity, log } = this.deps;
    const role = placement.role;
    if (home === undefined || role === undefined) return home;
    let reached = false;
    return {
      call: async (call) => {
        if (call.account === undefined) return home.call(call);
        if (sessions === undefined) {
          throw new NoAwsGatewayError(
            'no member-account sessions are configured for live remediation',
          );
        }
        let gateway: AwsGateway;
        try {
          gateway = await sessions.gateway(role);
        } catch (error) {
          if (error instanceof MemberRoleUnavailableError) {
            await activity
              ?.assumeFailed({
                accountId: role.accountId,
                roleArn: role.roleArn,
                reason: error.reason,
                at: this.deps.clock().toISOString(),
              })
              .catch((e: unknown) =>
                log.warn('could not record the AssumeRole failure', { error: errorMessage(e) }),
              );
          }
          throw error;
        }
        if (!reached) {
          reached = true;
          await activity
            ?.assumeSucceeded(role.accountId)
            .catch((e: unknown) =>
              log.warn('could not record the AssumeRole success', { error: errorMessage(e) }),
            );
        }
        return gateway.call(call);
      },
    };
  }

  private async save(current: Run, progress: RunProgress): Promise<void> {
    const { run, request } = current;
    if (!(await this.deps.intents.saveProgress(request.id, run.leaseToken, progress))) {
      throw new Error(`lost the lease on intent ${request.id} while it ran`);
    }
  }

  /**
   * Audit, subject state, run, report, in that order, each idempotent: a retry after a failure
   * anywhere here finds what is done and does the rest. The audit record exists before anything
   * says done.
   */
  private async settle(
    current: Run,
    finding: Finding | undefined,
    attempt: Attempt,
    placement?: Placement,
  ) {
    const { deps } = this;
    const { request, run, key } = current;
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
      recordId: `${request.id}#outcome`,
      at: finishedAt,
      type: attempt.refused ? 'refusal' : 'outcome',
      ...auditSubject(request, run.dryRun),
      ...auditPlacement(placement),
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
      ...(placement === undefined ? {} : { placement }),
    };
    const finished = intentOf(request, { ...run, status, finishedAt, outcome });
    await deps.subjects.settle(
      key,
      request.version,
      settlement.change,
      summaryOf(finished, finishedAt, attempt.error),
    );
    await this.scheduleExpiry(request, settlement.change);
    if (
      !(await deps.intents.finishRun(request.id, run.leaseToken, { status, finishedAt, outcome }))
    ) {
      throw new Error(`lost the lease on intent ${request.id} before it finished`);
    }
    deps.log.info('remediation finished', {
      intentId: request.id,
      findingId: request.findingId,
      action: request.kind,
      status,
      refused: attempt.refused,
      dryRun: run.dryRun,
      // The chain head, outside the table: what `audit verify` must agree with.
      auditChain: record.chain,
      auditSeq: record.seq,
      auditHash: record.hash,
    });
    await this.report(request, { ...run, status, finishedAt, outcome }, outcome, finding);
  }

  /**
   * A rule that expires, or a trust: the expiry job deletes it on its date (in a dry run it plans
   * and audits the deletion, as the rule or trust itself was). Idempotent, like settle.
   */
  private async scheduleExpiry(request: IntentRequest, change: AppliedChange): Promise<void> {
    const expiries = this.deps.expiries;
    if (expiries === undefined || !('set' in change)) return;
    const entry = { subject: request.subject, findingId: request.findingId };
    if (request.kind === 'suppress') {
      const expiresAt = expiryOf(change.set);
      if (expiresAt !== undefined) await expiries.add({ expiresAt, ...entry });
    } else if (request.kind === 'trust-ip') {
      const expiresAt = trustExpiryDate(change.set);
      if (expiresAt !== undefined) await expiries.add({ expiresAt, ...entry, family: 'trust-ip' });
    }
  }

  /** The request record: written by the worker, from the request it validated. */
  private async appendRequestRecord(current: Run): Promise<void> {
    const { request, run } = current;
    const criteria = criteriaJson(request.criteria);
    await this.deps.audit.append({
      recordId: `${request.id}#request`,
      at: request.requestedAt,
      type: KINDS[request.kind].undo ? 'undo' : 'request',
      ...auditSubject(request, run.dryRun),
      source: request.source,
      ...(criteria === undefined && request.snapshot === undefined
        ? {}
        : {
            before: {
              ...(criteria === undefined ? {} : { criteria }),
              ...(request.snapshot === undefined ? {} : { snapshot: request.snapshot }),
            },
          }),
    });
  }

  /**
   * A request item the worker cannot read as a request: audited as refused with what can be
   * read of it, the run closed, nothing reported to Slack (its response_url is not trusted).
   */
  private async refuseUntrusted(
    intentId: string,
    raw: unknown,
    run: IntentRun,
    reason: string,
  ): Promise<void> {
    const { deps } = this;
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 256) : '');
    const actor = (
      typeof item.actor === 'object' && item.actor !== null ? item.actor : {}
    ) as Record<string, unknown>;
    const kind = typeof item.kind === 'string' && item.kind in KINDS ? item.kind : 'archive';
    const finishedAt = deps.clock().toISOString();
    const record = await deps.audit.append({
      recordId: `${intentId}#outcome`,
      at: finishedAt,
      type: 'refusal',
      actor: { userId: text(actor.userId) || 'unknown', teamId: text(actor.teamId) },
      action: kind as IntentRequest['kind'],
      findingId: text(item.findingId),
      target: text(item.target),
      dryRun: run.dryRun,
      intentId,
      result: reason,
    });
    const outcome: IntentOutcome = {
      status: 'failed',
      refused: true,
      calls: [],
      before: {},
      after: {},
      error: reason,
      auditSeq: record.seq,
      auditHash: record.hash,
    };
    await deps.intents.finishRun(intentId, run.leaseToken, {
      status: 'failed',
      finishedAt,
      outcome,
    });
    await deps.intents.markReported(intentId);
    deps.log.error('refused a malformed intent', { intentId, reason });
  }

  /** Slack failures throw (the invocation is retried and reports again); the action stays done. */
  private async report(
    request: IntentRequest,
    run: IntentRun,
    outcome: IntentOutcome,
    finding?: Finding,
  ): Promise<void> {
    const known = finding ?? (await this.findingOf(request));
    if (known !== undefined || isListKind(request.kind)) {
      await this.deps.reporter.finished(intentOf(request, run), known, outcome);
    }
    await this.deps.intents.markReported(request.id);
  }

  private async bestEffort(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.deps.log.warn(`could not report ${what} to Slack`, { error: errorMessage(error) });
    }
  }
}

/**
 * Suppression criteria must describe the finding they came from: the type, and if given the
 * principal, key, instance and one of its remote IPs. Anything else would suppress findings the
 * responder never saw.
 */
function criteriaMismatch(finding: Finding, criteria: SuppressionCriteria): string | undefined {
  const fromFinding = defaultCriteria(finding);
  const key = finding.resource?.accessKeyDetails;
  if (criteria.findingType !== finding.type) return 'the rule names another finding type';
  if (criteria.principalId !== undefined && criteria.principalId !== key?.principalId) {
    return 'the rule names another principal than the finding';
  }
  if (criteria.accessKeyId !== undefined && criteria.accessKeyId !== key?.accessKeyId) {
    return 'the rule names another access key than the finding';
  }
  if (criteria.instanceId !== undefined && criteria.instanceId !== fromFinding.instanceId) {
    return 'the rule names another instance than the finding';
  }
  if (criteria.remoteIp !== undefined) {
    const unfilterable = remoteIpProblem(finding);
    if (unfilterable !== undefined) return unfilterable;
    const extraction = extractTuples(finding);
    const ips = extraction.scorable ? extraction.tuples.map((t) => t.ip) : [];
    if (isIP(criteria.remoteIp) === 0 || !ips.includes(criteria.remoteIp)) {
      return 'the rule names a remote IP the finding does not have';
    }
  }
  return scopeProblem(criteria);
}
