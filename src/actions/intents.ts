import type { AuditDraft, CallRecord, JsonObject } from './audit/record';
import type { ActionKind, Actor, ActionRequest, SuppressionCriteria } from './contract';

export type IntentStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** One accepted request: the single gate between a click and AWS. */
export interface Intent {
  /** The idempotency key: finding, action, target and state version. */
  readonly id: string;
  readonly findingId: string;
  readonly kind: ActionKind;
  readonly target: string;
  readonly version: number;
  readonly status: IntentStatus;
  readonly actor: Actor;
  readonly source: ActionRequest['source'];
  readonly dryRun: boolean;
  readonly requestedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly criteria?: SuppressionCriteria;
  readonly snapshot?: boolean;
  /** The finding as it was when the request was accepted (JSON), so the worker needs no lookup. */
  readonly finding: string;
  readonly responseUrl?: string;
  /** Failed: what went wrong, in words for the responder. */
  readonly error?: string;
  /** What the worker did, kept so a retried worker can report it again. */
  readonly outcome?: IntentOutcome;
  /** Set once the outcome reached Slack; a retried worker reports again until then. */
  readonly reported?: boolean;
}

/** The result of a finished intent, as the thread reply shows it. */
export interface IntentOutcome {
  readonly status: 'succeeded' | 'failed';
  /** Refused by a guardrail only the live state showed. */
  readonly refused: boolean;
  /** The calls made (live) or planned (dry run). */
  readonly calls: readonly CallRecord[];
  readonly before: JsonObject;
  readonly after: JsonObject;
  readonly error?: string;
  readonly auditSeq: number;
  readonly auditHash: string;
}

/** Who asked for what on which target: the part every audit record of an intent shares. */
export function auditSubject(
  intent: Intent,
): Pick<AuditDraft, 'actor' | 'action' | 'findingId' | 'target' | 'dryRun' | 'intentId'> {
  return {
    actor: intent.actor,
    action: intent.kind,
    findingId: intent.findingId,
    target: intent.target,
    dryRun: intent.dryRun,
    intentId: intent.id,
  };
}

export function intentId(findingId: string, kind: ActionKind, target: string, version: number) {
  return `intent#${findingId}#${kind}#${target}#v${version}`;
}
