import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FindingRecord } from '../actions/findingRecords';
import type { FindingsBySubject } from '../actions/ports/repositories';
import { FINDINGS_BY_RESOURCE_INDEX } from './tables';

/** The findings table's `byResource` index: every message about one instance, key or role. */
export class DynamoFindingsBySubject implements FindingsBySubject {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async aboutSubject(subject: string, limit: number): Promise<FindingRecord[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: FINDINGS_BY_RESOURCE_INDEX,
        KeyConditionExpression: '#resource = :resource',
        ExpressionAttributeNames: { '#resource': 'resource' },
        ExpressionAttributeValues: { ':resource': subject },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []) as FindingRecord[];
  }
}
