import type { Finding } from '../findings';
import type { ActionKind } from './contract';
import { KINDS } from './kinds';

/** The tag that puts an instance out of remediation's reach. */
export const PROTECTED_TAG = 'guardduty-chatops:protected';

/** Identifiers GuardDuty puts in sample findings; acting on them live would hit nothing real. */
const SAMPLE_PLACEHOLDER = /GeneratedFinding|^i-99999999$/;

export interface GuardrailConfig {
  readonly protectedPrincipals: readonly string[];
  readonly dryRun: boolean;
}

export interface Tag {
  readonly key?: string | undefined;
  readonly value?: string | undefined;
}

export function hasProtectedTag(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.key === PROTECTED_TAG);
}

function principalNames(finding: Finding): string[] {
  const key = finding.resource?.accessKeyDetails;
  const account = finding.accountId;
  const names: string[] = [];
  if (key?.accessKeyId !== undefined) names.push(key.accessKeyId);
  if (key?.principalId !== undefined) {
    names.push(key.principalId);
    const [uniqueId] = key.principalId.split(':');
    if (uniqueId !== undefined) names.push(uniqueId);
  }
  if (key?.userName !== undefined) {
    names.push(key.userName);
    const kind = key.userType === 'AssumedRole' || key.userType === 'Role' ? 'role' : 'user';
    names.push(`arn:${finding.partition ?? 'aws'}:iam::${account}:${kind}/${key.userName}`);
  }
  return names;
}

/**
 * IAM user and role names are unique ignoring case (IAM refuses `Admin` beside `admin`), so a
 * protected entry matches in any case; ids and ARNs are compared the same way, which can only
 * protect more. An ARN entry with a path (role/service-role/foo) matches the name at its end.
 */
function matchesEntry(entry: string, names: readonly string[], finding: Finding): boolean {
  const wanted = entry.trim().toLowerCase();
  if (names.some((name) => name.toLowerCase() === wanted)) return true;
  const arn = /^arn:[^:]+:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/i.exec(entry.trim());
  if (arn === null) return false;
  const userName = finding.resource?.accessKeyDetails?.userName;
  return arn[1] === finding.accountId && arn[3]?.toLowerCase() === userName?.toLowerCase();
}

function isRoot(finding: Finding): boolean {
  const key = finding.resource?.accessKeyDetails;
  if (key === undefined) return false;
  return (
    key.userType === 'Root' ||
    key.principalId === finding.accountId ||
    key.userName?.toLowerCase() === 'root'
  );
}

function sampleTarget(finding: Finding, kind: ActionKind): string | undefined {
  const key = finding.resource?.accessKeyDetails;
  const candidates =
    KINDS[kind].touches === 'ec2'
      ? [finding.resource?.instanceDetails?.instanceId]
      : [key?.accessKeyId, key?.userName, key?.principalId];
  return candidates.find((value) => value !== undefined && SAMPLE_PLACEHOLDER.test(value));
}

/**
 * Why an action must not run on this finding's resource, or undefined. Only IAM and EC2 actions
 * are guarded: archiving or suppressing a finding touches no principal or instance.
 */
export function guardrailRefusal(
  finding: Finding,
  kind: ActionKind,
  config: GuardrailConfig,
): string | undefined {
  const touches = KINDS[kind].touches;
  if (touches === 'guardduty') return undefined;
  const sample = sampleTarget(finding, kind);
  if (sample !== undefined && !config.dryRun) {
    return `${sample} is a placeholder of a GuardDuty sample finding; sample findings can only be remediated in dry-run mode`;
  }
  if (touches === 'iam') {
    if (isRoot(finding)) {
      return 'the principal is the AWS account root user; remediate the root user by hand';
    }
    const names = principalNames(finding);
    const entry = config.protectedPrincipals.find((candidate) =>
      matchesEntry(candidate, names, finding),
    );
    if (entry !== undefined) {
      return `the principal is protected from remediation (${entry}); an AWS administrator must act on it by hand`;
    }
    return undefined;
  }
  if (hasProtectedTag(finding.resource?.instanceDetails?.tags)) {
    return `the instance is tagged ${PROTECTED_TAG}`;
  }
  return undefined;
}
