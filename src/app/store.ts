import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError, type Config } from '../config';
import { createDocumentClient } from '../store/documentClient';
import type { TableNames } from '../store/tables';

/**
 * An open store: the DynamoDB client (the real one, or the embedded store's on loopback) and the
 * table names. Each function builds only the repositories it uses (`./repositories`), so its
 * bundle, and the IAM grants derived from it, carry no other table's code.
 */
export interface OpenedStore {
  readonly client: DynamoDBDocumentClient;
  readonly tables: TableNames;
  close(): Promise<void>;
}

export function openedStore(
  client: DynamoDBDocumentClient,
  tables: TableNames,
  close: () => Promise<void> = () => Promise.resolve(client.destroy()),
): OpenedStore {
  return { client, tables, close };
}

/**
 * DynamoDB, as the Lambda functions use it. The embedded store is for laptops only
 * (`openStore` in `./embeddedStore`), so the functions' bundles never carry it.
 */
export function openDynamoStore(config: Config): OpenedStore {
  if (config.store.kind !== 'dynamodb') {
    throw new ConfigError([
      'STORE: must be "dynamodb" on Lambda (the embedded store is for a laptop)',
    ]);
  }
  return openedStore(createDocumentClient(), config.store.tables);
}
