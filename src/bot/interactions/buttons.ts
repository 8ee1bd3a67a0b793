import type { Button, ConfirmationDialog } from '@slack/types';
import type { ActionKind } from '../../actions/contract';
import { ACTION_FAMILIES, familyKinds, KINDS } from '../../actions/kinds';
import { inProgress, versionOf, type RemediationState } from '../../actions/remediationState';
import { findingListEntries } from '../../actions/lists/subjects';
import { defaultCriteria, familyFits, suppressionFilterName } from '../../actions/targets';
import type { Finding } from '../../findings';
import { SEVERITY_BAND_FLOOR } from '../../findings/severity';
import { LIMITS } from '../render/limits';
import { code, ours } from '../render/text';
import { actionIdFor, buttonValue } from './ids';

function confirm(title: string, text: string, yes: string): ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: ours(title, LIMITS.confirmTitle) },
    text: { type: 'mrkdwn', text, verbatim: true },
    confirm: { type: 'plain_text', text: ours(yes, LIMITS.confirmButton) },
    deny: { type: 'plain_text', text: 'Cancel' },
    style: 'danger',
  };
}

/** The confirm dialog of a destructive button, naming the exact target; none for harmless ones. */
function confirmFor(
  finding: Finding,
  kind: ActionKind,
  state: RemediationState,
  snapshot: boolean,
): ConfirmationDialog | undefined {
  const key = finding.resource?.accessKeyDetails;
  const keyId = code(key?.accessKeyId ?? '', 60);
  const user = code(key?.userName ?? '', 80);
  const instance = code(finding.resource?.instanceDetails?.instanceId ?? '', 40);
  switch (kind) {
    case 'disable-key':
      return confirm(
        'Disable access key?',
        `Set access key ${keyId} of IAM user ${user} to *Inactive*? Anything using it stops working at once.`,
        'Disable key',
      );
    case 'enable-key':
      return confirm(
        'Re-enable access key?',
        `Set access key ${keyId} of IAM user ${user} back to *Active*? Only if the key is known to be safe.`,
        'Re-enable key',
      );
    case 'revoke-sessions':
      return confirm(
        'Revoke role sessions?',
        `Deny everything to sessions of role ${user} issued before now (key ${keyId})? Workloads get new credentials; the attacker's stop working.`,
        'Revoke sessions',
      );
    case 'restore-sessions':
      return confirm(
        'Restore role sessions?',
        `Delete the deny policy on role ${user}? Sessions issued before the revocation work again.`,
        'Restore sessions',
      );
    case 'quarantine':
      return confirm(
        'Quarantine instance?',
        `${snapshot ? 'Snapshot every EBS volume of' : 'Move'} ${instance}${snapshot ? ', then move it' : ''} into the quarantine security group (no traffic in or out)? Tracked connections may survive a security-group change.`,
        snapshot ? 'Snapshot & quarantine' : 'Quarantine',
      );
    case 'release':
      return confirm(
        'Release from quarantine?',
        `Put the recorded security groups back on every network interface of ${instance}?`,
        'Release',
      );
    case 'delete-suppression': {
      const name =
        state.applied.suppress?.target ?? suppressionFilterName(defaultCriteria(finding));
      return confirm(
        'Delete suppression rule?',
        `Delete GuardDuty filter ${code(name, 80)}? New similar findings are posted again.`,
        'Delete rule',
      );
    }
    case 'add-to-threat-list':
    case 'remove-from-threat-list': {
      const ip = code(
        state.applied['threat-list']?.target ?? findingListEntries(finding)[0] ?? '',
        70,
      );
      return kind === 'add-to-threat-list'
        ? confirm(
            'Add IP to threat list?',
            `Add ${ip} to this account's GuardDuty threat list in ${code(finding.region, 30)}? GuardDuty then raises a finding for any activity with it.`,
            'Add to threat list',
          )
        : confirm(
            'Remove from threat list?',
            `Remove ${ip} from the GuardDuty threat list in ${code(finding.region, 30)}?`,
            'Remove',
          );
    }
    case 'untrust-ip':
      return confirm(
        'Stop trusting IP?',
        `Remove ${code(state.applied['trust-ip']?.target ?? '', 70)} from the GuardDuty trusted IP list in ${code(finding.region, 30)}? GuardDuty makes findings for it again.`,
        'Stop trusting',
      );
    default:
      return undefined;
  }
}

/**
 * Shorter words where the message already says what the button acts on, so a finding's buttons
 * fit on one row: the message names the key and the remote IP, the confirm dialog names the
 * instance and the IP again (with the action's full name), and the modals say what is
 * suppressed or trusted (the ellipsis: a form opens first).
 */
const BUTTON_TEXT: Partial<Record<ActionKind, string>> = {
  suppress: 'Suppress…',
  quarantine: 'Quarantine',
  'disable-key': 'Disable key',
  'add-to-threat-list': 'Threat list',
  'remove-from-threat-list': 'Unlist IP',
  'trust-ip': 'Trust IP…',
  'untrust-ip': 'Untrust IP',
};

function button(
  finding: Finding,
  kind: ActionKind,
  state: RemediationState,
  snapshot = false,
): Button {
  const dialog = confirmFor(finding, kind, state, snapshot);
  const destructive = !KINDS[kind].undo && dialog !== undefined;
  return {
    type: 'button',
    action_id: actionIdFor(kind, snapshot),
    text: {
      type: 'plain_text',
      text: snapshot ? 'Snapshot & quarantine' : (BUTTON_TEXT[kind] ?? KINDS[kind].label),
      emoji: false,
    },
    value: buttonValue(finding.id, versionOf(state, KINDS[kind].family)),
    ...(destructive ? { style: 'danger' as const } : {}),
    ...(dialog === undefined ? {} : { confirm: dialog }),
  };
}

/**
 * The buttons that fit a finding in its state: per family the action or its undo, none while
 * one of them is in progress. Each carries the state version it was drawn with.
 */
export function remediationButtons(finding: Finding, state: RemediationState): Button[] {
  const buttons: Button[] = [];
  for (const family of ACTION_FAMILIES) {
    if (!familyFits(finding, family)) continue;
    if (inProgress(state, family) !== undefined) continue;
    const { forward, undo } = familyKinds(family);
    const applied =
      state.applied[family] !== undefined || (family === 'archive' && finding.service.archived);
    if (applied) {
      buttons.push(button(finding, undo, state));
      continue;
    }
    // Trusting the remote IP of a High or Critical finding silences GuardDuty for what may be the
    // attacker: not one click away (`/guardduty trust add` still can, with its reason).
    if (family === 'trust-ip' && finding.severity >= SEVERITY_BAND_FLOOR.High) continue;
    buttons.push(button(finding, forward, state));
    if (family === 'quarantine') buttons.push(button(finding, forward, state, true));
  }
  return buttons;
}
