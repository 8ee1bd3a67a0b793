import { CodedError, ErrorCode } from '../../shared/errors';
import { contains, parseEntry, type IpEntry, type ListName } from './entries';

/**
 * GuardDuty's quotas for IP lists, per account and Region (GuardDuty User Guide, "Working with
 * trusted IP lists and threat lists" and "Amazon GuardDuty quotas"): one trusted IP list with at
 * most 2,000 entries, up to six threat lists with at most 250,000 entries each, a file at most
 * 35 MB. None can be raised.
 */
export const LIST_QUOTAS: Readonly<
  Record<ListName, { readonly entries: number; readonly setsPerDetector: number }>
> = {
  trusted: { entries: 2_000, setsPerDetector: 1 },
  threat: { entries: 250_000, setsPerDetector: 6 },
};
export const LIST_FILE_MAX_BYTES = 35 * 1024 * 1024;

/** The list would pass one of GuardDuty's quotas: refused before anything is written. */
export class ListQuotaError extends CodedError {
  override readonly name = 'ListQuotaError';
  readonly code = ErrorCode.ListQuotaExceeded;
}

/**
 * The list file as GuardDuty reads it (format TXT): one address or CIDR range per line. Lines
 * this bot cannot read (someone edited the object by hand) are kept as they are, never dropped.
 */
/**
 * Where one list of one Region lives, the same in every store: `threat-list/us-east-1.txt`,
 * `trusted-ips/…` (the S3 key in the stack's bucket, the path under the demo's lists folder).
 */
export function listObjectKey(list: ListName, region: string): string {
  return `${list === 'threat' ? 'threat-list' : 'trusted-ips'}/${region}.txt`;
}

export function parseListFile(body: string): string[] {
  return body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export function listFileBody(entries: readonly string[]): string {
  return entries.length === 0 ? '' : `${entries.join('\n')}\n`;
}

export type ListChange =
  | { readonly kind: 'add'; readonly entry: string }
  | { readonly kind: 'remove'; readonly entry: string };

export interface ChangedList {
  readonly entries: readonly string[];
  /** False when the list already was as asked (the entry was there, or was not). */
  readonly changed: boolean;
}

function parsedOrUndefined(text: string): IpEntry | undefined {
  const parsed = parseEntry(text);
  return parsed.ok ? parsed.entry : undefined;
}

/**
 * The list after one change, or a quota error. Adding an entry already there, or one a range on
 * the list already covers, changes nothing; removing removes that exact entry only.
 */
export function changeList(
  current: readonly string[],
  change: ListChange,
  list: ListName,
): ChangedList {
  if (change.kind === 'remove') {
    const entries = current.filter((line) => parsedOrUndefined(line)?.text !== change.entry);
    return { entries, changed: entries.length !== current.length };
  }
  const wanted = parsedOrUndefined(change.entry);
  const covered = current.some((line) => {
    const existing = parsedOrUndefined(line);
    return existing !== undefined && wanted !== undefined && contains(existing, wanted);
  });
  if (covered) return { entries: current, changed: false };
  const quota = LIST_QUOTAS[list].entries;
  if (current.length + 1 > quota) {
    throw new ListQuotaError(
      `the ${list === 'threat' ? 'threat list' : 'trusted IP list'} already has ${current.length} entries; GuardDuty takes at most ${quota.toLocaleString('en-US')} — remove some first`,
    );
  }
  const entries = [...current, change.entry];
  if (Buffer.byteLength(listFileBody(entries)) > LIST_FILE_MAX_BYTES) {
    throw new ListQuotaError(
      "the list file would pass GuardDuty's 35 MB limit — remove some entries first",
    );
  }
  return { entries, changed: true };
}
