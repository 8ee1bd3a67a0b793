import type { AuditAnchor } from '../ports/auditAnchors';
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
 * Checks one chain's records read in `seq` order: numbering without gaps from 1, each `prevHash`
 * equal to the previous record's hash, and each hash equal to the hash of the record's own
 * content. Reports the first bad seq: an edited record fails its own hash, a removed one leaves a
 * gap, a reordered one breaks the prevHash link.
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

export interface TrailVerdict {
  readonly ok: boolean;
  readonly chains: number;
  readonly records: number;
  /** Tampering: one line each, naming the chain and the record. */
  readonly problems: readonly string[];
  /** Chains whose newest records have no anchor yet (a write that failed, or no anchors kept). */
  readonly unanchored: readonly { readonly chain: string; readonly records: number }[];
}

/**
 * Checks every chain and holds each against its anchors: every anchored head must still be in
 * the chain with the same hash, and no anchored chain may be missing. Deleting the newest
 * records of a chain, or a whole chain, is caught here; the hash links alone cannot show it.
 */
export function verifyTrail(
  chains: ReadonlyMap<string, readonly AuditRecord[]>,
  anchors: ReadonlyMap<string, readonly AuditAnchor[]>,
): TrailVerdict {
  const problems: string[] = [];
  const unanchored: { chain: string; records: number }[] = [];
  let records = 0;
  for (const [chain, chainRecords] of chains) {
    records += chainRecords.length;
    const verdict = verifyChain(chainRecords);
    if (!verdict.ok) {
      problems.push(`chain ${chain}: record #${verdict.seq}: ${verdict.problem}`);
      continue;
    }
    const history = anchors.get(chain) ?? [];
    let anchoredSeq = 0;
    for (const anchor of history) {
      const record = chainRecords[anchor.seq - 1];
      if (record === undefined) {
        problems.push(
          `chain ${chain}: record #${anchor.seq} was anchored at ${anchor.at} but the chain ends at #${verdict.headSeq} (records removed from its end)`,
        );
        break;
      }
      if (record.hash !== anchor.hash) {
        problems.push(
          `chain ${chain}: record #${anchor.seq} does not match its anchor of ${anchor.at} (rewritten)`,
        );
        break;
      }
      anchoredSeq = Math.max(anchoredSeq, anchor.seq);
    }
    if (verdict.headSeq > anchoredSeq) {
      unanchored.push({ chain, records: verdict.headSeq - anchoredSeq });
    }
  }
  for (const [chain, history] of anchors) {
    if (!chains.has(chain) && history.length > 0) {
      const last = history[history.length - 1];
      problems.push(
        `chain ${chain}: anchored up to record #${last?.seq ?? 0} at ${last?.at ?? '?'}, but no record of it is left (chain removed)`,
      );
    }
  }
  return { ok: problems.length === 0, chains: chains.size, records, problems, unanchored };
}
