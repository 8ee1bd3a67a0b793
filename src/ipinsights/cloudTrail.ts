import * as z from 'zod';
import { entityForPrincipal } from '../shared/principalEntity';
import { parseIp } from './ip';
import type { Tuple } from './scorer';

/** Why a CloudTrail record gave no tuple; counted and shown in the training summary. */
export type SkipReason =
  'aws-service' | 'no-principal' | 'no-source-ip' | 'not-an-ip' | 'malformed';

export const SKIP_REASONS: Readonly<Record<SkipReason, string>> = {
  'aws-service': 'AWS service callers',
  'no-principal': 'without a principal',
  'no-source-ip': 'without a source IP',
  'not-an-ip': 'source not an IP address',
  malformed: 'not a CloudTrail record',
};

export type RecordOutcome =
  | { readonly kind: 'tuple'; readonly tuple: Tuple; readonly ipVersion: 4 | 6 }
  | { readonly kind: 'skipped'; readonly reason: SkipReason };

/** The fields of a CloudTrail record that matter here; everything else is ignored. */
const recordSchema = z.object({
  userIdentity: z
    .object({
      type: z.string().optional(),
      principalId: z.string().optional(),
    })
    .optional(),
  sourceIPAddress: z.string().optional(),
});

/** CloudTrail writes the calling service's name, or "AWS Internal", instead of an address. */
function isAwsServiceSource(source: string): boolean {
  return source.endsWith('.amazonaws.com') || source === 'AWS Internal';
}

/**
 * The (entity, IP) tuple of one CloudTrail record. The entity goes through the same
 * `entityForPrincipal` as the GuardDuty side (`accessKeyDetails.principalId`), so an IAM user
 * `AIDA…`, a role `AROA…` (whatever the session name) and root (the account id) match.
 */
export function tupleFromCloudTrailRecord(record: unknown): RecordOutcome {
  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) return { kind: 'skipped', reason: 'malformed' };
  const { userIdentity, sourceIPAddress } = parsed.data;
  const source = sourceIPAddress?.trim() ?? '';
  if (userIdentity?.type === 'AWSService' || isAwsServiceSource(source)) {
    return { kind: 'skipped', reason: 'aws-service' };
  }
  const principal = userIdentity?.principalId?.trim() ?? '';
  if (principal === '') return { kind: 'skipped', reason: 'no-principal' };
  if (source === '') return { kind: 'skipped', reason: 'no-source-ip' };
  const ip = parseIp(source);
  if (ip.kind === 'invalid') return { kind: 'skipped', reason: 'not-an-ip' };
  return {
    kind: 'tuple',
    tuple: { entity: entityForPrincipal(principal), ip: source },
    ipVersion: ip.kind === 'ipv4' ? 4 : 6,
  };
}

/** What reading CloudTrail saw, for the training summary. */
export class CloudTrailStats {
  files = 0;
  records = 0;
  ipv4 = 0;
  ipv6 = 0;
  readonly skipped: Record<SkipReason, number> = {
    'aws-service': 0,
    'no-principal': 0,
    'no-source-ip': 0,
    'not-an-ip': 0,
    malformed: 0,
  };

  count(outcome: RecordOutcome): void {
    this.records++;
    if (outcome.kind === 'skipped') this.skipped[outcome.reason]++;
    else if (outcome.ipVersion === 4) this.ipv4++;
    else this.ipv6++;
  }

  get skippedTotal(): number {
    return Object.values(this.skipped).reduce((sum, n) => sum + n, 0);
  }
}
