import type { ActionKind } from '../../actions/contract';
import { ACTION_FAMILIES, familyKinds, KINDS, type ActionFamily } from '../../actions/kinds';
import type { IntentSummary, RemediationState } from '../../actions/remediationState';
import type { Finding } from '../../findings';
import { prose } from '../render/text';
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

/** Safe mrkdwn status lines, one per family that was acted on, the latest intent each. */
export function statusLines(state: RemediationState): string[] {
  return ACTION_FAMILIES.flatMap((family) => {
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
};

/**
 * What is in force, for the message header ("QUARANTINED · KEY DISABLED"); who did it and when is
 * in the status line right under it. A dry run says so: nothing changed in AWS.
 */
export function stateBadges(finding: Finding, state: RemediationState): string[] {
  return ACTION_FAMILIES.flatMap((family) => {
    const applied = state.applied[family];
    if (applied === undefined) {
      // Archived in GuardDuty itself (the console, a rule): true, though no one here did it.
      return family === 'archive' && finding.service.archived ? [BADGE.archive] : [];
    }
    const word = applied.partial === true ? `PARTLY ${BADGE[family]}` : BADGE[family];
    return [applied.dryRun ? `${word} (DRY RUN)` : word];
  });
}
