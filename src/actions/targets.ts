import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import canonicalize from 'canonicalize';
import { extractTuples, type Finding } from '../findings';
import type { ActionKind, SuppressionCriteria } from './contract';
import { KINDS } from './kinds';
import type { RemediationState } from './remediationState';

/** What an action acts on, or why it does not fit the finding. */
export type TargetResolution =
  | { readonly ok: true; readonly target: string }
  | { readonly ok: false; readonly reason: string; readonly refusal?: boolean };

const invalid = (reason: string): TargetResolution => ({ ok: false, reason });
const refused = (reason: string): TargetResolution => ({ ok: false, reason, refusal: true });

export const QUARANTINE_GROUP_NAME = 'guardduty-chatops-quarantine';
/**
 * Where the worker creates the permissions boundaries that revoke a role's older sessions; its
 * role may create, set and delete policies under this path only (template.yaml, RevokeSessions).
 */
export const REVOKED_SESSIONS_PATH = '/guardduty-chatops/revoked-sessions/';

/** The tag the quarantine group is created with; only groups carrying it lose their egress rule. */
export const QUARANTINE_GROUP_TAG = { Key: 'guardduty-chatops:quarantine-group', Value: 'true' };

/** Long-term IAM user keys start AKIA; temporary STS credentials ASIA. */
const LONG_TERM_KEY = /^AKIA[A-Z0-9]{12,124}$/;
const TEMPORARY_KEY = /^ASIA[A-Z0-9]{12,124}$/;

/** The suppression criteria the modal starts from: the type plus who or what and from where. */
export function defaultCriteria(finding: Finding): SuppressionCriteria {
  const key = finding.resource?.accessKeyDetails;
  const instanceId =
    finding.resource?.resourceType === 'Instance'
      ? finding.resource.instanceDetails?.instanceId
      : undefined;
  const extraction = extractTuples(finding);
  const remoteIp = extraction.scorable ? extraction.tuples[0]?.ip : undefined;
  return {
    findingType: finding.type,
    ...(key?.principalId === undefined ? {} : { principalId: key.principalId }),
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(remoteIp === undefined || !isIPv4(remoteIp) ? {} : { remoteIp }),
  };
}

/** A GuardDuty filter name derived from the criteria: the same criteria give the same rule. */
export function suppressionFilterName(criteria: SuppressionCriteria): string {
  const digest = createHash('sha256')
    .update(canonicalize(criteria) ?? '')
    .digest('hex');
  return `guardduty-chatops-${digest.slice(0, 16)}`;
}

function keyTarget(finding: Finding, kind: ActionKind): TargetResolution {
  const key = finding.resource?.accessKeyDetails;
  if (key?.accessKeyId === undefined) return invalid('the finding names no access key');
  if (kind === 'disable-key' || kind === 'enable-key') {
    if (TEMPORARY_KEY.test(key.accessKeyId)) {
      return refused(
        `${key.accessKeyId} is a temporary credential of an assumed role, not an IAM user's key; it cannot be disabled — use Revoke role sessions`,
      );
    }
    if (key.userName === undefined) return invalid('the finding names no IAM user for the key');
    if (!LONG_TERM_KEY.test(key.accessKeyId) && !key.accessKeyId.startsWith('GeneratedFinding')) {
      return refused(`${key.accessKeyId} is not an IAM user access key (AKIA…)`);
    }
    return { ok: true, target: key.accessKeyId };
  }
  const roleSession = key.principalId?.startsWith('AROA') === true;
  if (!TEMPORARY_KEY.test(key.accessKeyId) || !roleSession) {
    return refused(
      `${key.accessKeyId} is not temporary credentials of an assumed role (ASIA… with an AROA… principal); use Disable access key for an IAM user's key`,
    );
  }
  if (key.userName === undefined) return invalid('the finding names no role');
  return { ok: true, target: key.userName };
}

/**
 * What an action names as its target, whether or not it fits the state now (a redelivered click
 * is matched to the intent it created by this); undefined when the finding names none.
 */
export function intendedTarget(
  finding: Finding,
  kind: ActionKind,
  state: RemediationState,
  criteria?: SuppressionCriteria,
): string | undefined {
  switch (kind) {
    case 'archive':
    case 'unarchive':
      return finding.id;
    case 'suppress':
      return suppressionFilterName(criteria ?? defaultCriteria(finding));
    case 'delete-suppression':
      return state.applied.suppress?.target;
    case 'disable-key':
    case 'enable-key':
    case 'revoke-sessions':
    case 'restore-sessions': {
      const resolved = keyTarget(finding, kind);
      return resolved.ok ? resolved.target : undefined;
    }
    case 'quarantine':
    case 'release':
      return finding.resource?.instanceDetails?.instanceId;
  }
}

/**
 * The target of an action on this finding and state, or why it cannot run: invalid when the
 * action does not fit (no key, nothing to undo), a refusal when it would act on the wrong kind
 * of credential.
 */
export function resolveTarget(
  finding: Finding,
  kind: ActionKind,
  state: RemediationState,
  criteria?: SuppressionCriteria,
): TargetResolution {
  const info = KINDS[kind];
  const applied = state.applied[info.family];
  if (info.undo && applied === undefined && !(kind === 'unarchive' && finding.service.archived)) {
    return invalid(`there is nothing to undo: the finding was not ${info.progressive} here`);
  }
  if (!info.undo && applied !== undefined) {
    return invalid(`already ${info.progressive} (undo it first)`);
  }
  switch (kind) {
    case 'archive':
    case 'unarchive':
      if (finding.service.detectorId === undefined) {
        return invalid('the finding names no GuardDuty detector');
      }
      if (kind === 'archive' && finding.service.archived) return invalid('already archived');
      return { ok: true, target: finding.id };
    case 'suppress':
      if (finding.service.detectorId === undefined) {
        return invalid('the finding names no GuardDuty detector');
      }
      return { ok: true, target: suppressionFilterName(criteria ?? defaultCriteria(finding)) };
    case 'delete-suppression':
      return { ok: true, target: applied?.target ?? '' };
    case 'disable-key':
    case 'enable-key':
    case 'revoke-sessions':
    case 'restore-sessions':
      return keyTarget(finding, kind);
    case 'quarantine':
    case 'release': {
      const instanceId = finding.resource?.instanceDetails?.instanceId;
      if (finding.resource?.resourceType !== 'Instance' || instanceId === undefined) {
        return invalid('the finding is not about an EC2 instance');
      }
      return { ok: true, target: instanceId };
    }
  }
}
