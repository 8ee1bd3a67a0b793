import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FindingContent, FindingRecord, MessageRef } from '../actions/findingRecords';
import type { FindingRecordRepository, PostedMessages } from '../actions/ports/repositories';
import { CodedError, ErrorCode } from '../shared/errors';

/** A write reached a function that only reads finding records: a wiring bug, never user input. */
export class FindingRecordsReadOnlyError extends CodedError {
  override readonly name = 'FindingRecordsReadOnlyError';
  readonly code = ErrorCode.FindingRecordsReadOnly;
  constructor(operation: string) {
    super(`finding records are written by the findings function only, not here (${operation})`);
  }
}

const readOnly = (operation: string) => Promise.reject(new FindingRecordsReadOnlyError(operation));

/** An item is a finding record once claimed; other writers may add fields to it before that. */
export function asRecord(item: Record<string, unknown> | undefined): FindingRecord | undefined {
  return item === undefined || typeof item.status !== 'string'
    ? undefined
    : (item as unknown as FindingRecord);
}

/**
 * The finding records as the Slack function and the worker see them: read only. Neither bundle
 * carries the writes (so neither role is granted them), and the finding the worker acts on comes
 * from a table only the findings function writes.
 */
export class DynamoFindingReader implements FindingRecordRepository {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async get(findingId: string): Promise<FindingRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { findingId }, ConsistentRead: true }),
    );
    return asRecord(Item);
  }

  claimOrRead(_record: FindingRecord): Promise<FindingRecord | undefined> {
    return readOnly('claimOrRead');
  }

  claim(_record: FindingRecord): Promise<boolean> {
    return readOnly('claim');
  }

  takeOverClaim(
    _findingId: string,
    _staleToken: string,
    _claimToken: string,
    _claimedAt: number,
  ): Promise<boolean> {
    return readOnly('takeOverClaim');
  }

  markPosted(
    _findingId: string,
    _claimToken: string,
    _message: PostedMessages,
  ): Promise<FindingRecord | undefined> {
    return readOnly('markPosted');
  }

  release(_findingId: string, _claimToken: string): Promise<void> {
    return readOnly('release');
  }

  releasePartial(
    _findingId: string,
    _claimToken: string,
    _posted: readonly MessageRef[],
  ): Promise<void> {
    return readOnly('releasePartial');
  }

  leaveDigest(
    _findingId: string,
    _claim: {
      readonly claimToken: string;
      readonly claimedAt: number;
      readonly channels: readonly string[];
      readonly route: string;
    },
  ): Promise<boolean> {
    return readOnly('leaveDigest');
  }

  replaceWithNewer(
    _findingId: string,
    _content: FindingContent,
  ): Promise<FindingContent | undefined> {
    return readOnly('replaceWithNewer');
  }

  restore(_findingId: string, _ours: unknown, _previous: FindingContent): Promise<void> {
    return readOnly('restore');
  }
}
