import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ActionFamily } from '../actions/kinds';
import type { RemediationStateRepository } from '../actions/ports/repositories';
import {
  initialState,
  type AppliedChange,
  type IntentSummary,
  type RemediationState,
} from '../actions/remediationState';
import { conditionHeld } from './conditionalWrite';

const stateKey = (findingId: string) => `state#${findingId}`;

/**
 * Each finding's remediation state in its own item of the idempotency table (`state#ID`), so
 * findings acted on through `/guardduty` without a posted message work the same way.
 */
export class DynamoRemediationStates implements RemediationStateRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(findingId: string): Promise<RemediationState> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: stateKey(findingId) },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return initialState(findingId);
    const { id: _id, ...state } = Item;
    return state as RemediationState;
  }

  /** Creates the item if missing, so later updates can set paths inside its maps. */
  async ensure(findingId: string): Promise<void> {
    await conditionHeld(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: stateKey(findingId), ...initialState(findingId) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  async setLatest(findingId: string, summary: IntentSummary): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: stateKey(findingId) },
        UpdateExpression: 'SET latest.#kind = :summary',
        ExpressionAttributeNames: { '#kind': summary.kind },
        ExpressionAttributeValues: { ':summary': summary },
      }),
    );
  }

  /** A finished intent: its summary, what is now in force, and the next version. */
  async recordOutcome(
    findingId: string,
    family: ActionFamily,
    summary: IntentSummary,
    change: AppliedChange,
  ): Promise<void> {
    const names: Record<string, string> = { '#kind': summary.kind };
    if (!('keep' in change)) names['#family'] = family;
    const values: Record<string, unknown> = { ':summary': summary, ':one': 1 };
    let update = 'SET latest.#kind = :summary';
    if ('set' in change) {
      update += ', applied.#family = :applied';
      values[':applied'] = change.set;
    }
    update += ' ADD version :one';
    if ('remove' in change) update += ' REMOVE applied.#family';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: stateKey(findingId) },
        UpdateExpression: update,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
