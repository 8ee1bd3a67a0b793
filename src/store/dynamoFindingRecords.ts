import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  FindingContent,
  FindingRecord,
  FindingVersion,
  MessageRef,
} from '../actions/findingRecords';
import type { PostedMessages } from '../actions/ports/repositories';
import { conditionHeld, unlessConditionFails } from './conditionalWrite';
import { asRecord, DynamoFindingReader } from './dynamoFindingReader';

/** `SET #a0 = :a0, #a1 = :a1 …` for every field of an object (names escaped: some are reserved). */
function setAll(fields: Record<string, unknown>) {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:a${i}`, value])),
  };
}

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
  /**
   * Claims a finding never seen before, or answers with the record already there, in one request.
   * An update rather than a put, so fields written before the claim (a page's state) are kept.
   */
  override async claimOrRead(record: FindingRecord): Promise<FindingRecord | undefined> {
    const { findingId, ...fields } = record;
    const set = setAll(fields);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId },
          ...set,
          ConditionExpression: 'attribute_not_exists(#status)',
          ExpressionAttributeNames: { ...set.ExpressionAttributeNames, '#status': 'status' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = asRecord(error.Item === undefined ? undefined : unmarshall(error.Item));
      // DynamoDB always sends the item; a store that does not is read once more.
      return existing ?? (await this.get(findingId)) ?? this.claimOrRead(record);
    }
  }

  /** Claims the right to post a finding never seen before. False when a record already exists. */
  override async claim(record: FindingRecord): Promise<boolean> {
    return (await this.claimOrRead(record)) === undefined;
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

  /** Records the posted messages under our claim; the record after, or undefined if not ours. */
  override async markPosted(
    findingId: string,
    claimToken: string,
    message: PostedMessages,
  ): Promise<FindingRecord | undefined> {
    const set = setAll({
      status: 'posted',
      channel: message.channel,
      ts: message.ts,
      postedAt: message.postedAt,
      threadTs: message.threadTs,
      copies: message.copies,
      score: message.score,
    });
    const written = await unlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { findingId },
          ...set,
          UpdateExpression: `${set.UpdateExpression} REMOVE digestChannel`,
          ConditionExpression: '#status = :posting AND claimToken = :token',
          ExpressionAttributeNames: { ...set.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: {
            ...set.ExpressionAttributeValues,
            ':posting': 'posting',
            ':token': claimToken,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return asRecord(written?.Attributes);
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

  /** Keeps what was posted, and makes the claim stale at once for the retry to take over. */
  override async releasePartial(
    findingId: string,
    claimToken: string,
    posted: readonly MessageRef[],
  ): Promise<void> {
    const [first, ...copies] = posted;
    if (first === undefined) return this.release(findingId, claimToken);
    await this.conditionalUpdate({
      Key: { findingId },
      UpdateExpression: 'SET channel = :channel, ts = :ts, copies = :copies, claimedAt = :zero',
      ConditionExpression: '#status = :posting AND claimToken = :token',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':channel': first.channel,
        ':ts': first.ts,
        ':copies': copies,
        ':zero': 0,
        ':posting': 'posting',
        ':token': claimToken,
      },
    });
  }

  /** Waiting for a digest → our claim to post it on its own (it leaves the pending index). */
  override async leaveDigest(
    findingId: string,
    claim: {
      readonly claimToken: string;
      readonly claimedAt: number;
      readonly channels: readonly string[];
      readonly route: string;
    },
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: { findingId },
      UpdateExpression:
        'SET #status = :posting, claimToken = :token, claimedAt = :at, channel = :channel, channels = :channels, #route = :route REMOVE digestChannel',
      ConditionExpression: '#status = :digest',
      ExpressionAttributeNames: { '#status': 'status', '#route': 'route' },
      ExpressionAttributeValues: {
        ':posting': 'posting',
        ':digest': 'digest',
        ':token': claim.claimToken,
        ':at': claim.claimedAt,
        ':channel': claim.channels[0],
        ':channels': claim.channels,
        ':route': claim.route,
      },
    });
  }

  /**
   * Stores a newer publication of a posted or waiting finding. Returns the content it replaced,
   * or undefined when the stored one is already as new (nothing written).
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
            '#status IN (:posted, :digest) AND (#count < :count OR updatedAtMs < :updatedAtMs)',
          ExpressionAttributeNames: { '#status': 'status', ...CONTENT_NAMES },
          ExpressionAttributeValues: {
            ':posted': 'posted',
            ':digest': 'digest',
            ...contentValues(content),
          },
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
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(new UpdateCommand({ TableName: this.tableName, ...input })),
    );
  }
}
