import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { main } from '../../src/cli/main';
import { DynamoAuditLog } from '../../src/store/dynamoAuditLog';
import type { AuditDraft } from '../../src/actions/audit/record';
import { loadConfig } from '../../src/config';
import { openStore } from '../../src/app/embeddedStore';
import { memoryIo, tempDir } from '../ipinsights/support';

const draft = (n: number, overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  at: `2026-11-21T14:0${n}:00.000Z`,
  type: 'request',
  actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001', userName: 'alice' },
  action: 'archive',
  findingId: 'f-1',
  target: 'f-1',
  dryRun: false,
  ...overrides,
});

/** A store folder with an audit log written by the real DynamoAuditLog, closed again. */
async function storeWith(drafts: readonly AuditDraft[], tamper = false) {
  const cwd = await tempDir();
  const env = { STORE: 'local:store' };
  const config = loadConfig(env, [], cwd);
  const store = await openStore(config);
  const log = new DynamoAuditLog(store.client, config.store.tables.audit);
  for (const d of drafts) await log.append(d);
  if (tamper) {
    await store.client.send(
      new UpdateCommand({
        TableName: config.store.tables.audit,
        Key: { chain: 'audit', seq: 2 },
        UpdateExpression: 'SET actor.userId = :u',
        ExpressionAttributeValues: { ':u': 'U0MALLORY' },
      }),
    );
  }
  await store.close();
  return { cwd, env };
}

async function run(args: string[], where: { cwd: string; env: NodeJS.ProcessEnv }) {
  const io = { ...memoryIo({ cwd: where.cwd }), env: where.env };
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const three = [
  draft(1),
  draft(2, { type: 'outcome', result: 'succeeded' }),
  draft(3, {
    type: 'refusal',
    actor: { userId: 'U0BOB', teamId: 'T0LOCAL001' },
    result: 'only responders',
  }),
];

describe('audit command', () => {
  it('verify: exit 0 with a summary of the head on an intact log', async () => {
    const where = await storeWith(three);
    const result = await run(['audit', 'verify'], where);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^audit chain intact: 3 records, head #3 sha256 [0-9a-f]{64}\n$/);
  });

  it('verify: exit 1 naming the tampered record', async () => {
    const where = await storeWith(three, true);
    const result = await run(['audit', 'verify'], where);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'guardduty-chatops audit: verify failed at record #2: its content does not match its hash (edited)\n',
    });
  });

  it('list: newest first, filtered by finding or user, one tab-separated line each', async () => {
    const where = await storeWith([...three, draft(4, { findingId: 'f-2', target: 'f-2' })]);
    const all = await run(['audit', 'list', '--limit', '3'], where);
    expect(all.code).toBe(0);
    expect(all.out.split('\n')).toEqual([
      '#4\t2026-11-21T14:04:00.000Z\trequest\tarchive\tf-2\tf-2\tU0ALICE (alice)\tlive',
      '#3\t2026-11-21T14:03:00.000Z\trefusal\tarchive\tf-1\tf-1\tU0BOB\tlive\tonly responders',
      '#2\t2026-11-21T14:02:00.000Z\toutcome\tarchive\tf-1\tf-1\tU0ALICE (alice)\tlive\tsucceeded',
      '',
    ]);
    expect((await run(['audit', 'list', '--user', 'U0BOB'], where)).out).toMatch(/^#3\t/);
    expect((await run(['audit', 'list', '--finding', 'f-2'], where)).out).toMatch(/^#4\t[^\n]*\n$/);
  });

  it('exits 2 with one line for bad usage, touching nothing', async () => {
    const where = { cwd: await tempDir(), env: { STORE: 'local:store' } };
    expect(await run(['audit'], where)).toMatchObject({ code: 2 });
    expect(await run(['audit', 'burn'], where)).toEqual({
      code: 2,
      out: '',
      err: 'guardduty-chatops audit: unknown audit command "burn" (usage: guardduty-chatops audit verify | audit list [--finding ID] [--user U…] [--limit N])\n',
    });
    expect((await run(['audit', 'list', '--limit', '0'], where)).err).toBe(
      'guardduty-chatops audit: --limit: must be a whole number from 1 to 10000, got "0"\n',
    );
    expect((await run(['audit', 'list', '--user', 'bob'], where)).err).toBe(
      'guardduty-chatops audit: --user: not a Slack user id (U…): "bob"\n',
    );
  });
});
