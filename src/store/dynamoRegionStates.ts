import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RegionStates } from '../health/ports';
import type { RegionState } from '../health/regionState';
import { conditionHeld } from './conditionalWrite';
import { regionKey, STATE_SORT_KEY as STATE, withoutKeys } from './healthKeys';

const BATCH = 100;

/**
 * Each region's canary state in the health table (`region#REGION` / `state`), replaced
 * conditionally on its version so overlapping runs settle one after the other.
 */
export class DynamoRegionStates implements RegionStates {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(region: string): Promise<RegionState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: regionKey(region), sk: STATE },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : (withoutKeys(Item) as unknown as RegionState);
  }

  async getMany(regions: readonly string[]): Promise<ReadonlyMap<string, RegionState>> {
    const found = new Map<string, RegionState>();
    const unique = [...new Set(regions)];
    for (let start = 0; start < unique.length; start += BATCH) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(start, start + BATCH)
        .map((region) => ({ pk: regionKey(region), sk: STATE }));
      while (keys !== undefined && keys.length > 0) {
        const answer: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of answer.Responses?.[this.tableName] ?? []) {
          const state = withoutKeys(item) as unknown as RegionState;
          found.set(state.region, state);
        }
        keys = answer.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async save(state: RegionState): Promise<boolean> {
    const previous = state.version - 1;
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...state, pk: regionKey(state.region), sk: STATE },
          ...(previous <= 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :previous',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':previous': previous },
              }),
        }),
      ),
    );
  }
}
