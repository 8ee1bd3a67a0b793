import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetrainingRecord, RetrainingRecords } from '../ipinsights/retraining';

/** Its key in the health table; kept apart from healthKeys.ts so its bundle holds no Query. */
export const RETRAINING_KEY = 'retraining';
export const RETRAINING_SORT_KEY = 'state';

/**
 * The last scheduled retraining in the health table (`retraining` / `state`): each run replaces
 * it, whatever came of it, so `status` shows what the schedule last did and why. Written by the
 * retraining function only (its role may put this one key); `status` reads it through
 * `DynamoRetrainingRecordReader`.
 */
export class DynamoRetrainingRecordWriter implements Pick<RetrainingRecords, 'save'> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(record: RetrainingRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...record, pk: RETRAINING_KEY, sk: RETRAINING_SORT_KEY },
      }),
    );
  }
}
