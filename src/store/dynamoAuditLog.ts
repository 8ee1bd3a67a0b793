import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AUDIT_CHAIN,
  chainRecord,
  toEntry,
  type AuditDraft,
  type AuditRecord,
} from '../actions/audit/record';
import type { AuditEntry } from '../actions/contract';
import type { AuditRepository } from '../actions/ports/repositories';
import { unlessConditionFails } from './conditionalWrite';
import { AUDIT_BY_FINDING_INDEX } from './tables';
import { CodedError, ErrorCode } from '../shared/errors';

/** The chain head kept moving under us more often than we were willing to retry. */
export class AuditContentionError extends CodedError {
  override readonly name = 'AuditContentionError';
  readonly code = ErrorCode.AuditContention;
}

export interface AuditLogOptions {
  /** Attempts at appending when other writers take the next seq first. */
  readonly maxAttempts?: number;
  /** Waits between attempts (jittered by the caller's random). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The append-only audit log: one hash chain in the audit table (`chain`, `seq`). Appending reads
 * the head and writes `seq + 1` only if nobody has; a writer that loses the race reads the new
 * head and tries again, so records never share a seq and each links to the one before it.
 */
export class DynamoAuditLog implements AuditRepository {
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: AuditLogOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
  }

  async append(draft: AuditDraft): Promise<AuditRecord> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const record = chainRecord(draft, await this.head());
      const written = await unlessConditionFails(() =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: record,
            ConditionExpression: 'attribute_not_exists(seq)',
          }),
        ),
      );
      if (written !== undefined) return record;
      await this.sleep(Math.floor(this.random() * Math.min(200, 5 * 2 ** attempt)));
    }
    throw new AuditContentionError(
      `could not append to the audit log after ${this.maxAttempts} attempts (too many concurrent writers)`,
    );
  }

  async head(): Promise<AuditRecord | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'chain = :chain',
        ExpressionAttributeValues: { ':chain': AUDIT_CHAIN },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0] as AuditRecord | undefined;
  }

  /** Every record, oldest first, page by page. */
  async *records(): AsyncIterable<AuditRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'chain = :chain',
          ExpressionAttributeValues: { ':chain': AUDIT_CHAIN },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) yield item as AuditRecord;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }

  /** Newest first; by finding through the byFinding index, by user by filtering the chain. */
  async list(query: {
    readonly findingId?: string;
    readonly userId?: string;
    readonly limit: number;
  }): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    const byFinding = query.findingId !== undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(byFinding
            ? {
                IndexName: AUDIT_BY_FINDING_INDEX,
                KeyConditionExpression: 'findingId = :finding',
                ExpressionAttributeValues: {
                  ':finding': query.findingId,
                  ...(query.userId === undefined ? {} : { ':user': query.userId }),
                },
              }
            : {
                KeyConditionExpression: 'chain = :chain',
                ExpressionAttributeValues: {
                  ':chain': AUDIT_CHAIN,
                  ...(query.userId === undefined ? {} : { ':user': query.userId }),
                },
              }),
          ...(query.userId === undefined ? {} : { FilterExpression: 'actor.userId = :user' }),
          ScanIndexForward: false,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        found.push(toEntry(item as AuditRecord));
        if (found.length >= query.limit) return found;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return found;
  }
}
