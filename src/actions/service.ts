import { errorMessage } from '../shared/errors';
import type { Finding } from '../findings';
import type { Log } from '../shared/log';
import type { JsonObject } from './audit/record';
import type { Authorizer } from './responders';
import type {
  ActionRequest,
  RemediationService,
  RequestOutcome,
  SuppressionCriteria,
} from './contract';
import type { Dispatcher } from './ports/dispatch';
import { DispatchError } from './errors';
import type { FindingSource } from './postedFindings';
import { guardrailRefusal, type GuardrailConfig } from './guardrails';
import { auditSubject, intentId, type Intent } from './intents';
import { KINDS } from './kinds';
import { inProgress, type IntentSummary, type RemediationState } from './remediationState';
import type {
  AuditAppender,
  IntentRepository,
  RemediationStateRepository,
} from './ports/repositories';
import { intendedTarget, resolveTarget } from './targets';

export interface RemediationServiceDeps {
  readonly findings: FindingSource;
  readonly intents: IntentRepository;
  readonly state: RemediationStateRepository;
  readonly audit: AuditAppender;
  readonly authorizer: Pick<Authorizer, 'isResponder'>;
  readonly dispatcher: Dispatcher;
  readonly config: GuardrailConfig;
  readonly clock: () => Date;
  readonly log: Log;
  /** An intent pending or running longer than this was lost with its worker (crash, timeout). */
  readonly stuckAfterMs?: number;
}

/** Longer than a worker can live (Lambda's 15-minute maximum). */
const DEFAULT_STUCK_AFTER_MS = 16 * 60_000;

const NOT_A_RESPONDER = 'only responders may remediate findings';

const STALE_MESSAGE =
  'this message was out of date (another action finished since); it now shows the current state — look again before you click';

type Decision =
  | { readonly outcome: RequestOutcome }
  | {
      readonly finding: Finding;
      readonly state: RemediationState;
      readonly target: string;
      readonly version: number;
      readonly id: string;
    };

export function summaryOf(intent: Intent, finishedAt?: string, error?: string): IntentSummary {
  return {
    intentId: intent.id,
    kind: intent.kind,
    version: intent.version,
    status: intent.status,
    by: intent.actor,
    requestedAt: intent.requestedAt,
    dryRun: intent.dryRun,
    ...(finishedAt === undefined ? {} : { finishedAt }),
    ...(error === undefined ? {} : { error }),
  };
}

function criteriaJson(criteria: SuppressionCriteria | undefined): JsonObject | undefined {
  return criteria === undefined ? undefined : (JSON.parse(JSON.stringify(criteria)) as JsonObject);
}

/**
 * The one path from a click, a modal or a command to AWS: authorise, check the action fits the
 * finding and its state, apply the guardrails, then write the intent conditionally — the single
 * gate, so retries, double clicks and concurrent clicks record one intent — audit it and hand it
 * to the worker. Nothing here calls AWS.
 */
export class DefaultRemediationService implements RemediationService {
  private readonly stuckAfterMs: number;

  constructor(private readonly deps: RemediationServiceDeps) {
    this.stuckAfterMs = deps.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  }

  async request(request: ActionRequest): Promise<RequestOutcome> {
    const decision = await this.evaluate(request);
    if ('outcome' in decision) return decision.outcome;
    const { finding, state, target, version, id } = decision;
    const { deps } = this;
    return this.record(request, finding, state, {
      id,
      findingId: finding.id,
      kind: request.kind,
      target,
      version,
      status: 'pending',
      actor: request.actor,
      source: request.source,
      dryRun: deps.config.dryRun,
      requestedAt: deps.clock().toISOString(),
      finding: JSON.stringify(finding),
      ...(request.kind === 'suppress' && request.criteria !== undefined
        ? { criteria: request.criteria }
        : {}),
      ...(request.kind === 'quarantine' ? { snapshot: request.snapshot === true } : {}),
      ...(request.responseUrl === undefined ? {} : { responseUrl: request.responseUrl }),
    });
  }

  /**
   * Every check of `request` without recording anything: undefined when the request would be
   * accepted now (the suppress modal opens only then). Refusals are audited all the same.
   */
  async preflight(request: ActionRequest): Promise<RequestOutcome | undefined> {
    const decision = await this.evaluate(request);
    return 'outcome' in decision ? decision.outcome : undefined;
  }

  private async evaluate(request: ActionRequest): Promise<Decision> {
    const { deps } = this;
    const finding = request.finding ?? (await deps.findings.get(request.findingId));
    const state = finding === undefined ? undefined : await deps.state.get(finding.id);
    const resolved =
      finding === undefined || state === undefined
        ? undefined
        : resolveTarget(finding, request.kind, state, request.criteria);
    const target = resolved?.ok === true ? resolved.target : request.findingId;

    if (!(await deps.authorizer.isResponder(request.actor.userId))) {
      const refusal = await this.refuse(request, target, NOT_A_RESPONDER);
      return { outcome: { ...refusal, askResponders: true } };
    }
    if (finding === undefined || state === undefined || resolved === undefined) {
      return {
        outcome: {
          kind: 'invalid',
          reason: `finding ${request.findingId} is not known here (it was never posted)`,
        },
      };
    }
    // Before the target check: a redelivered click whose action already finished (the state moved
    // on since its button was drawn) is a duplicate, never "already done (undo it first)".
    const earlier = await this.earlierIntent(request, finding, state);
    if (earlier !== undefined) return { outcome: this.duplicateOf(earlier) };
    const busy = inProgress(state, KINDS[request.kind].family);
    if (busy !== undefined) {
      if (deps.clock().getTime() - Date.parse(busy.requestedAt) > this.stuckAfterMs) {
        return { outcome: await this.closeStuck(busy) };
      }
      return {
        outcome: { kind: 'duplicate', by: busy.by, at: busy.requestedAt, status: busy.status },
      };
    }
    if (!resolved.ok) {
      return {
        outcome:
          resolved.refusal === true
            ? await this.refuse(request, target, resolved.reason)
            : { kind: 'invalid', reason: resolved.reason },
      };
    }
    const guardrail = guardrailRefusal(finding, request.kind, deps.config);
    if (guardrail !== undefined) return { outcome: await this.refuse(request, target, guardrail) };

    const version = request.version ?? state.version;
    const id = intentId(finding.id, request.kind, target, version);
    if (version !== state.version) {
      const earlier = await deps.intents.get(id);
      if (earlier !== undefined) return { outcome: this.duplicateOf(earlier) };
      return { outcome: { kind: 'invalid', reason: STALE_MESSAGE } };
    }
    return { finding, state, target, version, id };
  }

  /**
   * The intent a request drawn at an older state version already created: the same finding,
   * action, target and version. Undefined for a current request or one never accepted.
   */
  private async earlierIntent(
    request: ActionRequest,
    finding: Finding,
    state: RemediationState,
  ): Promise<Intent | undefined> {
    const version = request.version;
    if (version === undefined || version === state.version) return undefined;
    const target = intendedTarget(finding, request.kind, state, request.criteria);
    const summary = state.latest[request.kind];
    const ids = [
      ...(target === undefined ? [] : [intentId(finding.id, request.kind, target, version)]),
      // An undo's target was in force then and may be gone now: its summary names the intent.
      ...(summary?.version === version && target === undefined ? [summary.intentId] : []),
    ];
    for (const id of ids) {
      const intent = await this.deps.intents.get(id);
      if (intent !== undefined) return intent;
    }
    return undefined;
  }

  private async record(
    request: ActionRequest,
    finding: Finding,
    state: RemediationState,
    intent: Intent,
  ): Promise<RequestOutcome> {
    const { deps } = this;
    if (state.version === 0 && Object.keys(state.latest).length === 0) {
      await deps.state.ensure(finding.id);
    }
    if (!(await deps.intents.create(intent))) {
      const existing = await deps.intents.get(intent.id);
      if (existing === undefined) throw new Error(`intent ${intent.id} vanished`);
      return this.duplicateOf(existing);
    }
    try {
      const criteria = criteriaJson(intent.criteria);
      await deps.audit.append({
        at: intent.requestedAt,
        type: KINDS[intent.kind].undo ? 'undo' : 'request',
        ...auditSubject(intent),
        source: request.source,
        ...(criteria === undefined && intent.snapshot === undefined
          ? {}
          : {
              before: {
                ...(criteria === undefined ? {} : { criteria }),
                ...(intent.snapshot === undefined ? {} : { snapshot: intent.snapshot }),
              },
            }),
      });
      await deps.state.setLatest(intent.findingId, summaryOf(intent));
      await deps.dispatcher.dispatch(intent.id);
    } catch (error) {
      await this.abandon(intent, error);
      throw new DispatchError(
        `could not hand ${intent.kind} to the remediation worker: ${errorMessage(error)}`,
      );
    }
    deps.log.info('remediation accepted', {
      intentId: intent.id,
      findingId: intent.findingId,
      action: intent.kind,
      userId: intent.actor.userId,
      dryRun: intent.dryRun,
    });
    return { kind: 'accepted', intentId: intent.id, dryRun: intent.dryRun };
  }

  /** The intent never reached the worker: mark it failed so the button comes back for a retry. */
  private async abandon(intent: Intent, cause: unknown): Promise<void> {
    const error = `never started: ${errorMessage(cause)}`;
    try {
      await this.closeFailed(intent, 'pending', error);
    } catch (secondary) {
      this.deps.log.error('could not mark an abandoned intent failed', {
        intentId: intent.id,
        error: errorMessage(secondary),
      });
    }
  }

  /**
   * A worker that died mid-run (timeout, crash) leaves its intent running forever. Past any
   * worker's lifetime it is closed as failed, outcome unknown, so the buttons come back.
   */
  private async closeStuck(summary: IntentSummary): Promise<RequestOutcome> {
    const intent = await this.deps.intents.get(summary.intentId);
    const label = KINDS[summary.kind].label;
    if (intent?.status === 'pending' || intent?.status === 'running') {
      await this.closeFailed(
        intent,
        intent.status,
        'the worker stopped without a result (timed out or crashed); the outcome is unknown — check AWS and the audit log before retrying',
      );
      this.deps.log.error('closed a stuck intent', { intentId: intent.id, status: intent.status });
    }
    return {
      kind: 'invalid',
      reason: `the earlier ${label} never reported a result; the message now offers the button again — check AWS and the audit log before retrying`,
    };
  }

  /** Ends an intent as failed if it is still `from`; then audited, and the state moves on. */
  private async closeFailed(intent: Intent, from: 'pending' | 'running', error: string) {
    const { deps } = this;
    const finishedAt = deps.clock().toISOString();
    const finished = await deps.intents.finish(intent.id, from, {
      status: 'failed',
      finishedAt,
      // No audit position yet: this outcome is recorded after the intent is ours to close.
      outcome: {
        status: 'failed',
        refused: false,
        calls: [],
        before: {},
        after: {},
        error,
        auditSeq: 0,
        auditHash: '',
      },
    });
    if (!finished) return;
    await deps.audit.append({
      at: finishedAt,
      type: 'outcome',
      ...auditSubject(intent),
      result: 'failed',
      error,
    });
    await deps.state.recordOutcome(
      intent.findingId,
      KINDS[intent.kind].family,
      summaryOf({ ...intent, status: 'failed' }, finishedAt, error),
      { keep: true },
    );
  }

  private duplicateOf(intent: Intent): RequestOutcome {
    return { kind: 'duplicate', by: intent.actor, at: intent.requestedAt, status: intent.status };
  }

  private async refuse(
    request: ActionRequest,
    target: string,
    reason: string,
  ): Promise<Extract<RequestOutcome, { kind: 'refused' }>> {
    await this.deps.audit.append({
      at: this.deps.clock().toISOString(),
      type: 'refusal',
      actor: request.actor,
      action: request.kind,
      findingId: request.findingId,
      target,
      dryRun: this.deps.config.dryRun,
      source: request.source,
      result: reason,
    });
    this.deps.log.warn('remediation refused', {
      findingId: request.findingId,
      action: request.kind,
      userId: request.actor.userId,
      reason,
    });
    return { kind: 'refused', reason };
  }
}
