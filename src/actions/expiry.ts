import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import type { Actor } from './contract';
import { intentId, type IntentRequest } from './intents';
import type { ExpiryEntry, SuppressionExpiries } from './ports/expiries';
import type { IntentRepository, SubjectStateRepository } from './ports/repositories';
import type { AppliedAction } from './remediationState';

/**
 * The stack itself, as the actor of what it does on its own (a suppression's expiry). Not a
 * Slack id (those start with U or W, user groups with S), so no person or group can be it; the
 * worker lets it do one thing only (`expiryRefusal`).
 */
export const STACK_ACTOR: Actor = {
  userId: 'GUARDDUTYCHATOPS',
  teamId: '',
  userName: 'guardduty-chatops (automatic)',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A rule "expires on" its date: from 00:00 UTC that day it is expired. */
export function isExpired(expiresAt: string, now: Date): boolean {
  return DATE.test(expiresAt) && Date.parse(`${expiresAt}T00:00:00Z`) <= now.getTime();
}

export function expiryOf(applied: AppliedAction | undefined): string | undefined {
  const value = applied?.undo.expiresAt;
  return typeof value === 'string' && DATE.test(value) ? value : undefined;
}

/** When a trust ends (ISO time, as the worker recorded it with the entry), if it does. */
export function trustEndOf(applied: AppliedAction | undefined): string | undefined {
  const value = applied?.undo.expiresAt;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** The date the expiry job starts looking at a trust: the day it ends (UTC). */
export function trustExpiryDate(applied: AppliedAction | undefined): string | undefined {
  const ends = trustEndOf(applied);
  return ends === undefined ? undefined : new Date(Date.parse(ends)).toISOString().slice(0, 10);
}

function trustRefusal(applied: AppliedAction | undefined, now: Date): string | undefined {
  const ends = trustEndOf(applied);
  if (ends === undefined) return 'the trusted IP has no expiry';
  if (Date.parse(ends) > now.getTime()) return `the trust ends at ${ends}, not yet`;
  return undefined;
}

/**
 * Why the worker will not run an automatic request: it must be the stack's, delete a
 * suppression or stop trusting an IP, and that rule or trust (as the worker itself recorded
 * it) must have expired.
 */
export function expiryRefusal(
  request: IntentRequest,
  applied: AppliedAction | undefined,
  now: Date,
): string | undefined {
  if (request.actor.userId !== STACK_ACTOR.userId) {
    return 'only the expiry of a suppression rule or a trusted IP is done automatically';
  }
  if (request.kind === 'untrust-ip') return trustRefusal(applied, now);
  if (request.kind !== 'delete-suppression') {
    return 'only the expiry of a suppression rule or a trusted IP is done automatically';
  }
  const expiresAt = expiryOf(applied);
  if (expiresAt === undefined) return 'the suppression rule has no expiry date';
  if (!isExpired(expiresAt, now)) return `the suppression rule expires on ${expiresAt}, not yet`;
  return undefined;
}

export interface ExpiryDeps {
  readonly expiries: SuppressionExpiries;
  readonly subjects: SubjectStateRepository;
  readonly intents: IntentRepository;
  /** The remediation worker: the deletion goes the way every action goes. */
  readonly worker: { run(intentId: string): Promise<void> };
  readonly dryRun: boolean;
  readonly clock: () => Date;
  readonly log: Log;
}

export type ExpiryResult =
  | { readonly kind: 'deleted'; readonly entry: ExpiryEntry; readonly intentId: string }
  /** A trust that ends later today: the next run looks again. */
  | { readonly kind: 'not-yet'; readonly entry: ExpiryEntry }
  | { readonly kind: 'failed'; readonly entry: ExpiryEntry; readonly error: string }
  /** Deleted by hand, replaced, or already deleted by an overlapping run. */
  | { readonly kind: 'gone'; readonly entry: ExpiryEntry }
  /** Another action on the rule is running; the next run tries again. */
  | { readonly kind: 'busy'; readonly entry: ExpiryEntry };

/**
 * The scheduled job that enforces expiry: for each suppression rule whose date has come, an
 * intent to delete it, and for each trusted IP whose trust has ended, an intent to stop
 * trusting it (the entry out of the IPSet file, the set reloaded); asked for by the stack and
 * run by the worker like any action (audited, reported in the finding's thread, resumable).
 * The intent's id is the subject's version, as a click's is, so two overlapping runs record
 * one intent and the worker's lease runs it once.
 */
export class SuppressionExpiry {
  constructor(private readonly deps: ExpiryDeps) {}

  async run(): Promise<ExpiryResult[]> {
    const { deps } = this;
    const now = deps.clock();
    const due = await deps.expiries.due(now.toISOString().slice(0, 10));
    const results: ExpiryResult[] = [];
    for (const entry of due) {
      try {
        results.push(await this.expire(entry, now));
      } catch (error) {
        deps.log.error('suppression expiry failed', {
          subject: entry.subject,
          expiresAt: entry.expiresAt,
          error: errorMessage(error),
        });
        results.push({ kind: 'failed', entry, error: errorMessage(error) });
      }
    }
    if (results.length > 0) {
      deps.log.info('suppression expiry run', {
        due: due.length,
        deleted: results.filter((r) => r.kind === 'deleted').length,
        failed: results.filter((r) => r.kind === 'failed').length,
      });
    }
    return results;
  }

  private async expire(entry: ExpiryEntry, now: Date): Promise<ExpiryResult> {
    const { deps } = this;
    const trust = entry.family === 'trust-ip';
    const key = {
      family: trust ? ('trust-ip' as const) : ('suppress' as const),
      subject: entry.subject,
    };
    const state = await deps.subjects.get(key);
    const dateOf = trust ? trustExpiryDate : expiryOf;
    if (dateOf(state.applied) !== entry.expiresAt) {
      await deps.expiries.remove(entry);
      return { kind: 'gone', entry };
    }
    const applied = state.applied;
    if (applied === undefined) return { kind: 'gone', entry };
    if (trust && trustRefusal(applied, now) !== undefined) return { kind: 'not-yet', entry };
    if (state.running !== undefined) return { kind: 'busy', entry };
    const kind = trust ? ('untrust-ip' as const) : ('delete-suppression' as const);
    const region = applied.undo.region;
    const request: IntentRequest = {
      id: intentId(kind, entry.subject, state.version),
      findingId: applied.findingId ?? entry.findingId,
      kind,
      subject: entry.subject,
      target: applied.target,
      version: state.version,
      actor: STACK_ACTOR,
      source: 'expiry',
      requestedAt: now.toISOString(),
      dryRun: deps.dryRun,
      ...(trust && typeof region === 'string' ? { list: { entry: applied.target, region } } : {}),
    };
    // False when an overlapping run recorded it first: then the worker's lease decides.
    await deps.intents.create(request);
    await deps.worker.run(request.id);
    const run = await deps.intents.run(request.id);
    if (run?.status === 'succeeded' && run.outcome?.refused !== true) {
      await deps.expiries.remove(entry);
      return { kind: 'deleted', entry, intentId: request.id };
    }
    if (run?.status === 'running') return { kind: 'busy', entry };
    return {
      kind: 'failed',
      entry,
      error: run?.outcome?.error ?? 'the deletion did not finish',
    };
  }
}
