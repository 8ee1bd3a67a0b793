import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BurstGroup, BurstGroupRepository } from '../actions/ports/repositories';
import { conditionHeld, unlessConditionFails } from './conditionalWrite';

/** How long a claimed burst message may stay unposted before another invocation posts it. */
const STALE_PARENT_MS = 60_000;

function asGroup(key: string, item: Record<string, unknown>): BurstGroup {
  return {
    key,
    windowStart: Number(item.windowStart),
    count: Number(item.count),
    ...(item.solo === undefined ? {} : { solo: Number(item.solo) }),
    ...(typeof item.ts === 'string' ? { ts: item.ts } : {}),
  };
}

/**
 * Bursts over the findings table, one item per channel, account and type (`burst#…`, keyed like
 * a finding, told apart by `windowStart`): a counter that starts again when its window is over,
 * and the burst's message, claimed by one invocation.
 */
export class DynamoBurstGroups implements BurstGroupRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(key: string, n: number, now: number, windowMs: number): Promise<BurstGroup> {
    const cutoff = now - windowMs;
    // Two writers may both find the window over; the loser of the reset counts into the winner's.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const added = await unlessConditionFails(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { findingId: key },
            UpdateExpression: 'ADD #count :n',
            ConditionExpression: 'windowStart > :cutoff',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':n': n, ':cutoff': cutoff },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (added?.Attributes !== undefined) return asGroup(key, added.Attributes);
      // An update, not a put: the findings function writes its table with updates only.
      const opened = await conditionHeld(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { findingId: key },
            UpdateExpression:
              'SET windowStart = :now, #count = :n REMOVE ts, parentClaim, parentClaimedAt, solo',
            ConditionExpression: 'attribute_not_exists(findingId) OR windowStart <= :cutoff',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':now': now, ':n': n, ':cutoff': cutoff },
          }),
        ),
      );
      if (opened) return { key, windowStart: now, count: n };
    }
    throw new Error(`burst ${key}: the window kept being reset by other writers`);
  }

  claimParent(
    key: string,
    windowStart: number,
    token: string,
    solo: number,
    now: number,
  ): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId: key },
          UpdateExpression: 'SET parentClaim = :token, parentClaimedAt = :now, solo = :solo',
          ConditionExpression:
            'windowStart = :window AND attribute_not_exists(ts) AND (attribute_not_exists(parentClaim) OR parentClaimedAt < :stale)',
          ExpressionAttributeValues: {
            ':token': token,
            ':now': now,
            ':solo': solo,
            ':window': windowStart,
            ':stale': now - STALE_PARENT_MS,
          },
        }),
      ),
    );
  }

  async setParent(key: string, windowStart: number, token: string, ts: string): Promise<void> {
    await unlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId: key },
          UpdateExpression: 'SET ts = :ts',
          ConditionExpression: 'windowStart = :window AND parentClaim = :token',
          ExpressionAttributeValues: { ':ts': ts, ':window': windowStart, ':token': token },
        }),
      ),
    );
  }

  async get(key: string): Promise<BurstGroup | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { findingId: key }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : asGroup(key, Item);
  }
}
