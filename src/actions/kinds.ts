import type { ActionKind, ListActionKind } from './contract';

/** A remediation and its undo: the buttons of one family replace each other. */
export type ActionFamily =
  | 'archive'
  | 'suppress'
  | 'disable-key'
  | 'revoke-sessions'
  | 'quarantine'
  | 'threat-list'
  | 'trust-ip';

interface KindInfo {
  readonly family: ActionFamily;
  readonly undo: boolean;
  /** "Archive", for buttons and failures. */
  readonly label: string;
  /** "archiving", for "Already being archiving by…" style lines. */
  readonly progressive: string;
  /** "archived", for status lines. */
  readonly done: string;
  /** Services the action calls (for guardrails on IAM/EC2 resources). */
  readonly touches: 'guardduty' | 'iam' | 'ec2';
}

export const KINDS: Readonly<Record<ActionKind, KindInfo>> = {
  archive: {
    family: 'archive',
    undo: false,
    label: 'Archive',
    progressive: 'archived',
    done: 'Archived',
    touches: 'guardduty',
  },
  unarchive: {
    family: 'archive',
    undo: true,
    label: 'Unarchive',
    progressive: 'unarchived',
    done: 'Unarchived',
    touches: 'guardduty',
  },
  suppress: {
    family: 'suppress',
    undo: false,
    label: 'Suppress similar',
    progressive: 'suppressed',
    done: 'Suppression rule created',
    touches: 'guardduty',
  },
  'delete-suppression': {
    family: 'suppress',
    undo: true,
    label: 'Delete suppression rule',
    progressive: 'removed',
    done: 'Suppression rule deleted',
    touches: 'guardduty',
  },
  'disable-key': {
    family: 'disable-key',
    undo: false,
    label: 'Disable access key',
    progressive: 'disabled',
    done: 'Access key disabled',
    touches: 'iam',
  },
  'enable-key': {
    family: 'disable-key',
    undo: true,
    label: 'Re-enable key',
    progressive: 're-enabled',
    done: 'Access key re-enabled',
    touches: 'iam',
  },
  'revoke-sessions': {
    family: 'revoke-sessions',
    undo: false,
    label: 'Revoke role sessions',
    progressive: 'revoked',
    done: 'Role sessions revoked',
    touches: 'iam',
  },
  'restore-sessions': {
    family: 'revoke-sessions',
    undo: true,
    label: 'Restore role sessions',
    progressive: 'restored',
    done: 'Role sessions restored',
    touches: 'iam',
  },
  quarantine: {
    family: 'quarantine',
    undo: false,
    label: 'Quarantine instance',
    progressive: 'quarantined',
    done: 'Quarantined',
    touches: 'ec2',
  },
  release: {
    family: 'quarantine',
    undo: true,
    label: 'Release from quarantine',
    progressive: 'released',
    done: 'Released from quarantine',
    touches: 'ec2',
  },
  'add-to-threat-list': {
    family: 'threat-list',
    undo: false,
    label: 'Add IP to threat list',
    progressive: 'added to the threat list',
    done: 'Added to the threat list',
    touches: 'guardduty',
  },
  'remove-from-threat-list': {
    family: 'threat-list',
    undo: true,
    label: 'Remove from threat list',
    progressive: 'removed from the threat list',
    done: 'Removed from the threat list',
    touches: 'guardduty',
  },
  'trust-ip': {
    family: 'trust-ip',
    undo: false,
    label: 'Trust IP',
    progressive: 'trusted',
    done: 'Trusted',
    touches: 'guardduty',
  },
  'untrust-ip': {
    family: 'trust-ip',
    undo: true,
    label: 'Stop trusting IP',
    progressive: 'no longer trusted',
    done: 'No longer trusted',
    touches: 'guardduty',
  },
};

/** The families that change the account's GuardDuty IP lists rather than a finding's resource. */
export const LIST_FAMILIES: readonly ActionFamily[] = ['threat-list', 'trust-ip'];

export function isListKind(kind: ActionKind): kind is ListActionKind {
  return LIST_FAMILIES.includes(KINDS[kind].family);
}

const ACTION_KINDS = Object.keys(KINDS) as ActionKind[];

/** The families in the order their buttons and status lines appear. */
export const ACTION_FAMILIES: readonly ActionFamily[] = [
  'archive',
  'suppress',
  'disable-key',
  'revoke-sessions',
  'quarantine',
  'threat-list',
  'trust-ip',
];

export function isActionKind(value: string): value is ActionKind {
  return Object.hasOwn(KINDS, value);
}

/** The forward action and the undo of a family. */
export function familyKinds(family: ActionFamily): { forward: ActionKind; undo: ActionKind } {
  const forward = ACTION_KINDS.find((k) => KINDS[k].family === family && !KINDS[k].undo);
  const undo = ACTION_KINDS.find((k) => KINDS[k].family === family && KINDS[k].undo);
  if (forward === undefined || undo === undefined) throw new Error(`no kinds for ${family}`);
  return { forward, undo };
}
