import {
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  chainOf,
  chainRecord,
  toEntry,
  type AuditDraft,
  type AuditRecord,
} from '../actions/audit/record';
import type { AuditEntry } from '../actions/contract';
import type { AuditRepository } from '../actions/ports/repositories';
import { CodedError, ErrorCode } from '../shared/errors';
import { unlessConditionFails } from './conditionalWrite';
import { AUDIT_BY_DAY_INDEX, AUDIT_BY_FINDING_INDEX, AUDIT_BY_USER_INDEX } from './tables';

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
  /** Where "newest first" starts for listings across chains. */
  readonly clock?: () => Date;
  /** How many days back a listing across chains looks. */
  readonly listDays?: number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** This process's writes in order, after a random prefix that keeps processes apart. */
const WRITER = Math.random().toString(36).slice(2, 8);
let written = 0;
const nextWriteOrder = () => `${(written++).toString(36).padStart(10, '0')}${WRITER}`;
/** A retried step looks for its record among the chain's newest this many. */
const RECENT = 25;
const DAY_MS = 86_400_000;

/**
 * The append-only audit log: one hash chain per finding in the audit table (`chain`, `seq`).
 * Appending reads the chain's head and writes `seq + 1` only if nobody has; a writer that loses
 * the race reads the new head and tries again, so records never share a seq and each links to
 * the one before it. Writers on different findings never meet.
 */
export class DynamoAuditLog implements AuditRepository {
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly clock: () => Date;
  private readonly listDays: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: AuditLogOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? (() => new Date());
    this.listDays = options.listDays ?? 31;
  }

  async append(draft: AuditDraft): Promise<AuditRecord> {
    const chain = chainOf(draft);
    const order = nextWriteOrder();
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const record = chainRecord(draft, await this.head(chain), order);
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
      `could not append to the audit chain of ${chain} after ${this.maxAttempts} attempts (too many concurrent writers)`,
    );
  }

  async head(chain: string): Promise<AuditRecord | undefined> {
    return (await this.newest(chain, 1))[0];
  }

  async findRecent(chain: string, recordId: string): Promise<AuditRecord | undefined> {
    return (await this.newest(chain, RECENT)).find((record) => record.recordId === recordId);
  }

  /**
   * Newest first: by finding through its index, by user through the by-user index, otherwise
   * day by day back from today through the by-day index.
   */
  async list(query: {
    readonly findingId?: string;
    readonly userId?: string;
    readonly limit: number;
  }): Promise<AuditEntry[]> {
    if (query.findingId !== undefined) {
      return this.collect(
        {
          IndexName: AUDIT_BY_FINDING_INDEX,
          KeyConditionExpression: 'findingId = :finding',
          ExpressionAttributeValues: {
            ':finding': query.findingId,
            ...(query.userId === undefined ? {} : { ':user': query.userId }),
          },
          ...(query.userId === undefined ? {} : { FilterExpression: 'userId = :user' }),
        },
        query.limit,
      );
    }
    if (query.userId !== undefined) {
      return this.collect(
        {
          IndexName: AUDIT_BY_USER_INDEX,
          KeyConditionExpression: 'userId = :user',
          ExpressionAttributeValues: { ':user': query.userId },
        },
        query.limit,
      );
    }
    const found: AuditEntry[] = [];
    const today = this.clock().getTime();
    for (let back = 0; back < this.listDays && found.length < query.limit; back += 1) {
      const day = new Date(today - back * DAY_MS).toISOString().slice(0, 10);
      found.push(
        ...(await this.collect(
          {
            IndexName: AUDIT_BY_DAY_INDEX,
            KeyConditionExpression: '#day = :day',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ':day': day },
          },
          query.limit - found.length,
        )),
      );
    }
    return found;
  }

  private async newest(chain: string, limit: number): Promise<AuditRecord[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'chain = :chain',
        ExpressionAttributeValues: { ':chain': chain },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as AuditRecord[];
  }

  private async collect(
    input: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
  ): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...input,
          ScanIndexForward: false,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        found.push(toEntry(item as AuditRecord));
        if (found.length >= limit) return found;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return found;
  }
}
