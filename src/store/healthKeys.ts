import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SampleRequest } from '../health/ports';
import { withoutKeys } from './itemKeys';

/**
 * The health table's keys (`pk`, `sk`): each run's sample under `samples#REGION` / run id, each
 * region's state under `region#REGION` / `state` (the last retraining's record is under
 * `retraining` / `state`: dynamoRetrainingRecords.ts). Each function builds only the part it
 * uses, so its bundle (and the grants derived from it) holds only those writes.
 */
export const samplesKey = (region: string) => `samples#${region}`;
export const regionKey = (region: string) => `region#${region}`;
export const STATE_SORT_KEY = 'state';

/** Enough runs back to find a late or redelivered sample; runs are at least 15 minutes apart. */
const RECENT_SAMPLES = 25;

export { withoutKeys };

/** A region's recent sample requests, newest first (run ids sort by time). */
export async function recentSamples(
  client: DynamoDBDocumentClient,
  tableName: string,
  region: string,
): Promise<readonly SampleRequest[]> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': samplesKey(region) },
      ScanIndexForward: false,
      Limit: RECENT_SAMPLES,
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => withoutKeys(item) as unknown as SampleRequest);
}
