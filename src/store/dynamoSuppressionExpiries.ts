import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { ExpiryEntry, SuppressionExpiries } from '../actions/ports/expiries';

/** One partition of the health table, sorted by date then subject: the due ones are one range. */
const PARTITION = 'expiries';
const sortKey = (entry: ExpiryEntry) => `${entry.expiresAt}#${entry.subject}`;

/** The suppressions and trusts that expire (health table, `expiries` / `DATE#SUBJECT`). */
export class DynamoSuppressionExpiries implements SuppressionExpiries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(entry: ExpiryEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: PARTITION, sk: sortKey(entry), ...entry },
      }),
    );
  }

  async due(today: string): Promise<ExpiryEntry[]> {
    const entries: ExpiryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // `~` sorts after `#`: every subject of `today` is included.
          KeyConditionExpression: 'pk = :pk AND sk <= :until',
          ExpressionAttributeValues: { ':pk': PARTITION, ':until': `${today}~` },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const { expiresAt, subject, findingId, family } = item;
        if (
          typeof expiresAt === 'string' &&
          typeof subject === 'string' &&
          typeof findingId === 'string'
        ) {
          entries.push({
            expiresAt,
            subject,
            findingId,
            ...(family === 'trust-ip' ? { family: 'trust-ip' as const } : {}),
          });
        }
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return entries;
  }

  async remove(entry: ExpiryEntry): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: sortKey(entry) } }),
    );
  }
}
