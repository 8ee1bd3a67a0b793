import { GENESIS_HASH, hashRecord, type AuditRecord } from './record';

export type ChainVerdict =
  | {
      readonly ok: true;
      readonly count: number;
      readonly headSeq: number;
      readonly headHash: string;
    }
  | { readonly ok: false; readonly seq: number; readonly problem: string };

/**
 * Checks records read in `seq` order: numbering without gaps from 1, each `prevHash` equal to the
 * previous record's hash, and each hash equal to the hash of the record's own content. Reports
 * the first bad seq: an edited record fails its own hash, a removed one leaves a gap, a
 * reordered one breaks the prevHash link.
 */
export function verifyChain(records: Iterable<AuditRecord>): ChainVerdict {
  let previous: AuditRecord | undefined;
  let count = 0;
  for (const record of records) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      return {
        ok: false,
        seq: expectedSeq,
        problem:
          record.seq > expectedSeq
            ? `record ${expectedSeq} is missing (the next one is ${record.seq})`
            : `record ${record.seq} appears again after ${expectedSeq - 1}`,
      };
    }
    if (hashRecord(record) !== record.hash) {
      return {
        ok: false,
        seq: record.seq,
        problem: 'its content does not match its hash (edited)',
      };
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return {
        ok: false,
        seq: record.seq,
        problem: `its prevHash does not match the hash of record ${expectedSeq - 1} (reordered, replaced or rewritten)`,
      };
    }
    previous = record;
    count += 1;
  }
  return {
    ok: true,
    count,
    headSeq: previous?.seq ?? 0,
    headHash: previous?.hash ?? GENESIS_HASH,
  };
}
