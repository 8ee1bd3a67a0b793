import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openStore } from '../../src/runtime';
import { FindingStateStore } from '../../src/store/findingState';

/**
 * The embedded store is loaded on demand so Lambda bundles can leave it out (template.yaml
 * `External`); off Lambda it must still open and create its tables.
 */
describe('the embedded store, loaded on demand', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gd-chatops-local-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('opens in a folder with its tables created', async () => {
    const config = loadConfig({ STORE: `local:${dir}` });
    const store = await openStore(config);
    try {
      const findings = new FindingStateStore(store.client, config.store.tables.findings);
      expect(await findings.get('no-such-finding')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
