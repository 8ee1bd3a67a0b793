import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SampleArrivals, SampleRequest } from '../health/ports';
import { conditionHeld } from './conditionalWrite';
import { recentSamples, samplesKey } from './healthKeys';

/** The findings function's side of the samples: a sample's arrival marked once, conditionally. */
export class DynamoSampleArrivals implements SampleArrivals {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  requests(region: string): Promise<readonly SampleRequest[]> {
    return recentSamples(this.client, this.tableName, region);
  }

  async markReceived(
    region: string,
    runId: string,
    arrival: { readonly receivedAt: number; readonly findingId: string },
  ): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: samplesKey(region), sk: runId },
          UpdateExpression: 'SET receivedAt = :at, findingId = :finding',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(receivedAt)',
          ExpressionAttributeValues: { ':at': arrival.receivedAt, ':finding': arrival.findingId },
        }),
      ),
    );
  }
}
