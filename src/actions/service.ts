import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import type { JsonObject } from './audit/record';
import type {
  ActionRequest,
  ListActionKind,
  ListRequest,
  RemediationService,
  RequestOutcome,
  SuppressionCriteria,
} from './contract';
import { DispatchError } from './errors';
import { guardrailRefusal, type GuardrailConfig } from './guardrails';
import { intentId, type Intent, type IntentRequest } from './intents';
import { isListKind, KINDS } from './kinds';
import type { Dispatcher } from './ports/dispatch';
import type { RefusalLimiter } from './ports/refusalLimiter';
import type {
  AuditAppender,
  IntentRepository,
  SubjectKey,
  SubjectStateRepository,
} from './ports/repositories';
import { isOwnWorkspace, type WorkspaceDirectory } from './ports/workspace';
import type { FindingSource } from './postedFindings';
import type { IntentSummary, SubjectState } from './remediationState';
import { checkListRequest, type ListPolicy } from './lists/check';
import { isListChain, listChain, listOfFamily } from './lists/subjects';
import { familySubject, resolveListTarget, resolveTarget } from './targets';

export interface RemediationServiceDeps {
  readonly findings: FindingSource;
  readonly intents: Pick<IntentRepository, 'create' | 'get'>;
  readonly subjects: Pick<SubjectStateRepository, 'get'>;
  readonly audit: AuditAppender;
  readonly authorizer: { isResponder(userId: string): Promise<boolean> };
  readonly workspace: WorkspaceDirectory;
  readonly refusals: RefusalLimiter;
  readonly dispatcher: Dispatcher;
  readonly config: GuardrailConfig;
  /** What the list actions refuse (egress) and where a command acts without --region. */
  readonly lists: ListPolicy;
  readonly clock: () => Date;
  readonly log: Log;
  /** A request still pending this long after it was made is handed to the worker again. */
  readonly redispatchAfterMs?: number;
}

const DEFAULT_REDISPATCH_AFTER_MS = 60_000;

/** The Slack side adds who can act instead ("ask a responder: @security-oncall"). */
export const NOT_A_RESPONDER = 'only responders may remediate findings';

export const OTHER_WORKSPACE =
  'this bot acts for its own Slack workspace only; the request came from another one';

export const STALE_MESSAGE =
  'this message was out of date (another action finished since); it now shows the current state — look again before you click';

type Decision =
  | { readonly outcome: RequestOutcome }
  | {
      readonly findingId: string;
      readonly key: SubjectKey;
      readonly state: SubjectState;
      readonly target: string;
      readonly id: string;
      readonly list?: ListRequest;
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

/** Criteria as audit JSON (no undefined members). */
export function criteriaJson(criteria: SuppressionCriteria | undefined): JsonObject | undefined {
  return criteria === undefined ? undefined : (JSON.parse(JSON.stringify(criteria)) as JsonObject);
}

/**
 * The one path from a click, a modal or a command to AWS, on the side that faces Slack: the
 * checks a responder should hear about at once (workspace, responder, the action fits the
 * finding and its subject, guardrails), then the intent written conditionally — the single gate,
 * so retries, double clicks and concurrent clicks record one per subject and version — and
 * handed to the worker, which makes every check again before it calls AWS. Accepting writes no
 * audit record (the worker writes the request's), so an acknowledgement never waits for the
 * audit chain; refusals are audited here, a few per user and minute.
 */
export class DefaultRemediationService implements RemediationService {
  private readonly redispatchAfterMs: number;

  constructor(private readonly deps: RemediationServiceDeps) {
    this.redispatchAfterMs = deps.redispatchAfterMs ?? DEFAULT_REDISPATCH_AFTER_MS;
  }

  async request(request: ActionRequest): Promise<RequestOutcome> {
    const decision = await this.evaluate(request);
    if ('outcome' in decision) return decision.outcome;
    const { deps } = this;
    const intent: IntentRequest = {
      id: decision.id,
      findingId: decision.findingId,
      kind: request.kind,
      subject: decision.key.subject,
      target: decision.target,
      version: decision.state.version,
      actor: request.actor,
      source: request.source,
      requestedAt: deps.clock().toISOString(),
      dryRun: isListKind(request.kind)
        ? (deps.lists.dryRun ?? deps.config.dryRun)
        : deps.config.dryRun,
      ...(request.kind === 'suppress' && request.criteria !== undefined
        ? { criteria: request.criteria }
        : {}),
      ...(request.kind === 'quarantine' ? { snapshot: request.snapshot === true } : {}),
      ...(decision.list === undefined ? {} : { list: decision.list }),
      ...(request.responseUrl === undefined ? {} : { responseUrl: request.responseUrl }),
    };
    if (!(await deps.intents.create(intent))) return this.duplicate(intent.id);
    try {
      await deps.dispatcher.dispatch(intent.id);
    } catch (error) {
      // The intent stays pending: the next click on the button hands it over again.
      throw new DispatchError(
        `could not hand ${intent.kind} to the remediation worker: ${errorMessage(error)}`,
      );
    }
    deps.log.info('remediation accepted', {
      intentId: intent.id,
      findingId: intent.findingId,
      action: intent.kind,
      userId: intent.actor.userId,
    });
    return { kind: 'accepted', intentId: intent.id, dryRun: intent.dryRun };
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
    const own = await deps.workspace.workspace();
    if (!isOwnWorkspace(own, request.actor)) {
      return { outcome: await this.refuse(request, request.findingId, OTHER_WORKSPACE) };
    }
    if (!(await deps.authorizer.isResponder(request.actor.userId))) {
      const refusal = await this.refuse(request, request.findingId, NOT_A_RESPONDER);
      return { outcome: { ...refusal, askResponders: true } };
    }
    if (isListKind(request.kind)) return this.evaluateList(request, request.kind);
    const finding = request.finding ?? (await deps.findings.get(request.findingId));
    if (finding === undefined) {
      return {
        outcome: {
          kind: 'invalid',
          reason: `finding ${request.findingId} is not known here (it was never posted)`,
        },
      };
    }
    const family = KINDS[request.kind].family;
    const subject = familySubject(finding, family);
    if (subject === undefined) {
      const resolved = resolveTarget(finding, request.kind, undefined, request.criteria);
      return {
        outcome: resolved.ok
          ? { kind: 'invalid', reason: `${KINDS[request.kind].label} does not fit this finding` }
          : resolved.refusal === true
            ? await this.refuse(request, request.findingId, resolved.reason)
            : { kind: 'invalid', reason: resolved.reason },
      };
    }
    const key = { family, subject };
    const state = await deps.subjects.get(key);
    if (state.running !== undefined) {
      return { outcome: this.duplicateOf(state.running) };
    }
    if (request.version !== undefined && request.version !== state.version) {
      // An older click: a redelivery of it finds its own intent, anything else is stale.
      const earlier = await deps.intents.get(intentId(request.kind, subject, request.version));
      // The family's intent at that version: the same click again only if it asked the same.
      if (earlier?.kind === request.kind) return { outcome: this.duplicateOf(earlier) };
      return { outcome: { kind: 'invalid', reason: STALE_MESSAGE } };
    }
    const resolved = resolveTarget(finding, request.kind, state.applied, request.criteria);
    if (!resolved.ok) {
      return {
        outcome:
          resolved.refusal === true
            ? await this.refuse(request, request.findingId, resolved.reason)
            : { kind: 'invalid', reason: resolved.reason },
      };
    }
    const guardrail = guardrailRefusal(finding, request.kind, deps.config);
    if (guardrail !== undefined) {
      return { outcome: await this.refuse(request, resolved.target, guardrail) };
    }
    const id = intentId(request.kind, subject, state.version);
    return { findingId: finding.id, key, state, target: resolved.target, id };
  }

  /**
   * A list action, from a finding's button or a command without one (its audit chain is then
   * the list's: `list:threat:us-east-1`). Refusals (private ranges, egress, a too-wide trust) are
   * audited like every other refusal.
   */
  private async evaluateList(request: ActionRequest, kind: ListActionKind): Promise<Decision> {
    const { deps } = this;
    const withoutFinding = isListChain(request.findingId);
    const finding = withoutFinding
      ? undefined
      : (request.finding ?? (await deps.findings.get(request.findingId)));
    if (!withoutFinding && finding === undefined) {
      return {
        outcome: {
          kind: 'invalid',
          reason: `finding ${request.findingId} is not known here (it was never posted)`,
        },
      };
    }
    const checked = checkListRequest(kind, finding, request.list ?? {}, deps.lists, deps.clock());
    if (!checked.ok) {
      return {
        outcome: checked.refusal
          ? await this.refuse(request, request.list?.entry ?? request.findingId, checked.reason)
          : { kind: 'invalid', reason: checked.reason },
      };
    }
    const key = { family: KINDS[kind].family, subject: checked.subject };
    const state = await deps.subjects.get(key);
    if (state.running !== undefined) return { outcome: this.duplicateOf(state.running) };
    if (request.version !== undefined && request.version !== state.version) {
      const earlier = await deps.intents.get(intentId(kind, checked.subject, request.version));
      if (earlier?.kind === kind) return { outcome: this.duplicateOf(earlier) };
      return { outcome: { kind: 'invalid', reason: STALE_MESSAGE } };
    }
    const resolved = resolveListTarget(kind, checked.request.entry, state.applied, !withoutFinding);
    if (!resolved.ok) return { outcome: { kind: 'invalid', reason: resolved.reason } };
    const chain = listChain(
      listOfFamily(key.family),
      checked.request.region,
      checked.request.entry,
    );
    return {
      findingId: withoutFinding ? chain : request.findingId,
      key,
      state,
      target: resolved.target,
      id: intentId(kind, checked.subject, state.version),
      list: checked.request,
    };
  }

  /** Someone asked first: their request's status, handed to the worker again if it stalled. */
  private async duplicate(id: string): Promise<RequestOutcome> {
    const existing = await this.deps.intents.get(id);
    if (existing === undefined) throw new Error(`intent ${id} vanished`);
    const stalled =
      existing.status === 'pending' &&
      this.deps.clock().getTime() - Date.parse(existing.requestedAt) > this.redispatchAfterMs;
    if (stalled) {
      this.deps.log.warn('handing a stalled intent to the worker again', { intentId: id });
      await this.deps.dispatcher.dispatch(id);
    }
    return this.duplicateOf(existing);
  }

  private duplicateOf(intent: Intent | IntentSummary): RequestOutcome {
    const by = 'actor' in intent ? intent.actor : intent.by;
    return { kind: 'duplicate', by, at: intent.requestedAt, status: intent.status };
  }

  private async refuse(
    request: ActionRequest,
    target: string,
    reason: string,
  ): Promise<{ readonly kind: 'refused'; readonly reason: string }> {
    const { deps } = this;
    deps.log.warn('remediation refused', {
      findingId: request.findingId,
      action: request.kind,
      userId: request.actor.userId,
      reason,
    });
    const verdict = await deps.refusals.take(request.actor.userId);
    if (verdict !== 'count-only') {
      await deps.audit.append({
        at: deps.clock().toISOString(),
        type: 'refusal',
        actor: request.actor,
        action: request.kind,
        findingId: request.findingId,
        target,
        dryRun: deps.config.dryRun,
        source: request.source,
        result:
          verdict === 'record'
            ? reason
            : `${reason} (more refusals of this user in this minute are counted, not recorded)`,
      });
    }
    return { kind: 'refused', reason };
  }
}
