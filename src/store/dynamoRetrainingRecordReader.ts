import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetrainingRecord, RetrainingRecords } from '../ipinsights/retraining';
import { withoutKeys } from './itemKeys';
import { RETRAINING_KEY, RETRAINING_SORT_KEY } from './dynamoRetrainingRecords';

/** The last retraining's record, for `status` (the worker reads, never writes it). */
export class DynamoRetrainingRecordReader implements Pick<RetrainingRecords, 'last'> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async last(): Promise<RetrainingRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: RETRAINING_KEY, sk: RETRAINING_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : (withoutKeys(Item) as unknown as RetrainingRecord);
  }
}
