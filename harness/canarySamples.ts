import { rawFinding } from './fixtures';

/**
 * What EventBridge delivers for the canary's sample, as GuardDuty makes one with
 * CreateSampleFindings (`additionalInfo` says `"sample": true`), for a region and detector.
 */
export function sampleEvent(
  region: string,
  accountId: string,
  detectorId: string,
  id: string,
  at: Date,
) {
  const detail = rawFinding('UnauthorizedAccess_EC2_RDPBruteForce.json');
  const service = detail.service as Record<string, unknown>;
  return {
    version: '0',
    id: `event-${id}`,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: accountId,
    time: at.toISOString(),
    region,
    resources: [],
    detail: {
      ...detail,
      id,
      region,
      accountId,
      arn: `arn:aws:guardduty:${region}:${accountId}:detector/${detectorId}/finding/${id}`,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      service: {
        ...service,
        detectorId,
        additionalInfo: { value: '{"sample":true}', type: 'default' },
      },
    },
  };
}
