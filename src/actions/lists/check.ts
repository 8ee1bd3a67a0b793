import type { Finding } from '../../findings';
import type { ListActionKind, ListRequest } from '../contract';
import { KINDS } from '../kinds';
import { entryRefusal, parseEntry, type EntryPolicy } from './entries';
import { findingAddresses, findingListEntries, listOfFamily, listSubject } from './subjects';

/** The longest a Trust may last before the schedule removes it. */
export const TRUST_MAX_DAYS = 90;
const REASON_MAX = 200;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface ListPolicy extends EntryPolicy {
  /** Where a command without `--region` acts: the stack's Region. */
  readonly defaultRegion: string;
  /**
   * The lists' own dry run, where it differs from the stack's: the demo's lists are files of its
   * own and its GuardDuty answers for itself, so they change for real while AWS actions stay dry
   * runs. Absent: the stack's DryRun.
   */
  readonly dryRun?: boolean;
  /**
   * The account that owns the lists bucket (the stack's): GuardDuty checks it before it reads a
   * list file (`ExpectedBucketOwner`), so a file in a bucket someone else owns is never loaded.
   */
  readonly bucketOwner?: string;
}

export type ListCheck =
  | { readonly ok: true; readonly request: ListRequest; readonly subject: string }
  /** `refusal`: a rule said no (audited); otherwise the input does not fit (answered only). */
  | { readonly ok: false; readonly reason: string; readonly refusal: boolean };

const invalid = (reason: string): ListCheck => ({ ok: false, reason, refusal: false });
const refused = (reason: string): ListCheck => ({ ok: false, reason, refusal: true });

function trustTerms(list: Partial<ListRequest>, now: Date): string | undefined {
  if (list.reason === undefined || list.reason.trim() === '') {
    return 'say why this IP is trusted (a reason is required)';
  }
  if (list.expiresAt === undefined) return 'give the date the trust ends (an expiry is required)';
  const expires = Date.parse(list.expiresAt);
  if (Number.isNaN(expires)) return `the expiry ${list.expiresAt} is not a date`;
  if (expires <= now.getTime()) return 'the expiry must be in the future';
  if (expires > now.getTime() + TRUST_MAX_DAYS * 86_400_000) {
    return `a trust may last ${TRUST_MAX_DAYS} days at most; trust it again when it ends`;
  }
  return undefined;
}

/**
 * Everything a list action must satisfy, decided the same way by the Slack side (to answer at
 * once) and by the worker (which trusts nothing it is handed): a well-formed entry, one of the
 * finding's remote IPs when it comes from a finding, not private or reserved, not the
 * organization's egress, and for Trust a reason, an expiry within 90 days and no range wider
 * than a /24 (IPv6 /64) unless the whole range is meant. The undo takes the entry only.
 */
export function checkListRequest(
  kind: ListActionKind,
  finding: Finding | undefined,
  list: Partial<ListRequest>,
  policy: ListPolicy,
  now: Date,
): ListCheck {
  const family = KINDS[kind].family;
  const name = listOfFamily(family);
  const typed = list.entry;
  const fromFinding = finding === undefined ? undefined : findingListEntries(finding)[0];
  const text = typed ?? fromFinding;
  if (text === undefined) {
    return invalid(
      finding === undefined
        ? 'give an IP address or CIDR range'
        : 'the finding names no public remote IP',
    );
  }
  const parsed = parseEntry(text);
  if (!parsed.ok) return invalid(parsed.reason);
  const entry = parsed.entry;
  if (finding !== undefined && !findingAddresses(finding).includes(entry.text)) {
    return invalid(`${entry.text} is not a remote IP of this finding`);
  }
  const region = finding?.region ?? list.region ?? policy.defaultRegion;
  if (!REGION.test(region)) return invalid(`${region} is not an AWS Region`);
  const undo = KINDS[kind].undo;
  if (!undo) {
    const refusal = entryRefusal(entry, name, policy, list.wholeRange === true);
    if (refusal !== undefined) return refused(refusal);
  }
  const reason = list.reason?.trim();
  if (reason !== undefined && reason.length > REASON_MAX) {
    return invalid(`the reason is ${reason.length} characters; ${REASON_MAX} at most`);
  }
  if (kind === 'trust-ip') {
    const problem = trustTerms(list, now);
    if (problem !== undefined) return invalid(problem);
  }
  const request: ListRequest = {
    entry: entry.text,
    region,
    ...(reason === undefined || reason === '' || undo ? {} : { reason }),
    ...(kind === 'trust-ip' && list.expiresAt !== undefined
      ? { expiresAt: new Date(Date.parse(list.expiresAt)).toISOString() }
      : {}),
    ...(kind === 'trust-ip' && list.wholeRange === true ? { wholeRange: true } : {}),
  };
  return { ok: true, request, subject: listSubject(family, region, entry.text) };
}
