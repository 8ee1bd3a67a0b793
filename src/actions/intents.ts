import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AuditDraft, CallRecord, JsonObject } from './audit/record';
import type { ActionKind, Actor, ActionRequest, SuppressionCriteria } from './contract';

export type IntentStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** One accepted request: the single gate between a click and AWS. */
export interface Intent {
  /** The idempotency key: finding, action, target and state version. */
  readonly id: string;
  readonly findingId: string;
  readonly kind: ActionKind;
  readonly target: string;
  readonly version: number;
  readonly status: IntentStatus;
  readonly actor: Actor;
  readonly source: ActionRequest['source'];
  readonly dryRun: boolean;
  readonly requestedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly criteria?: SuppressionCriteria;
  readonly snapshot?: boolean;
  /** The finding as it was when the request was accepted (JSON), so the worker needs no lookup. */
  readonly finding: string;
  readonly responseUrl?: string;
  /** Failed: what went wrong, in words for the responder. */
  readonly error?: string;
  /** What the worker did, kept so a retried worker can report it again. */
  readonly outcome?: IntentOutcome;
  /** Set once the outcome reached Slack; a retried worker reports again until then. */
  readonly reported?: boolean;
}

/** The result of a finished intent, as the thread reply shows it. */
export interface IntentOutcome {
  readonly status: 'succeeded' | 'failed';
  /** Refused by a guardrail only the live state showed. */
  readonly refused: boolean;
  /** The calls made (live) or planned (dry run). */
  readonly calls: readonly CallRecord[];
  readonly before: JsonObject;
  readonly after: JsonObject;
  readonly error?: string;
  readonly auditSeq: number;
  readonly auditHash: string;
}

/** Who asked for what on which target: the part every audit record of an intent shares. */
export function auditSubject(
  intent: Intent,
): Pick<AuditDraft, 'actor' | 'action' | 'findingId' | 'target' | 'dryRun' | 'intentId'> {
  return {
    actor: intent.actor,
    action: intent.kind,
    findingId: intent.findingId,
    target: intent.target,
    dryRun: intent.dryRun,
    intentId: intent.id,
  };
}

export function intentId(findingId: string, kind: ActionKind, target: string, version: number) {
  return `intent#${findingId}#${kind}#${target}#v${version}`;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** Intents in the idempotency table (key `id`). Every transition is a conditional write. */
export class IntentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a new intent; false when one with the same key exists (a duplicate click). */
  async create(intent: Intent): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: intent,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
    try {
      await this.client.send(
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
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
