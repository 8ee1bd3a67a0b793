import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { JsonObject } from './audit/record';
import type { ActionKind, Actor } from './contract';
import type { IntentStatus } from './intents';
import { familyKinds, type ActionFamily } from './kinds';

/** The latest intent of one kind, for status lines and "already being…" answers. */
export interface IntentSummary {
  readonly intentId: string;
  readonly kind: ActionKind;
  /** The state version the intent was accepted at: later intents have higher versions. */
  readonly version: number;
  readonly status: IntentStatus;
  readonly by: Actor;
  readonly requestedAt: string;
  readonly finishedAt?: string;
  readonly dryRun: boolean;
  readonly error?: string;
}

/** A remediation in force, with what its undo needs (e.g. the original security groups). */
export interface AppliedAction {
  readonly intentId: string;
  readonly by: Actor;
  readonly at: string;
  readonly dryRun: boolean;
  readonly target: string;
  readonly undo: JsonObject;
  /** Quarantine that failed half-way: some interfaces moved, release restores them. */
  readonly partial?: boolean;
}

/**
 * The remediation state of one finding, in its own item of the idempotency table (`state#ID`),
 * so findings acted on through `/guardduty` without a posted message work the same way.
 * `version` moves on with every finished intent; buttons carry the version they were drawn with.
 */
export interface RemediationState {
  readonly findingId: string;
  readonly version: number;
  readonly latest: Partial<Record<ActionKind, IntentSummary>>;
  readonly applied: Partial<Record<ActionFamily, AppliedAction>>;
}

export type AppliedChange =
  { readonly set: AppliedAction } | { readonly remove: true } | { readonly keep: true };

/** The pending or running intent of a family (its action or its undo), if any. */
export function inProgress(
  state: RemediationState,
  family: ActionFamily,
): IntentSummary | undefined {
  const { forward, undo } = familyKinds(family);
  return [state.latest[forward], state.latest[undo]].find(
    (s) => s?.status === 'pending' || s?.status === 'running',
  );
}

export function initialState(findingId: string): RemediationState {
  return { findingId, version: 0, latest: {}, applied: {} };
}

const stateKey = (findingId: string) => `state#${findingId}`;

export class RemediationStateStore {
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
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: stateKey(findingId), ...initialState(findingId) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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
