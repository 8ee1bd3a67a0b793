import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageState } from '../paging/pageState';
import type { PageStates } from '../paging/ports';
import { conditionHeld } from './conditionalWrite';

/**
 * The page of each finding, on its item of the findings table (the `page` attribute), so a
 * re-render of the message reads it with the record. The item may not be claimed yet when a page
 * goes out for a finding Slack could not take: the claim keeps what it finds.
 */
export class DynamoPageStates implements PageStates {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async set(
    findingId: string,
    state: PageState,
    from: readonly (PageState['status'] | 'none')[],
  ): Promise<boolean> {
    const statuses = from.filter((s) => s !== 'none');
    const conditions = [
      ...(from.includes('none') ? ['attribute_not_exists(page)'] : []),
      ...statuses.map((_, i) => `page.#status = :from${i}`),
    ];
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId },
          UpdateExpression: 'SET page = :page',
          ConditionExpression: conditions.join(' OR '),
          ...(statuses.length === 0 ? {} : { ExpressionAttributeNames: { '#status': 'status' } }),
          ExpressionAttributeValues: {
            ':page': state,
            ...Object.fromEntries(statuses.map((s, i) => [`:from${i}`, s])),
          },
        }),
      ),
    );
  }
}
