import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import canonicalize from 'canonicalize';
import { extractTuples, type Finding } from '../findings';
import type { ActionKind, SuppressionCriteria } from './contract';
import { KINDS } from './kinds';
import type { AppliedAction } from './remediationState';
import { remoteIpAttribute } from './suppression';
import type { ActionFamily } from './kinds';
import { findingListEntries, listSubject } from './lists/subjects';

/** What an action acts on, or why it does not fit the finding. */
export type TargetResolution =
  | { readonly ok: true; readonly target: string }
  | { readonly ok: false; readonly reason: string; readonly refusal?: boolean };

const invalid = (reason: string): TargetResolution => ({ ok: false, reason });
const refused = (reason: string): TargetResolution => ({ ok: false, reason, refusal: true });

/** "quarantined by alice at 10:42 UTC": who did it and when, for a refused second action. */
function alreadyDone(progressive: string, applied: AppliedAction): string {
  const who = applied.by.userName === undefined ? applied.by.userId : applied.by.userName;
  const when = applied.at.slice(11, 16);
  return `${progressive} by ${who} at ${when} UTC${applied.dryRun ? ' (dry run)' : ''}`;
}

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
    // Only an IP a filter attribute can hold: a rule never claims more than it matches.
    ...(remoteIp === undefined || !isIPv4(remoteIp) || remoteIpAttribute(finding) === undefined
      ? {}
      : { remoteIp }),
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
 * What a family acts on for a finding, shared by every finding about it: the finding itself for
 * archive and suppress, the access key, the role, or the instance (within its account and
 * region). The remediation state, the in-flight lock and the undo details are kept per subject,
 * so a second finding about a quarantined instance shows it quarantined and cannot quarantine it
 * again.
 */
export function subjectOf(finding: Finding, family: ActionFamily, target: string): string {
  switch (family) {
    case 'archive':
    case 'suppress':
      return `finding:${finding.id}`;
    case 'disable-key':
      return `${finding.accountId}:access-key:${target}`;
    case 'revoke-sessions':
      return `${finding.accountId}:role:${target}`;
    case 'quarantine':
      return `${finding.accountId}:${finding.region}:instance:${target}`;
    case 'threat-list':
    case 'trust-ip':
      return listSubject(family, finding.region, target);
  }
}

/** The subject a family would act on for this finding, or undefined when the family does not fit. */
export function familySubject(finding: Finding, family: ActionFamily): string | undefined {
  const key = finding.resource?.accessKeyDetails;
  switch (family) {
    case 'archive':
    case 'suppress':
      return subjectOf(finding, family, finding.id);
    case 'disable-key':
      return key?.accessKeyId === undefined
        ? undefined
        : subjectOf(finding, family, key.accessKeyId);
    case 'revoke-sessions':
      return key?.userName === undefined ? undefined : subjectOf(finding, family, key.userName);
    case 'quarantine': {
      const instanceId = finding.resource?.instanceDetails?.instanceId;
      return instanceId === undefined ? undefined : subjectOf(finding, family, instanceId);
    }
    case 'threat-list':
    case 'trust-ip': {
      const entry = findingListEntries(finding)[0];
      return entry === undefined ? undefined : subjectOf(finding, family, entry);
    }
  }
}

/** Which families fit a finding (its buttons); the service checks the same again on every click. */
export function familyFits(finding: Finding, family: ActionFamily): boolean {
  const key = finding.resource?.accessKeyDetails;
  switch (family) {
    case 'archive':
    case 'suppress':
      return finding.service.detectorId !== undefined;
    case 'disable-key':
      return (
        key?.userName !== undefined &&
        key.accessKeyId !== undefined &&
        !key.accessKeyId.startsWith('ASIA')
      );
    case 'revoke-sessions':
      return (
        key?.userName !== undefined &&
        key.accessKeyId?.startsWith('ASIA') === true &&
        key.principalId?.startsWith('AROA') === true
      );
    case 'quarantine':
      return (
        finding.resource?.resourceType === 'Instance' &&
        finding.resource.instanceDetails?.instanceId !== undefined
      );
    case 'threat-list':
    case 'trust-ip':
      return findingListEntries(finding).length > 0;
  }
}

/**
 * The IAM or EC2 subject a finding is about (an instance, an IAM user's key, a role), which the
 * findings table indexes so every message about it is redrawn when one of them is acted on.
 */
export function resourceSubject(finding: Finding): string | undefined {
  if (finding.resource?.resourceType === 'Instance') return familySubject(finding, 'quarantine');
  const keyId = finding.resource?.accessKeyDetails?.accessKeyId;
  if (keyId === undefined) return undefined;
  return TEMPORARY_KEY.test(keyId)
    ? familySubject(finding, 'revoke-sessions')
    : familySubject(finding, 'disable-key');
}

/**
 * The target of an action on this finding, given what the family has in force on the subject,
 * or why it cannot run: invalid when the action does not fit (no key, nothing to undo, already
 * done), a refusal when it would act on the wrong kind of credential.
 */
export function resolveTarget(
  finding: Finding,
  kind: ActionKind,
  applied: AppliedAction | undefined,
  criteria?: SuppressionCriteria,
): TargetResolution {
  const info = KINDS[kind];
  if (info.undo && applied === undefined && !(kind === 'unarchive' && finding.service.archived)) {
    return invalid(`there is nothing to undo: the finding was not ${info.progressive} here`);
  }
  if (!info.undo && applied !== undefined) {
    return invalid(`already ${alreadyDone(info.progressive, applied)} (undo it first)`);
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
    case 'add-to-threat-list':
    case 'remove-from-threat-list':
    case 'trust-ip':
    case 'untrust-ip': {
      const entry = findingListEntries(finding)[0];
      return entry === undefined
        ? invalid('the finding names no public remote IP')
        : { ok: true, target: entry };
    }
  }
}

/**
 * A list entry's target given what its family has in force: the entry, or why not (already on
 * the list, or — for an undo from a button — not added here). A command may remove an entry
 * someone added by hand, so `requireApplied` is false there.
 */
export function resolveListTarget(
  kind: ActionKind,
  entry: string,
  applied: AppliedAction | undefined,
  requireApplied: boolean,
): TargetResolution {
  const info = KINDS[kind];
  if (!info.undo && applied !== undefined) {
    return invalid(`${entry} is already ${alreadyDone(info.progressive, applied)} (undo it first)`);
  }
  if (info.undo && applied === undefined && requireApplied) {
    return invalid(
      `there is nothing to undo: ${entry} was not ${KINDS[kind === 'untrust-ip' ? 'trust-ip' : 'add-to-threat-list'].progressive} here`,
    );
  }
  return { ok: true, target: entry };
}
