import {
  BatchGetCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  AssumeRoleFailure,
  OrganizationActivity,
  SeenPlace,
} from '../actions/ports/organizationActivity';

const SEEN_PREFIX = 'org#seen#';
const FAILURES_KEY = 'org#assume-failures';
/** One attribute per account and region in a day's item: `seen:111122223333:eu-west-1`. */
const PLACE = 'seen:';
const FAILURE = 'failed:';
const DAY_MS = 86_400_000;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Where findings came from and where AssumeRole failed, in the idempotency table: one item per
 * UTC day with an attribute per account and region (the time it was last seen; the item expires
 * two days later by the table's TTL), and one item with an attribute per account whose member
 * role could not be assumed (removed when an AssumeRole there succeeds).
 */
export class DynamoOrganizationActivity implements OrganizationActivity {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async sawFinding(accountId: string, region: string, at: Date): Promise<void> {
    const ms = at.getTime();
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: `${SEEN_PREFIX}${dayOf(ms)}` },
        UpdateExpression: 'SET #place = :at, expiration = if_not_exists(expiration, :expires)',
        ExpressionAttributeNames: { '#place': `${PLACE}${accountId}:${region}` },
        ExpressionAttributeValues: {
          ':at': ms,
          // Seconds since the epoch, as DynamoDB's TTL reads it: two days after the day ends.
          ':expires': Math.ceil((Math.floor(ms / DAY_MS) + 3) * (DAY_MS / 1000)),
        },
      }),
    );
  }

  async seenSince(since: Date): Promise<SeenPlace[]> {
    const from = since.getTime();
    const days = [...new Set([dayOf(from), dayOf(from + DAY_MS)])];
    const answer = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: days.map((day) => ({ id: `${SEEN_PREFIX}${day}` })) },
        },
      }),
    );
    const latest = new Map<string, SeenPlace>();
    for (const item of answer.Responses?.[this.tableName] ?? []) {
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith(PLACE) || typeof value !== 'number' || value < from) continue;
        const [accountId = '', region = ''] = name.slice(PLACE.length).split(':');
        const known = latest.get(`${accountId}:${region}`);
        if (known === undefined || known.lastSeen < value) {
          latest.set(`${accountId}:${region}`, { accountId, region, lastSeen: value });
        }
      }
    }
    return [...latest.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  async assumeFailed(failure: AssumeRoleFailure): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: FAILURES_KEY },
        UpdateExpression: 'SET #account = :failure',
        ExpressionAttributeNames: { '#account': `${FAILURE}${failure.accountId}` },
        ExpressionAttributeValues: { ':failure': { ...failure } },
      }),
    );
  }

  async assumeSucceeded(accountId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: FAILURES_KEY },
        UpdateExpression: 'REMOVE #account',
        ExpressionAttributeNames: { '#account': `${FAILURE}${accountId}` },
      }),
    );
  }

  async assumeFailures(): Promise<AssumeRoleFailure[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: FAILURES_KEY } }),
    );
    return Object.entries(Item ?? {})
      .filter(([name]) => name.startsWith(FAILURE))
      .map(([, value]) => value as AssumeRoleFailure)
      .sort((a, b) => b.at.localeCompare(a.at));
  }
}
