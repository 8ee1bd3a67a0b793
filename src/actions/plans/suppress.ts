import { createHash } from 'node:crypto';
import type { Finding } from '../../findings';
import type { JsonObject } from '../audit/record';
import type { SuppressionCriteria } from '../contract';
import { defaultCriteria, suppressionFilterName } from '../targets';
import { assumedDetector, detectorOf, observeDetector, type DetectorFacts } from './adminDetector';
import { settleAllOrNothing, stringField, type Planner } from './types';

/** GuardDuty filter attributes of a remote IPv4 address, by the finding's action type. */
const REMOTE_IP_ATTRIBUTE: Readonly<Record<string, string>> = {
  AWS_API_CALL: 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4',
  NETWORK_CONNECTION: 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4',
  PORT_PROBE: 'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4',
};

function remoteIpAttribute(finding: Finding): string | undefined {
  const type = finding.service.action?.actionType;
  return type === undefined ? undefined : REMOTE_IP_ATTRIBUTE[type];
}

/** GuardDuty allows letters, digits, spaces and - . : _ ( ) [ ] { } / in filter descriptions. */
function descriptionText(text: string): string {
  return text.replace(/[^A-Za-z0-9 \-.:_()[\]{}/]/g, ' ');
}

/** The FindingCriteria of a suppression rule: every given criterion must match (Eq). */
function findingCriteria(finding: Finding, criteria: SuppressionCriteria): JsonObject {
  const criterion: Record<string, JsonObject> = { type: { Eq: [criteria.findingType] } };
  if (criteria.principalId !== undefined) {
    criterion['resource.accessKeyDetails.principalId'] = { Eq: [criteria.principalId] };
  }
  if (criteria.accessKeyId !== undefined) {
    criterion['resource.accessKeyDetails.accessKeyId'] = { Eq: [criteria.accessKeyId] };
  }
  if (criteria.instanceId !== undefined) {
    criterion['resource.instanceDetails.instanceId'] = { Eq: [criteria.instanceId] };
  }
  const ipAttribute = remoteIpAttribute(finding);
  if (criteria.remoteIp !== undefined && ipAttribute !== undefined) {
    criterion[ipAttribute] = { Eq: [criteria.remoteIp] };
  }
  return { Criterion: criterion };
}

/**
 * Suppress similar: a GuardDuty filter with action ARCHIVE (new findings only), in the
 * administrator's detector of the finding's region (where a member's findings are filtered too).
 */
export const suppressPlanner: Planner<DetectorFacts | undefined> = {
  assume: assumedDetector,
  observe: observeDetector,
  plan(context, facts) {
    const { finding, intent } = context;
    const detectorId = detectorOf(context, facts);
    const criteria = intent.criteria ?? defaultCriteria(finding);
    const name = suppressionFilterName(criteria);
    const description = descriptionText(
      [
        `guardduty-chatops: suppress similar to finding ${finding.id}`,
        `by ${intent.actor.userId}`,
        criteria.expiresAt === undefined ? undefined : `expires ${criteria.expiresAt}`,
        criteria.description,
      ]
        .filter((part): part is string => part !== undefined && part !== '')
        .join('; '),
    ).slice(0, 512);
    // The same intent retried by AWS' client gets the same rule, not a second one.
    const clientToken = createHash('sha256').update(intent.id).digest('hex').slice(0, 32);
    return {
      calls: [
        {
          service: 'guardduty',
          command: 'CreateFilter',
          region: finding.region,
          input: {
            DetectorId: detectorId,
            Name: name,
            Action: 'ARCHIVE',
            Description: description,
            FindingCriteria: findingCriteria(finding, criteria),
            ClientToken: clientToken,
          },
        },
      ],
      before: { filter: null },
      settle: settleAllOrNothing(
        context,
        { filterName: name, criteria: { ...criteria } },
        {
          detectorId,
          region: finding.region,
          filterName: name,
          ...(criteria.expiresAt === undefined ? {} : { expiresAt: criteria.expiresAt }),
        },
      ),
    };
  },
};

/** Delete suppression rule: DeleteFilter on the rule the suppression created. */
export const deleteSuppressionPlanner: Planner<undefined> = {
  assume: () => undefined,
  plan(context) {
    const undo = context.applied?.undo ?? {};
    const filterName = stringField(undo.filterName) ?? context.intent.target;
    return {
      calls: [
        {
          service: 'guardduty',
          command: 'DeleteFilter',
          region: stringField(undo.region) ?? context.finding.region,
          input: {
            DetectorId: stringField(undo.detectorId) ?? context.finding.service.detectorId ?? '',
            FilterName: filterName,
          },
        },
      ],
      before: { filterName },
      settle: settleAllOrNothing(context, { filter: null }, undefined),
    };
  },
};
