import type { ListName } from '../lists/entries';
import type { ListChange } from '../lists/listFile';

/** One version of a list file: S3's ETag and version id (none before the first write). */
export interface ListVersion {
  readonly etag?: string;
  readonly versionId?: string;
  readonly entries: number;
}

export interface ListContents {
  readonly entries: readonly string[];
  /** Undefined: the file does not exist yet. */
  readonly version?: ListVersion;
  /** Where GuardDuty reads it (the set's Location). */
  readonly location: string;
}

export interface ListChangeResult {
  readonly before?: ListVersion;
  readonly after?: ListVersion;
  readonly changed: boolean;
  readonly location: string;
}

/**
 * The account's IP list files, one per list and Region (a TXT object in the stack's bucket).
 * A change is a read-modify-write with a conditional write, retried on conflict, so concurrent
 * changes never lose one another; it throws `ListQuotaError` past GuardDuty's quotas.
 */
export interface IpListStore {
  read(list: ListName, region: string): Promise<ListContents>;
  change(list: ListName, region: string, change: ListChange): Promise<ListChangeResult>;
}
