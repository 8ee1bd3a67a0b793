import * as z from 'zod';
import type { AuditDraft, CallRecord, JsonObject } from './audit/record';
import type {
  ActionKind,
  Actor,
  ActionRequest,
  ListRequest,
  SuppressionCriteria,
} from './contract';
import { isActionKind, KINDS } from './kinds';
import { assumedRoleArn, type Placement } from './accounts/policy';

export type IntentStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/**
 * One accepted request, as the Slack function records it: the single gate between a click and
 * AWS (created conditionally, so retries, double clicks and concurrent clicks record one). The
 * worker trusts none of it but the request itself: it re-reads the finding, re-authorises the
 * actor, re-resolves the target and decides dry run from its own configuration.
 */
export interface IntentRequest {
  /** The idempotency key: family, subject and the subject's version (`intentId`). */
  readonly id: string;
  readonly findingId: string;
  readonly kind: ActionKind;
  /** The family's subject (`subjectOf`): the in-flight lock is one intent per subject and version. */
  readonly subject: string;
  readonly target: string;
  readonly version: number;
  readonly actor: Actor;
  /** `expiry`: asked for by the stack itself (`expiry.ts`), never by a person. */
  readonly source: ActionRequest['source'] | 'expiry';
  readonly requestedAt: string;
  /** What the requesting side's configuration said; shown, never obeyed. */
  readonly dryRun: boolean;
  readonly criteria?: SuppressionCriteria;
  readonly snapshot?: boolean;
  /** List actions: the entry, its Region and (Trust) reason, expiry, whole range. */
  readonly list?: ListRequest;
  readonly responseUrl?: string;
}

/** The worker's record of running one intent (its own item, which only the worker writes). */
export interface IntentRun {
  readonly intentId: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedAt: string;
  /** Who holds the run, until when: a retry takes over an expired or released lease. */
  readonly leaseToken: string;
  readonly leaseUntil: number;
  readonly dryRun: boolean;
  /** How far the run got, so a retry resumes instead of repeating an AWS call. */
  readonly progress?: RunProgress;
  readonly finishedAt?: string;
  readonly outcome?: IntentOutcome;
  /** Set once the outcome reached Slack; a retried worker reports again until then. */
  readonly reported?: boolean;
}

/**
 * Written as the run goes: the facts the plan was made from (so the same plan can be rebuilt),
 * every call made with what it returned, and the call under way (a retry that finds one never
 * knows whether AWS did it, and says so instead of calling again).
 */
export interface RunProgress {
  readonly facts: string;
  readonly observed: readonly CallRecord[];
  readonly executed: readonly ExecutedCallRecord[];
  readonly calling?: CallRecord;
}

export interface ExecutedCallRecord {
  readonly record: CallRecord;
  /** The outputs later calls or the undo need (captures), not whole responses. */
  readonly output: JsonObject;
}

/** The result of a finished intent, as the thread reply shows it. */
export interface IntentOutcome {
  readonly status: 'succeeded' | 'failed';
  /** Refused by a check the worker made (authorisation, guardrails, the live state). */
  readonly refused: boolean;
  /** The calls made (live) or planned (dry run). */
  readonly calls: readonly CallRecord[];
  readonly before: JsonObject;
  readonly after: JsonObject;
  readonly error?: string;
  readonly auditSeq: number;
  readonly auditHash: string;
  /** Where it acted (or would, in a dry run): account, region, the member role's session. */
  readonly placement?: Placement;
}

/** An intent as Slack sees it: the request and, once the worker has it, its run. */
export interface Intent extends IntentRequest {
  readonly status: IntentStatus;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: string;
  readonly outcome?: IntentOutcome;
  readonly reported?: boolean;
}

export function intentOf(request: IntentRequest, run: IntentRun | undefined): Intent {
  if (run === undefined) return { ...request, status: 'pending' };
  const error = run.outcome?.error;
  return {
    ...request,
    status: run.status,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
    ...(error === undefined ? {} : { error }),
    ...(run.outcome === undefined ? {} : { outcome: run.outcome }),
    ...(run.reported === undefined ? {} : { reported: run.reported }),
  };
}

/** Where an outcome acted, as its audit record carries it. */
export function auditPlacement(
  placement: Placement | undefined,
): Pick<AuditDraft, 'account' | 'region' | 'assumedRoleArn' | 'sessionName'> {
  if (placement === undefined) return {};
  return {
    account: placement.accountId,
    region: placement.region,
    ...(placement.role === undefined
      ? {}
      : {
          assumedRoleArn: assumedRoleArn(placement.role),
          sessionName: placement.role.sessionName,
        }),
  };
}

/** Who asked for what on which target: the part every audit record of an intent shares. */
export function auditSubject(
  intent: IntentRequest,
  dryRun: boolean,
): Pick<AuditDraft, 'actor' | 'action' | 'findingId' | 'target' | 'dryRun' | 'intentId'> {
  return {
    actor: intent.actor,
    action: intent.kind,
    findingId: intent.findingId,
    target: intent.target,
    dryRun,
    intentId: intent.id,
  };
}

export function intentId(kind: ActionKind, subject: string, version: number): string {
  return `intent#${KINDS[kind].family}#${subject}#v${version}`;
}

const SLACK_ID = /^[A-Z0-9]{2,40}$/;
const CriteriaSchema = z.object({
  findingType: z.string().min(1).max(256),
  principalId: z.string().max(256).optional(),
  accessKeyId: z.string().max(128).optional(),
  instanceId: z.string().max(64).optional(),
  remoteIp: z.string().max(64).optional(),
  everyFindingOfType: z.boolean().optional(),
  expiresAt: z.string().max(40).optional(),
  description: z.string().max(1000).optional(),
});

/**
 * An intent item read back from the table is checked like any input: the table can be written
 * by the internet-facing function, so a malformed item is refused, not trusted.
 */
export const IntentRequestSchema = z.object({
  id: z.string().min(1).max(1024),
  findingId: z.string().min(1).max(256),
  kind: z.custom<ActionKind>(
    (value) => typeof value === 'string' && isActionKind(value),
    'not an action',
  ),
  subject: z.string().min(1).max(512),
  target: z.string().max(512),
  version: z.number().int().min(0),
  actor: z.object({
    userId: z.string().regex(SLACK_ID),
    teamId: z.string().max(40),
    userName: z.string().max(128).optional(),
  }),
  source: z.enum(['button', 'modal', 'command', 'expiry']),
  requestedAt: z.iso.datetime(),
  dryRun: z.boolean(),
  criteria: CriteriaSchema.optional(),
  snapshot: z.boolean().optional(),
  list: z
    .object({
      entry: z.string().min(1).max(64),
      region: z.string().min(1).max(32),
      reason: z.string().max(200).optional(),
      expiresAt: z.iso.datetime().optional(),
      wholeRange: z.boolean().optional(),
    })
    .optional(),
  responseUrl: z.string().max(2048).optional(),
});
