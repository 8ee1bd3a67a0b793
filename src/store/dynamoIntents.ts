import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  intentOf,
  type Intent,
  type IntentOutcome,
  type IntentRequest,
  type IntentRun,
  type RunProgress,
} from '../actions/intents';
import type { IntentRepository } from '../actions/ports/repositories';
import { conditionHeld } from './conditionalWrite';

/**
 * Intents in the idempotency table: the request under its own id (`intent#…`, which the Slack
 * function may create) and the worker's run under `run#…` (which only the worker may write:
 * template.yaml limits the Slack role's writes to the `intent#` keys). Every transition is a
 * conditional write.
 */
export class DynamoIntents implements IntentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(request: IntentRequest): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: request,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  async request(id: string): Promise<unknown> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }

  async run(id: string): Promise<IntentRun | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: runKey(id) }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : withoutKey(Item);
  }

  async get(id: string): Promise<Intent | undefined> {
    const { Responses } = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: [{ id }, { id: runKey(id) }], ConsistentRead: true },
        },
      }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const request = items.find((item) => item.id === id) as IntentRequest | undefined;
    const run = items.find((item) => item.id === runKey(id));
    return request === undefined
      ? undefined
      : intentOf(request, run === undefined ? undefined : withoutKey(run));
  }

  async startRun(run: IntentRun): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...run, id: runKey(run.intentId) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  async takeOverRun(id: string, staleToken: string, run: IntentRun): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...run, id: runKey(id) },
          ConditionExpression: '#status = :running AND leaseToken = :stale',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':stale': staleToken },
        }),
      ),
    );
  }

  async saveProgress(id: string, leaseToken: string, progress: RunProgress): Promise<boolean> {
    return this.underLease(id, leaseToken, 'SET progress = :progress', { ':progress': progress });
  }

  async releaseLease(id: string, leaseToken: string): Promise<void> {
    await this.underLease(id, leaseToken, 'SET leaseUntil = :zero', { ':zero': 0 });
  }

  async finishRun(
    id: string,
    leaseToken: string,
    finished: { status: 'succeeded' | 'failed'; finishedAt: string; outcome: IntentOutcome },
  ): Promise<boolean> {
    return this.underLease(
      id,
      leaseToken,
      'SET #status = :status, finishedAt = :finishedAt, outcome = :outcome',
      {
        ':status': finished.status,
        ':finishedAt': finished.finishedAt,
        ':outcome': finished.outcome,
      },
    );
  }

  async markReported(id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: runKey(id) },
        UpdateExpression: 'SET reported = :true',
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  private underLease(
    id: string,
    leaseToken: string,
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: runKey(id) },
          UpdateExpression: update,
          ConditionExpression: '#status = :running AND leaseToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':token': leaseToken, ...values },
        }),
      ),
    );
  }
}

const runKey = (intentId: string) => `run#${intentId}`;

function withoutKey(item: Record<string, unknown>): IntentRun {
  const { id: _id, ...run } = item;
  return run as unknown as IntentRun;
}
