import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../src/actions/audit/record';
import { DynamoAuditScan } from '../src/store/dynamoAuditScan';
import { createDocumentClient } from '../src/store/documentClient';
import { startEmbeddedDynamo } from '../src/store/embeddedDynamo';
import { ensureTables } from '../src/store/ensureTables';
import { DEFAULT_TABLE_NAMES, tableDefinitions, type TableNames } from '../src/store/tables';

export interface TestStore {
  readonly client: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** An in-memory dynalite on loopback with every table created, as the embedded store does. */
export async function startTestStore(dir?: string): Promise<TestStore> {
  const dynamo = await startEmbeddedDynamo(dir === undefined ? {} : { dir });
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, tableDefinitions(DEFAULT_TABLE_NAMES));
  let closing: Promise<void> | undefined;
  return {
    client,
    tables: DEFAULT_TABLE_NAMES,
    endpoint: dynamo.endpoint,
    // Idempotent: a test may take the store away early to see failures, and still clean up.
    close: () =>
      (closing ??= (async () => {
        client.destroy();
        await dynamo.close();
      })()),
  };
}

/** Every audit record of a store, oldest first across every finding's chain (tests only). */
export async function allAuditRecords(
  client: DynamoDBDocumentClient,
  tables: TableNames,
): Promise<AuditRecord[]> {
  const chains = await new DynamoAuditScan(client, tables.audit).chains();
  return [...chains.values()].flat().sort((a, b) => a.sortKey.localeCompare(b.sortKey));
}
