import type { ActionKind } from '../../actions/contract';
import {
  ACTION_FAMILIES,
  familyKinds,
  KINDS,
  LIST_FAMILIES,
  type ActionFamily,
} from '../../actions/kinds';
import type {
  AppliedAction,
  IntentSummary,
  RemediationState,
} from '../../actions/remediationState';
import type { Finding } from '../../findings';
import { code, prose } from '../render/text';
import { DRY_RUN_NOTE, timeOf, userRef } from './words';

function latestOf(state: RemediationState, family: ActionFamily): IntentSummary | undefined {
  const { forward, undo } = familyKinds(family);
  const candidates = [state.latest[forward], state.latest[undo]].filter(
    (s): s is IntentSummary => s !== undefined,
  );
  return candidates.sort((a, b) => b.version - a.version)[0];
}

function line(summary: IntentSummary, state: RemediationState, family: ActionFamily): string {
  const info = KINDS[summary.kind];
  const who = userRef(summary.by);
  const dry = summary.dryRun ? DRY_RUN_NOTE : '';
  switch (summary.status) {
    case 'pending':
    case 'running':
      return `:hourglass_flowing_sand: ${info.label} requested by ${who} at ${timeOf(summary.requestedAt)} — in progress${dry}`;
    case 'failed': {
      const partial = state.applied[family]?.partial === true;
      const next = partial
        ? 'Partly done: release restores what was moved.'
        : 'the button is back to try again.';
      return `:warning: ${info.label} by ${who} failed at ${timeOf(summary.finishedAt ?? summary.requestedAt)}: ${prose(summary.error ?? 'unknown error', 400)} — details in the thread; ${next}`;
    }
    case 'succeeded':
      return succeededLine(
        summary.kind,
        who,
        timeOf(summary.finishedAt ?? summary.requestedAt),
        dry,
        caveatOf(summary.kind, state),
      );
  }
}

/** What a responder must keep in mind about an action in force. */
function caveatOf(kind: ActionKind, state: RemediationState): string {
  if (kind === 'quarantine') return ' Tracked connections may survive a security-group change.';
  const expiresAt = state.applied.suppress?.undo.expiresAt;
  if (
    kind === 'suppress' &&
    typeof expiresAt === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(expiresAt)
  ) {
    return ` Expires on ${expiresAt}: the stack deletes the rule that day.`;
  }
  return '';
}

function succeededLine(
  kind: ActionKind,
  who: string,
  at: string,
  dry: string,
  caveat: string,
): string {
  const info = KINDS[kind];
  if (info.undo) return `:leftwards_arrow_with_hook: ${info.done} by ${who} at ${at}${dry}`;
  return `:white_check_mark: ${info.done} by ${who} at ${at}${dry} — undo with the button below.${caveat}`;
}

/**
 * The mark of an entry on one of the account's lists, for every finding with that remote IP:
 * "On your threat list since 2026-12-03, added by @alice: C2 from incident 42". The reason was
 * typed by a responder; it is shown inert all the same.
 */
function listMark(family: ActionFamily, applied: AppliedAction, address?: string): string {
  const who = userRef(applied.by);
  const since = applied.at.slice(0, 10);
  const entry =
    address === undefined
      ? code(applied.target, 70)
      : `${code(address, 70)} is inside ${code(applied.target, 70)}, which`;
  const reason =
    typeof applied.undo.reason === 'string' ? `: ${prose(applied.undo.reason, 200)}` : '';
  const dry = applied.dryRun ? DRY_RUN_NOTE : '';
  if (family === 'trust-ip') {
    const until =
      typeof applied.undo.expiresAt === 'string'
        ? ` until ${applied.undo.expiresAt.slice(0, 10)}`
        : '';
    return `:handshake: ${entry} is on your trusted IP list since ${since}${until}, added by ${who}${reason}${dry} — GuardDuty makes no findings for it`;
  }
  return `:dart: ${entry} is on your threat list since ${since}, added by ${who}${reason}${dry}`;
}

/** Safe mrkdwn status lines, one per family that was acted on, the latest intent each. */
export function statusLines(state: RemediationState): string[] {
  return ACTION_FAMILIES.flatMap((family) => {
    const applied = state.applied[family];
    const covered = state.covering?.[family];
    if (LIST_FAMILIES.includes(family) && applied === undefined && covered !== undefined) {
      return [listMark(family, covered.applied, covered.address)];
    }
    if (LIST_FAMILIES.includes(family) && applied !== undefined) {
      // While its undo runs the entry shows that instead of the mark.
      const summary = latestOf(state, family);
      return summary !== undefined && KINDS[summary.kind].undo && summary.status !== 'succeeded'
        ? [line(summary, state, family)]
        : [listMark(family, applied)];
    }
    const summary = latestOf(state, family);
    return summary === undefined ? [] : [line(summary, state, family)];
  });
}

/** The header's word for each action in force. */
const BADGE: Readonly<Record<ActionFamily, string>> = {
  archive: 'ARCHIVED',
  suppress: 'SUPPRESSED',
  'disable-key': 'KEY DISABLED',
  'revoke-sessions': 'SESSIONS REVOKED',
  quarantine: 'QUARANTINED',
  'threat-list': 'ON THREAT LIST',
  'trust-ip': 'TRUSTED IP',
};

/**
 * What is in force, for the message header ("QUARANTINED · KEY DISABLED"); who did it and when is
 * in the status line right under it. A dry run says so: nothing changed in AWS.
 */
export function stateBadges(finding: Finding, state: RemediationState): string[] {
  return ACTION_FAMILIES.flatMap((family) => {
    const applied = state.applied[family] ?? state.covering?.[family]?.applied;
    if (applied === undefined) {
      // Archived in GuardDuty itself (the console, a rule): true, though no one here did it.
      return family === 'archive' && finding.service.archived ? [BADGE.archive] : [];
    }
    const word = applied.partial === true ? `PARTLY ${BADGE[family]}` : BADGE[family];
    return [applied.dryRun ? `${word} (DRY RUN)` : word];
  });
}
