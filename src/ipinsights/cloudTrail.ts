import * as z from 'zod';
import { entityForPrincipal } from '../shared/principalEntity';
import { parseIp } from './ip';
import { FileCounts } from './logFiles';
import type { Tuple } from './scorer';

/** Why a CloudTrail record gave no tuple; counted and shown in the training summary. */
export type SkipReason =
  | 'aws-service'
  | 'aws-internal'
  | 'no-principal'
  | 'no-source-ip'
  | 'leading-zero'
  | 'not-an-ip'
  | 'malformed';

export const SKIP_REASONS: Readonly<Record<SkipReason, string>> = {
  'aws-service': 'calls by AWS services (source *.amazonaws.com)',
  // Console sessions and calls AWS makes internally on a user's behalf: a person, but no address.
  'aws-internal': 'calls with source "AWS Internal" (console and AWS-internal calls, no address)',
  'no-principal': 'without a principal',
  'no-source-ip': 'without a source IP',
  'leading-zero': 'IPv4 with a leading zero (octal or decimal is ambiguous)',
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
  // CloudTrail writes the calling service's name, or "AWS Internal", instead of an address.
  if (userIdentity?.type === 'AWSService' || source.endsWith('.amazonaws.com')) {
    return { kind: 'skipped', reason: 'aws-service' };
  }
  if (source === 'AWS Internal') return { kind: 'skipped', reason: 'aws-internal' };
  const principal = userIdentity?.principalId?.trim() ?? '';
  if (principal === '') return { kind: 'skipped', reason: 'no-principal' };
  if (source === '') return { kind: 'skipped', reason: 'no-source-ip' };
  const ip = parseIp(source);
  if (ip.kind === 'leading-zero') return { kind: 'skipped', reason: 'leading-zero' };
  if (ip.kind === 'invalid') return { kind: 'skipped', reason: 'not-an-ip' };
  return {
    kind: 'tuple',
    tuple: { entity: entityForPrincipal(principal), ip: source },
    ipVersion: ip.kind === 'ipv4' ? 4 : 6,
  };
}

/** What reading CloudTrail saw, for the training summary. */
export class CloudTrailStats extends FileCounts {
  records = 0;
  ipv4 = 0;
  ipv6 = 0;
  readonly skipped: Record<SkipReason, number> = {
    'aws-service': 0,
    'aws-internal': 0,
    'no-principal': 0,
    'no-source-ip': 0,
    'leading-zero': 0,
    'not-an-ip': 0,
    malformed: 0,
  };

  count(outcome: RecordOutcome): void {
    this.records++;
    if (outcome.kind === 'skipped') this.skipped[outcome.reason]++;
    else if (outcome.ipVersion === 4) this.ipv4++;
    else this.ipv6++;
  }

  /** Adds the counts of one file's records (read to the end) to these. */
  add(other: CloudTrailStats): void {
    this.records += other.records;
    this.ipv4 += other.ipv4;
    this.ipv6 += other.ipv6;
    for (const reason of Object.keys(this.skipped) as SkipReason[]) {
      this.skipped[reason] += other.skipped[reason];
    }
  }

  get skippedTotal(): number {
    return Object.values(this.skipped).reduce((sum, n) => sum + n, 0);
  }
}
