import type { Finding } from '../findings';
import type { SuppressionCriteria } from './contract';

/**
 * What a suppression rule sends to GuardDuty, decided once so the CreateFilter call, the thread
 * reply and the audit record all say the same thing: a criterion that cannot be expressed as a
 * filter attribute is refused, never silently dropped (which would widen the rule).
 */

/** GuardDuty filter attributes of a remote IPv4 address, by the finding's action type. */
const REMOTE_IP_ATTRIBUTE: Readonly<Record<string, string>> = {
  AWS_API_CALL: 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4',
  NETWORK_CONNECTION: 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4',
  PORT_PROBE: 'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4',
  RDS_LOGIN_ATTEMPT: 'service.action.rdsLoginAttemptAction.remoteIpDetails.ipAddressV4',
  KUBERNETES_API_CALL: 'service.action.kubernetesApiCallAction.remoteIpDetails.ipAddressV4',
};

/** The filter attribute of the finding's remote IP, or undefined when its action type has none. */
export function remoteIpAttribute(finding: Finding): string | undefined {
  const type = finding.service.action?.actionType;
  return type === undefined ? undefined : REMOTE_IP_ATTRIBUTE[type];
}

/** Why a remote IP cannot be part of a rule for this finding, or undefined when it can. */
export function remoteIpProblem(finding: Finding): string | undefined {
  if (remoteIpAttribute(finding) !== undefined) return undefined;
  const type = finding.service.action?.actionType ?? 'no action';
  return `GuardDuty filters cannot match a remote IP on ${type} findings; clear the field (the rule would match every IP)`;
}

/** Whether the rule names no principal, key or instance: it matches the type on any resource. */
export function coversEveryResource(criteria: SuppressionCriteria): boolean {
  return (
    criteria.principalId === undefined &&
    criteria.accessKeyId === undefined &&
    criteria.instanceId === undefined
  );
}

/** The refusal of a rule wider than the finding's resource that was not explicitly meant. */
export function scopeProblem(criteria: SuppressionCriteria): string | undefined {
  if (!coversEveryResource(criteria) || criteria.everyFindingOfType === true) return undefined;
  return 'the rule names no principal or instance, so it would archive every finding of this type; tick "every finding of this type" to mean it';
}

type Criterion = Record<string, { readonly Eq: readonly string[] }>;

/** The FindingCriteria of the rule: every given criterion must match (Eq). */
export function filterCriterion(finding: Finding, criteria: SuppressionCriteria): Criterion {
  const criterion: Criterion = { type: { Eq: [criteria.findingType] } };
  if (criteria.principalId !== undefined) {
    criterion['resource.accessKeyDetails.principalId'] = { Eq: [criteria.principalId] };
  }
  if (criteria.accessKeyId !== undefined) {
    criterion['resource.accessKeyDetails.accessKeyId'] = { Eq: [criteria.accessKeyId] };
  }
  if (criteria.instanceId !== undefined) {
    criterion['resource.instanceDetails.instanceId'] = { Eq: [criteria.instanceId] };
  }
  if (criteria.remoteIp !== undefined) {
    const attribute = remoteIpAttribute(finding);
    // The worker refuses such criteria before planning; reaching here is a bug, not a wider rule.
    if (attribute === undefined) throw new Error(remoteIpProblem(finding));
    criterion[attribute] = { Eq: [criteria.remoteIp] };
  }
  return criterion;
}

/** The criteria as the rule holds them, read back from the criterion sent (for thread and audit). */
export function criteriaSent(finding: Finding, criteria: SuppressionCriteria): SuppressionCriteria {
  const criterion = filterCriterion(finding, criteria);
  const only = (attribute: string | undefined) =>
    attribute === undefined ? undefined : criterion[attribute]?.Eq[0];
  const principalId = only('resource.accessKeyDetails.principalId');
  const accessKeyId = only('resource.accessKeyDetails.accessKeyId');
  const instanceId = only('resource.instanceDetails.instanceId');
  const remoteIp = only(remoteIpAttribute(finding));
  return {
    findingType: only('type') ?? criteria.findingType,
    ...(principalId === undefined ? {} : { principalId }),
    ...(accessKeyId === undefined ? {} : { accessKeyId }),
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(remoteIp === undefined ? {} : { remoteIp }),
    ...(criteria.everyFindingOfType === true && coversEveryResource(criteria)
      ? { everyFindingOfType: true }
      : {}),
    ...(criteria.expiresAt === undefined ? {} : { expiresAt: criteria.expiresAt }),
    ...(criteria.description === undefined ? {} : { description: criteria.description }),
  };
}
