import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DigestRepository, DigestRun } from '../actions/ports/repositories';
import type { FindingRecord } from '../actions/findingRecords';
import { conditionHeld, unlessConditionFails } from './conditionalWrite';
import { asRecord } from './dynamoFindingReader';
import { FINDINGS_BY_DIGEST_INDEX } from './tables';

/**
 * Digests over the findings table: the waiting findings through the sparse `byDigest` index, each
 * taken into exactly one run by a conditional write, and one item per run (`digest#…`, keyed like
 * a finding, told apart by `runStatus`) that only one of several concurrent runs can claim.
 */
export class DynamoDigests implements DigestRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimRun(run: DigestRun): Promise<DigestRun | undefined> {
    const { runId, ...rest } = run;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { findingId: runId, ...rest },
          ConditionExpression: 'attribute_not_exists(findingId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = error.Item === undefined ? undefined : unmarshall(error.Item);
      const { findingId, ...existing } = item ?? { findingId: runId, ...rest };
      return { runId: String(findingId), ...(existing as Omit<DigestRun, 'runId'>) };
    }
  }

  async waiting(channel: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: FINDINGS_BY_DIGEST_INDEX,
          KeyConditionExpression: 'digestChannel = :channel',
          ExpressionAttributeValues: { ':channel': channel },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.findingId));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return ids;
  }

  async take(
    findingId: string,
    channel: string,
    runId: string,
    at: number,
  ): Promise<FindingRecord | undefined> {
    const written = await unlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId },
          UpdateExpression:
            'SET #status = :posting, claimToken = :run, claimedAt = :at, channel = :channel REMOVE digestChannel',
          ConditionExpression: '#status = :digest AND digestChannel = :channel',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':posting': 'posting',
            ':digest': 'digest',
            ':run': runId,
            ':at': at,
            ':channel': channel,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return asRecord(written?.Attributes);
  }

  async takeOverRun(runId: string, staleClaimedAt: number, claimedAt: number): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId: runId },
          UpdateExpression: 'SET claimedAt = :at',
          ConditionExpression: 'runStatus = :running AND claimedAt = :stale',
          ExpressionAttributeValues: {
            ':at': claimedAt,
            ':running': 'running',
            ':stale': staleClaimedAt,
          },
        }),
      ),
    );
  }

  async saveProgress(
    runId: string,
    progress: { readonly taken?: readonly string[]; readonly ts?: string },
  ): Promise<void> {
    const sets = [
      ...(progress.taken === undefined ? [] : ['taken = :taken']),
      ...(progress.ts === undefined ? [] : ['ts = :ts']),
    ];
    if (sets.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { findingId: runId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeValues: {
          ...(progress.taken === undefined ? {} : { ':taken': progress.taken }),
          ...(progress.ts === undefined ? {} : { ':ts': progress.ts }),
        },
      }),
    );
  }

  async finishRun(runId: string, ts: string | undefined, count: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { findingId: runId },
        UpdateExpression: `SET runStatus = :posted, #count = :count${ts === undefined ? '' : ', ts = :ts'}`,
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':posted': 'posted',
          ':count': count,
          ...(ts === undefined ? {} : { ':ts': ts }),
        },
      }),
    );
  }
}
