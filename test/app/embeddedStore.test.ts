import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, StoreUnavailableError } from '../../src/app/embeddedStore';
import { ConfigError, loadConfig } from '../../src/config';
import { findingRecords } from '../../src/app/findingRecordWriter';
import { auditLog } from '../../src/app/remediationRepositories';
import { openDynamoStore } from '../../src/app/store';

/** Off Lambda the store `STORE` names opens, the embedded one with its tables created. */
describe('openStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gd-chatops-local-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('opens the embedded store in a folder with its tables created', async () => {
    const config = loadConfig({ STORE: `local:${dir}` });
    const store = await openStore(config);
    try {
      expect(await findingRecords(store).get('no-such-finding')).toBeUndefined();
      expect(await auditLog(store).head('any-finding')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  test('a folder already open is refused with what to do', async () => {
    const config = loadConfig({ STORE: `local:${dir}` });
    const store = await openStore(config);
    try {
      const second = openStore(config);
      await expect(second).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(second).rejects.toThrow(/is another guardduty-chatops process using it\?/);
    } finally {
      await store.close();
    }
  });
});

describe('openDynamoStore (the Lambda functions)', () => {
  test('refuses the embedded store, which the functions do not carry', () => {
    expect(() => openDynamoStore(loadConfig({ STORE: `local:/tmp/x` }))).toThrow(ConfigError);
    expect(() => openDynamoStore(loadConfig({ STORE: `local:/tmp/x` }))).toThrow(
      'STORE: must be "dynamodb" on Lambda',
    );
  });
});
