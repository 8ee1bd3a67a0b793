import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import type { AuditAnchorWriter } from '../ports/auditAnchors';
import type { AuditRepository } from '../ports/repositories';
import { chainOf, type AuditDraft, type AuditRecord } from './record';

export interface AuditTrailOptions {
  /** Attempts at writing an anchor before the head is left unanchored (and logged). */
  readonly anchorAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Appending to the audit log the way every writer must: once per `recordId` (a retried step finds
 * its record instead of writing another), then the chain's new head anchored outside the table.
 * A failed anchor is retried and then logged, never thrown: the record is written, and the next
 * anchor of the chain covers it (a head's hash commits to every record before it).
 */
export class AuditTrail {
  private readonly anchorAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly records: AuditRepository,
    private readonly anchors: AuditAnchorWriter,
    private readonly log: Log,
    options: AuditTrailOptions = {},
  ) {
    this.anchorAttempts = options.anchorAttempts ?? 3;
    this.sleep = options.sleep ?? sleepFor;
  }

  async append(draft: AuditDraft): Promise<AuditRecord> {
    const existing =
      draft.recordId === undefined
        ? undefined
        : await this.records.findRecent(chainOf(draft), draft.recordId);
    const record = existing ?? (await this.records.append(draft));
    await this.anchor(record);
    return record;
  }

  private async anchor(record: AuditRecord): Promise<void> {
    const head = { chain: record.chain, seq: record.seq, hash: record.hash, at: record.at };
    for (let attempt = 1; attempt <= this.anchorAttempts; attempt += 1) {
      try {
        await this.anchors.anchor(head);
        return;
      } catch (error) {
        if (attempt === this.anchorAttempts) {
          this.log.error('could not anchor the audit chain head; audit verify will report it', {
            chain: head.chain,
            seq: head.seq,
            anchors: this.anchors.description,
            error: errorMessage(error),
          });
          return;
        }
        await this.sleep(100 * 2 ** attempt);
      }
    }
  }
}
