import {
  BatchGetCommand,
  GetCommand,
  type BatchGetCommandOutput,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { SubjectKey, SubjectStateRepository } from '../actions/ports/repositories';
import {
  initialSubjectState,
  type AppliedChange,
  type IntentSummary,
  type SubjectState,
} from '../actions/remediationState';
import { conditionHeld } from './conditionalWrite';

/** DynamoDB's BatchGetItem takes at most 100 keys. */
const BATCH = 100;

/**
 * Every attribute by placeholder (several are DynamoDB reserved words: family, subject…), only
 * those an expression uses, as DynamoDB requires.
 */
function namesIn(...expressions: string[]): Record<string, string> {
  const used = new Set(expressions.join(' ').match(/#[a-z]+/g) ?? []);
  return Object.fromEntries([...used].map((name) => [name, name.slice(1)]));
}

const SET_RUNNING =
  'SET #running = :running, #family = :family, #subject = :subject, #version = if_not_exists(#version, :zero)';

const keyOf = (key: SubjectKey) => `subject#${key.family}#${key.subject}`;

function stateOf(key: SubjectKey, item: Record<string, unknown> | undefined): SubjectState {
  if (item === undefined) return initialSubjectState(key.family, key.subject);
  const { id: _id, ...state } = item;
  return state as unknown as SubjectState;
}

/**
 * Subject states in the idempotency table (`subject#FAMILY#SUBJECT`), written by the worker
 * only. Settling is conditional on the version the intent was accepted at, so a retried settle
 * never moves the version twice.
 */
export class DynamoSubjectStates implements SubjectStateRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: SubjectKey): Promise<SubjectState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: keyOf(key) }, ConsistentRead: true }),
    );
    return stateOf(key, Item);
  }

  async getMany(keys: readonly SubjectKey[]): Promise<SubjectState[]> {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Set(keys.map(keyOf))];
    for (let start = 0; start < unique.length; start += BATCH) {
      let pending: Record<string, unknown>[] | undefined = unique
        .slice(start, start + BATCH)
        .map((id) => ({ id }));
      // Unprocessed keys (throttling) are asked for again until DynamoDB has answered them all.
      while (pending !== undefined && pending.length > 0) {
        const answer: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of answer.Responses?.[this.tableName] ?? []) {
          found.set(String(item.id), item);
        }
        pending = answer.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return keys.map((key) => stateOf(key, found.get(keyOf(key))));
  }

  async setRunning(key: SubjectKey, running: IntentSummary): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: keyOf(key) },
        UpdateExpression: SET_RUNNING,
        ExpressionAttributeNames: namesIn(SET_RUNNING),
        ExpressionAttributeValues: {
          ':running': running,
          ':family': key.family,
          ':subject': key.subject,
          ':zero': 0,
        },
      }),
    );
  }

  async settle(
    key: SubjectKey,
    fromVersion: number,
    change: AppliedChange,
    last: IntentSummary,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':from': fromVersion,
      ':next': fromVersion + 1,
      ':last': last,
      ':family': key.family,
      ':subject': key.subject,
    };
    let update = 'SET #version = :next, #last = :last, #family = :family, #subject = :subject';
    if ('set' in change) {
      update += ', applied = :applied';
      values[':applied'] = change.set;
    }
    update += ' REMOVE #running';
    if ('remove' in change) update += ', applied';
    const condition =
      fromVersion === 0 ? 'attribute_not_exists(#version) OR #version = :from' : '#version = :from';
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: keyOf(key) },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }
}
