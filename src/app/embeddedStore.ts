import type { Config } from '../config';
import { createDocumentClient } from '../store/documentClient';
import { startEmbeddedDynamo } from '../store/embeddedDynamo';
import { ensureTables } from '../store/ensureTables';
import { tableDefinitions } from '../store/tables';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';
import { openDynamoStore, openedStore, type OpenedStore } from './store';

/** Failure to open the configured store, with what to do about it. */
export class StoreUnavailableError extends CodedError {
  override readonly name = 'StoreUnavailableError';
  readonly code = ErrorCode.StoreUnavailable;
}

/**
 * The store `STORE` names, for the command line and the sandbox: DynamoDB, or the embedded
 * store (dynalite) in a folder with its tables created. Lambda handlers use `openDynamoStore`.
 */
export async function openStore(config: Config): Promise<OpenedStore> {
  if (config.store.kind === 'dynamodb') return openDynamoStore(config);
  const { dir, tables } = config.store;
  let embedded;
  try {
    embedded = await startEmbeddedDynamo({ dir });
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot open the embedded store in ${dir}: ${errorMessage(error)} (is another guardduty-chatops process using it?)`,
      { cause: error },
    );
  }
  const client = createDocumentClient({ endpoint: embedded.endpoint });
  await ensureTables(client, tableDefinitions(tables));
  return openedStore(client, tables, async () => {
    client.destroy();
    await embedded.close();
  });
}
