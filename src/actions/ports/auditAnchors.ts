/**
 * Where each audit chain's head is written as it moves, outside the audit table (an S3 bucket
 * with versioning and Object Lock on AWS, an append-only file on a laptop). Every version is
 * kept, so `audit verify` notices records removed from the end of a chain, and a whole chain
 * removed, which the hash links alone cannot show.
 */
export interface AuditAnchor {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
}

/** Writes anchors: every function that appends to the audit log. */
export interface AuditAnchorWriter {
  /** Says where anchors are kept, for logs and `audit verify`. */
  readonly description: string;
  anchor(head: AuditAnchor): Promise<void>;
}

/** Reads them back: `audit verify` only, so no function's role may list or read them. */
export interface AuditAnchorHistory {
  readonly description: string;
  /** Every anchor ever written, per chain. */
  history(): Promise<ReadonlyMap<string, readonly AuditAnchor[]>>;
}

const NONE = 'none: the heads are not anchored outside the table';

/** No place outside the table: verification says what it cannot see. */
export const NO_ANCHORS: AuditAnchorWriter & AuditAnchorHistory = {
  description: NONE,
  anchor: () => Promise.resolve(),
  history: () => Promise.resolve(new Map()),
};
