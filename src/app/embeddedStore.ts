import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** `STORE` names a folder with no embedded store in it (a typo, or the demo's data folder). */
export class StoreNotFoundError extends CodedError {
  override readonly name = 'StoreNotFoundError';
  readonly code = ErrorCode.StoreNotFound;
}

/**
 * The store to read, for commands that only read it (`audit verify`, `audit list`): like
 * `openStore`, but a folder without an embedded store in it is an error, and nothing is created.
 */
export async function openExistingStore(config: Config): Promise<OpenedStore> {
  if (config.store.kind === 'local') {
    const { dir } = config.store;
    // LevelDB keeps a CURRENT file in every database folder.
    if (!existsSync(join(dir, 'CURRENT'))) {
      const demoStore = join(dir, 'store');
      throw new StoreNotFoundError(
        `no store in ${dir} (STORE=local:${dir})${existsSync(join(demoStore, 'CURRENT')) ? `; the demo keeps its store in ${demoStore}` : ''}`,
      );
    }
  }
  return openStore(config);
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
