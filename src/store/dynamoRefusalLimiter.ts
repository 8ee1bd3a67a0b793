import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RefusalLimiter, RefusalVerdict } from '../actions/ports/refusalLimiter';

export interface RefusalLimiterOptions {
  /** Refusals of one user recorded per window. */
  readonly perWindow?: number;
  readonly windowMs?: number;
  readonly clock?: () => Date;
}

/**
 * Counts each user's refusals per window in the idempotency table (`ratelimit#refusal#USER#…`,
 * one atomic counter, expired by the table's TTL) so the audit log takes a few per user and
 * window and then one line saying the rest are only counted.
 */
export class DynamoRefusalLimiter implements RefusalLimiter {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: RefusalLimiterOptions = {},
  ) {
    this.perWindow = options.perWindow ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.clock = options.clock ?? (() => new Date());
  }

  async take(userId: string): Promise<RefusalVerdict> {
    const now = this.clock().getTime();
    const window = Math.floor(now / this.windowMs);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: `ratelimit#refusal#${userId}#${window}` },
        UpdateExpression: 'ADD #count :one SET expiration = if_not_exists(expiration, :expires)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          // Seconds since the epoch, as DynamoDB's TTL reads it; a day after the window.
          ':expires': Math.ceil((window + 1) * (this.windowMs / 1000)) + 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(Attributes?.count ?? 1);
    if (count <= this.perWindow) return 'record';
    return count === this.perWindow + 1 ? 'record-and-stop' : 'count-only';
  }
}
