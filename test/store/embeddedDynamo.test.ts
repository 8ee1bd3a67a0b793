import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AbstractLevel } from 'abstract-level';
import { createDocumentClient } from '../../src/store/documentClient';
import { EmbeddedStoreLockedError, startEmbeddedDynamo } from '../../src/store/embeddedDynamo';
import { ensureTables } from '../../src/store/ensureTables';
import {
  AUDIT_BY_FINDING_INDEX,
  DEFAULT_TABLE_NAMES,
  tableDefinitions,
} from '../../src/store/tables';

/** Another process holding the LevelDB folder open, as a second `npm run demo` would. */
async function holdInAnotherProcess(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { Level } = require('level');
       new Level(process.argv[1]).open().then(() => console.log('holding'));
       setInterval(() => {}, 1000);`,
      dir,
    ],
    { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('holding')) resolve();
    });
  });
  return child;
}

describe('the embedded store on disk', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embedded-dynamo-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the data across a restart and refuses a second open while the first is running', async () => {
    const first = await startEmbeddedDynamo({ dir });
    const client = createDocumentClient({ endpoint: first.endpoint });
    await ensureTables(client, tableDefinitions(DEFAULT_TABLE_NAMES));
    await client.send(
      new PutCommand({ TableName: DEFAULT_TABLE_NAMES.findings, Item: { findingId: 'f-1' } }),
    );
    await expect(startEmbeddedDynamo({ dir })).rejects.toThrow(
      new EmbeddedStoreLockedError(`${dir} is already open`),
    );
    // The refused open left the first one working.
    await expect(
      client.send(
        new GetCommand({ TableName: DEFAULT_TABLE_NAMES.findings, Key: { findingId: 'f-1' } }),
      ),
    ).resolves.toMatchObject({ Item: { findingId: 'f-1' } });
    client.destroy();
    await first.close();

    const second = await startEmbeddedDynamo({ dir });
    const again = createDocumentClient({ endpoint: second.endpoint });
    try {
      await expect(
        again.send(
          new GetCommand({ TableName: DEFAULT_TABLE_NAMES.findings, Key: { findingId: 'f-1' } }),
        ),
      ).resolves.toMatchObject({ Item: { findingId: 'f-1' } });
    } finally {
      again.destroy();
      await second.close();
    }
  });

  it('refuses a folder another process has open, with a clear error instead of a crash', async () => {
    const holder = await holdInAnotherProcess(dir);
    try {
      await expect(startEmbeddedDynamo({ dir })).rejects.toThrow(
        new EmbeddedStoreLockedError(`${dir} is locked by another process`),
      );
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const store = await startEmbeddedDynamo({ dir });
    await store.close();
  });
});

describe('queries and scans of the embedded store', () => {
  /**
   * dynalite 4 left every LevelDB iterator of a Query or Scan open (patches/dynalite+4.0.0.patch):
   * each stayed attached to the database and pinned a snapshot, and `serve` grew by ~70 MB a
   * minute under clicks. Every iterator a request opens must be closed once it has answered.
   */
  it('closes every iterator it opens: a Limit 1 query, an index query, an empty query, a scan', async () => {
    const store = await startEmbeddedDynamo();
    const client = createDocumentClient({ endpoint: store.endpoint });
    const attached = jest.spyOn(AbstractLevel.prototype, 'attachResource');
    const detached = jest.spyOn(AbstractLevel.prototype, 'detachResource');
    try {
      await ensureTables(client, tableDefinitions(DEFAULT_TABLE_NAMES));
      const TableName = DEFAULT_TABLE_NAMES.audit;
      for (const seq of [1, 2, 3]) {
        const item = {
          chain: 'f-1',
          seq,
          findingId: 'f-1',
          userId: 'U1',
          day: 'd',
          sortKey: `${seq}`,
        };
        await client.send(new PutCommand({ TableName, Item: item }));
      }
      const opened = attached.mock.calls.length - detached.mock.calls.length;
      const chain = { ':c': 'f-1' };
      const answers = await Promise.all([
        client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'chain = :c',
            ExpressionAttributeValues: chain,
            ScanIndexForward: false,
            Limit: 1,
          }),
        ),
        client.send(
          new QueryCommand({
            TableName,
            IndexName: AUDIT_BY_FINDING_INDEX,
            KeyConditionExpression: 'findingId = :c',
            ExpressionAttributeValues: chain,
          }),
        ),
        client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'chain = :c',
            ExpressionAttributeValues: { ':c': 'nothing' },
          }),
        ),
        client.send(new ScanCommand({ TableName, Limit: 2 })),
      ]);
      expect(answers.map((answer) => answer.Items?.map((item) => item.seq as number))).toEqual([
        [3],
        [1, 2, 3],
        [],
        [1, 2],
      ]);
      expect(attached.mock.calls.length - detached.mock.calls.length).toBe(opened);
      expect(attached.mock.calls.length).toBeGreaterThan(0);
    } finally {
      attached.mockRestore();
      detached.mockRestore();
      client.destroy();
      await store.close();
    }
  });
});
