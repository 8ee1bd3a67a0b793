import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SampleLedger, SampleRequest } from '../health/ports';
import { recentSamples, samplesKey } from './healthKeys';

/** A run's sample is kept a day (DynamoDB's TTL removes it), long after its run is judged. */
const SAMPLE_TTL_S = 24 * 60 * 60;

/** The canary's side of the samples: each request recorded before GuardDuty is asked. */
export class DynamoSampleLedger implements SampleLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(region: string, request: SampleRequest): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...request,
          pk: samplesKey(region),
          sk: request.runId,
          expiration: Math.floor(request.requestedAt / 1000) + SAMPLE_TTL_S,
        },
      }),
    );
  }

  requests(region: string): Promise<readonly SampleRequest[]> {
    return recentSamples(this.client, this.tableName, region);
  }
}
