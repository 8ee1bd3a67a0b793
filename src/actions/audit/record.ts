import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor, AuditAction, AuditEntry } from '../contract';

/** A JSON value as the audit log stores it (DynamoDB keeps exactly these types). */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** One AWS call as planned or made, as the audit log and the thread reply show it. */
export interface CallRecord {
  readonly service: string;
  readonly command: string;
  readonly region?: string;
  /** A member account's id when the call ran there as the member role. */
  readonly account?: string;
  readonly input: JsonObject;
  readonly requestId?: string;
  readonly note?: string;
}

/** What a caller writes; the log adds the chain fields. */
export interface AuditDraft {
  /**
   * Names the record for idempotent appends (`appendOnce`): a retried step that already wrote its
   * record finds it instead of writing a second one.
   */
  readonly recordId?: string;
  readonly at: string;
  readonly type: AuditEntry['type'];
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly findingId: string;
  readonly target: string;
  readonly dryRun: boolean;
  readonly source?: string;
  readonly intentId?: string;
  /** Outcomes: succeeded / failed; refusals: the reason. */
  readonly result?: string;
  readonly calls?: readonly CallRecord[];
  readonly awsRequestIds?: readonly string[];
  readonly before?: JsonObject;
  readonly after?: JsonObject;
  readonly error?: string;
  /** Where the action acts: the finding's account and region, and the role assumed there. */
  readonly account?: string;
  readonly region?: string;
  /** The member role's session (`arn:aws:sts::…:assumed-role/…/session`), planned or made. */
  readonly assumedRoleArn?: string;
  readonly sessionName?: string;
}

export interface AuditRecord extends AuditDraft {
  /** One hash chain per finding, so writers on different findings never contend. */
  readonly chain: string;
  readonly seq: number;
  /** Copies for the indexes (by user, by day); hashed like every other field. */
  readonly userId: string;
  readonly day: string;
  /** Sorts records across chains: `at`, then the writer's own order of writing. */
  readonly sortKey: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** The chain of records that concern no finding (e.g. a request from another workspace). */
export const REQUESTS_CHAIN = 'requests';

/** Which chain a record belongs to: its finding's. */
export function chainOf(draft: Pick<AuditDraft, 'findingId'>): string {
  return draft.findingId === '' ? REQUESTS_CHAIN : draft.findingId;
}
/** The prevHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 over the canonical JSON (RFC 8785) of the record without its `hash`, so any change
 * to a field, including `seq` and `prevHash`, changes the hash. Undefined fields are absent, as
 * DynamoDB stores them.
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _hash, ...rest } = record as AuditRecord;
  const canonical = canonicalize(rest);
  if (canonical === undefined) throw new Error('audit record cannot be serialised');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * The record that follows `previous` in the draft's chain (or starts it), with its hash.
 * `writeOrder` breaks ties between records of one instant (the writer's own counter).
 */
export function chainRecord(
  draft: AuditDraft,
  previous: AuditRecord | undefined,
  writeOrder = '',
): AuditRecord {
  const chain = chainOf(draft);
  if (previous !== undefined && previous.chain !== chain) {
    throw new Error(`record of chain ${chain} cannot follow one of chain ${previous.chain}`);
  }
  const unhashed = {
    ...stripUndefined(draft),
    chain,
    seq: (previous?.seq ?? 0) + 1,
    userId: draft.actor.userId,
    day: draft.at.slice(0, 10),
    sortKey: `${draft.at}#${writeOrder}`,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: hashRecord(unhashed) };
}

/** Drops undefined members deeply, as the store does on write, so the hash matches on read. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The listing view of a record. */
export function toEntry(record: AuditRecord): AuditEntry {
  return {
    chain: record.chain,
    seq: record.seq,
    at: record.at,
    type: record.type,
    actor: record.actor,
    action: record.action,
    findingId: record.findingId,
    target: record.target,
    dryRun: record.dryRun,
    ...(record.result === undefined ? {} : { result: record.result }),
    ...(record.error === undefined ? {} : { error: record.error }),
  };
}
