import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FindingContent, FindingRecord, FindingVersion } from '../actions/findingRecords';
import { conditionHeld, unlessConditionFails } from './conditionalWrite';
import { DynamoFindingReader } from './dynamoFindingReader';

const SET_CONTENT =
  'SET #count = :count, updatedAtMs = :updatedAtMs, severity = :severity, #type = :type, title = :title, finding = :finding, score = :score';
const CONTENT_NAMES = { '#count': 'count', '#type': 'type' };

function contentValues(content: FindingContent): Record<string, string | number> {
  return {
    ':count': content.count,
    ':updatedAtMs': content.updatedAtMs,
    ':severity': content.severity,
    ':type': content.type,
    ':title': content.title,
    ':finding': content.finding,
    ':score': content.score,
  };
}

/**
 * The finding → Slack message map. Every state change is a conditional write, so concurrent or
 * repeated deliveries of one finding cannot both post it.
 */
export class DynamoFindingRecords extends DynamoFindingReader {
  /** Claims the right to post a finding never seen before. False when a record already exists. */
  override async claim(record: FindingRecord): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(findingId)',
        }),
      ),
    );
  }

  /** Takes over a claim left by an attempt that never finished. False if someone else moved first. */
  override async takeOverClaim(
    findingId: string,
    staleToken: string,
    claimToken: string,
    claimedAt: number,
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: { findingId },
      UpdateExpression: 'SET claimToken = :new, claimedAt = :at',
      ConditionExpression: '#status = :posting AND claimToken = :stale',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':new': claimToken,
        ':at': claimedAt,
        ':posting': 'posting',
        ':stale': staleToken,
      },
    });
  }

  /** Records the posted message under our claim. False when the claim is no longer ours. */
  override async markPosted(
    findingId: string,
    claimToken: string,
    message: { channel: string; ts: string; postedAt: number },
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: { findingId },
      UpdateExpression: 'SET #status = :posted, channel = :channel, ts = :ts, postedAt = :at',
      ConditionExpression: '#status = :posting AND claimToken = :token',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':posted': 'posted',
        ':posting': 'posting',
        ':token': claimToken,
        ':channel': message.channel,
        ':ts': message.ts,
        ':at': message.postedAt,
      },
    });
  }

  /** Drops our claim after a failed post, so a retry starts clean. */
  override async release(findingId: string, claimToken: string): Promise<void> {
    await conditionHeld(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { findingId },
          ConditionExpression: '#status = :posting AND claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':posting': 'posting', ':token': claimToken },
        }),
      ),
    );
  }

  /**
   * Stores a newer publication of a posted finding. Returns the content it replaced, or undefined
   * when the stored one is already as new (nothing written).
   */
  override async replaceWithNewer(
    findingId: string,
    content: FindingContent,
  ): Promise<FindingContent | undefined> {
    const written = await unlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId },
          UpdateExpression: SET_CONTENT,
          ConditionExpression:
            '#status = :posted AND (#count < :count OR updatedAtMs < :updatedAtMs)',
          ExpressionAttributeNames: { '#status': 'status', ...CONTENT_NAMES },
          ExpressionAttributeValues: { ':posted': 'posted', ...contentValues(content) },
          ReturnValues: 'UPDATED_OLD',
        }),
      ),
    );
    return written?.Attributes as FindingContent | undefined;
  }

  /** Puts back what `replaceWithNewer` replaced, if our write is still the stored one. */
  override async restore(
    findingId: string,
    ours: FindingVersion,
    previous: FindingContent,
  ): Promise<void> {
    await this.conditionalUpdate({
      Key: { findingId },
      UpdateExpression: SET_CONTENT,
      ConditionExpression: '#count = :ourCount AND updatedAtMs = :ourUpdatedAtMs',
      ExpressionAttributeNames: CONTENT_NAMES,
      ExpressionAttributeValues: {
        ...contentValues(previous),
        ':ourCount': ours.count,
        ':ourUpdatedAtMs': ours.updatedAtMs,
      },
    });
  }

  private async conditionalUpdate(input: {
    Key: Record<string, string>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, string | number | AttributeValue>;
  }): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(new UpdateCommand({ TableName: this.tableName, ...input })),
    );
  }
}
