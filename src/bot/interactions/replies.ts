import { assumedRoleArn, type Placement } from '../../actions/accounts/policy';
import type { CallRecord, JsonValue } from '../../actions/audit/record';
import type { ActionKind, RequestOutcome } from '../../actions/contract';
import type { Intent, IntentOutcome } from '../../actions/intents';
import { KINDS } from '../../actions/kinds';
import type { Finding } from '../../findings';
import type { SlackMessage } from '../render/finding';
import { LIMITS } from '../render/limits';
import { code, fitLines, ours, prose } from '../render/text';
import { askAResponder, DRY_RUN_NOTE, timeOf, userRef, type ResponderList } from './words';

/** The ephemeral answer to a click that was not accepted; undefined when there is nothing to say. */
export function outcomeReply(
  kind: ActionKind,
  outcome: RequestOutcome,
  responders: ResponderList,
): string | undefined {
  const info = KINDS[kind];
  switch (outcome.kind) {
    case 'accepted':
      return undefined;
    case 'refused': {
      const ask = outcome.askResponders === true ? `; ${askAResponder(responders)}` : '';
      return `:no_entry: ${info.label} refused: ${prose(outcome.reason, 600)}${ask}`;
    }
    case 'invalid':
      return `:information_source: ${info.label}: ${prose(outcome.reason, 600)}`;
    case 'duplicate': {
      const who = userRef(outcome.by);
      const at = timeOf(outcome.at);
      if (outcome.status === 'pending' || outcome.status === 'running') {
        return `Already being ${info.progressive} by ${who} since ${at}.`;
      }
      if (outcome.status === 'succeeded') return `Already ${info.progressive} by ${who} at ${at}.`;
      return `${info.label} by ${who} at ${at} failed; the message offers the button again.`;
    }
  }
}

/** A JSON value for one line of inline code; refs of a plan read `<name>`. */
function jsonLine(value: JsonValue, max: number): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const refName = (v as { ref?: unknown }).ref;
      if (keys.length === 1 && typeof refName === 'string') return `<${refName}>`;
    }
    return v;
  });
  return code(text, max);
}

function callLine(call: CallRecord): string {
  const region = call.region === undefined ? '' : ` in ${code(call.region, 30)}`;
  const where = `${region}${call.account === undefined ? '' : ` as the member role of ${code(call.account, 20)}`}`;
  const id = call.requestId === undefined ? '' : ` · request ${code(call.requestId, 80)}`;
  const note = call.note === undefined ? '' : ` _(${ours(call.note, 200)})_`;
  return `• ${code(`${call.service}:${call.command}`, 80)}${where} ${jsonLine(call.input, 600)}${id}${note}`;
}

/** Where it acted: the account (by name), the region, and the member role's session. */
function placementLine(placement: Placement, dryRun: boolean): string {
  const name = placement.accountName === undefined ? '' : ` (${prose(placement.accountName, 60)})`;
  const where = `*Where:* account ${code(placement.accountId, 20)}${name} · ${code(placement.region, 30)}`;
  if (placement.role === undefined) return `${where} · the stack's own account`;
  const session = code(placement.role.sessionName, 70);
  return dryRun
    ? `${where} · would assume ${code(placement.role.roleArn, 200)} as session ${session}`
    : `${where} · as ${code(assumedRoleArn(placement.role), 260)}`;
}

function headline(intent: Intent, outcome: IntentOutcome): string {
  const info = KINDS[intent.kind];
  // The stack's own action: no one clicked, the rule's expiry date (or the trust's end) came.
  const why =
    intent.kind === 'untrust-ip' ? 'the trust has ended' : 'the rule’s expiry date has come';
  const who = intent.source === 'expiry' ? `the stack, as ${why}` : userRef(intent.actor);
  if (outcome.refused) return `:no_entry: *${info.label} refused* (asked by ${who})`;
  if (outcome.status === 'failed') return `:warning: *${info.label} failed* (asked by ${who})`;
  if (intent.dryRun) {
    return `:memo: *${info.label} — dry run* by ${who}: nothing was called; these are the calls a live run makes`;
  }
  return `:white_check_mark: *${info.done}* by ${who} at ${timeOf(intent.requestedAt)}`;
}

/**
 * The thread reply with the details: the calls (made, or planned in a dry run) with their exact
 * parameters and request ids, before and after, the error, and the audit record's place in the
 * hash chain (its hash, so the chain head is anchored outside the table too).
 */
export function outcomeThreadReply(
  intent: Intent,
  finding: Finding | undefined,
  outcome: IntentOutcome,
): SlackMessage {
  const lines: string[] = [headline(intent, outcome)];
  if (outcome.placement !== undefined) lines.push(placementLine(outcome.placement, intent.dryRun));
  // In a code span: literal and copyable (ARNs, names), and nothing in it formats.
  if (outcome.error !== undefined) lines.push(`*Why:* ${code(outcome.error, 1200)}`);
  if (outcome.calls.length > 0) {
    lines.push(intent.dryRun ? '*Plan:*' : '*AWS calls:*', ...outcome.calls.map(callLine));
  } else if (!intent.dryRun) {
    lines.push('No AWS call was made.');
  }
  if (Object.keys(outcome.before).length > 0)
    lines.push(`*Before:* ${jsonLine(outcome.before, 900)}`);
  if (Object.keys(outcome.after).length > 0) lines.push(`*After:* ${jsonLine(outcome.after, 900)}`);
  if (intent.kind === 'quarantine' && outcome.status === 'succeeded') {
    lines.push('Tracked connections may survive a security-group change; check for open sessions.');
  }
  if (intent.kind === 'suppress' && outcome.status === 'succeeded') {
    lines.push('The rule archives *new* matching findings only; existing ones are unchanged.');
  }
  if (intent.kind === 'trust-ip' && outcome.status === 'succeeded' && intent.list?.expiresAt) {
    lines.push(
      `GuardDuty stops generating findings for ${code(intent.list.entry, 70)} until the schedule removes it at ${code(intent.list.expiresAt, 40)}.`,
    );
  }
  // A list action without a finding is chained per list (`list:threat:us-east-1`).
  const chain =
    finding === undefined
      ? `list ${code(intent.findingId, 140)}`
      : `finding ${code(finding.id, 140)}`;
  lines.push(
    outcome.auditSeq === 0
      ? chain.charAt(0).toUpperCase() + chain.slice(1)
      : `Audit record #${outcome.auditSeq} · hash ${code(outcome.auditHash.slice(0, 16), 20)} · ${chain}`,
  );
  const dry = intent.dryRun ? DRY_RUN_NOTE : '';
  return {
    text: `${KINDS[intent.kind].label} ${outcome.status}${dry}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: fitLines(lines, LIMITS.sectionText), verbatim: true },
      },
    ],
  };
}
