import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Intent, IntentOutcome, IntentStatus } from '../actions/intents';
import type { IntentRepository } from '../actions/ports/repositories';
import { conditionHeld } from './conditionalWrite';

/** Intents in the idempotency table (key `id`). Every transition is a conditional write. */
export class DynamoIntents implements IntentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a new intent; false when one with the same key exists (a duplicate click). */
  async create(intent: Intent): Promise<boolean> {
    return conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: intent,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  async get(id: string): Promise<Intent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as Intent | undefined;
  }

  /** pending → running; false when another worker took it or it already ended. */
  async start(id: string, at: string): Promise<boolean> {
    return this.transition(id, 'pending', { status: 'running', startedAt: at });
  }

  /** running (or pending, when the hand-over failed) → succeeded / failed. */
  async finish(
    id: string,
    from: IntentStatus,
    finished: { status: 'succeeded' | 'failed'; finishedAt: string; outcome: IntentOutcome },
  ): Promise<boolean> {
    const error = finished.outcome.error;
    return this.transition(id, from, { ...finished, ...(error === undefined ? {} : { error }) });
  }

  async markReported(id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: 'SET reported = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  private async transition(
    id: string,
    from: IntentStatus,
    fields: Readonly<Record<string, unknown>>,
  ): Promise<boolean> {
    const entries = Object.entries(fields);
    return conditionHeld(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':from': from,
            ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          },
        }),
      ),
    );
  }
}
