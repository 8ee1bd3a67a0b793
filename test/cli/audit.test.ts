import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { main } from '../../src/cli/main';
import { auditTrail } from '../../src/app/remediationRepositories';
import { silentLog } from '../../src/shared/log';
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

/** A store folder with an audit log written as the product writes it, closed again. */
async function storeWith(drafts: readonly AuditDraft[], tamper?: 'edit' | 'truncate') {
  const cwd = await tempDir();
  const env = { STORE: 'local:store' };
  const config = loadConfig(env, [], cwd);
  const store = await openStore(config);
  // Written as the product writes: each record, then its chain's head anchored beside the store.
  const trail = auditTrail(store, config, silentLog);
  for (const d of drafts) await trail.append(d);
  if (tamper === 'edit') {
    await store.client.send(
      new UpdateCommand({
        TableName: config.store.tables.audit,
        Key: { chain: 'f-1', seq: 2 },
        UpdateExpression: 'SET actor.userId = :u',
        ExpressionAttributeValues: { ':u': 'U0MALLORY' },
      }),
    );
  }
  if (tamper === 'truncate') {
    // The newest records deleted: the links of what is left are intact.
    for (const seq of [2, 3]) {
      await store.client.send(
        new DeleteCommand({ TableName: config.store.tables.audit, Key: { chain: 'f-1', seq } }),
      );
    }
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
  it('verify: exit 0 with a summary, every head checked against its anchor', async () => {
    const where = await storeWith(three);
    const result = await run(['audit', 'verify'], where);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      `audit trail intact: 3 records in 1 chain, heads checked against the file ${join(where.cwd, 'store', 'audit-anchors.jsonl')}\n`,
    );
  });

  it('verify: exit 1 naming the tampered record', async () => {
    const where = await storeWith(three, 'edit');
    const result = await run(['audit', 'verify'], where);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'guardduty-chatops audit: verify failed: chain f-1: record #2: its content does not match its hash (edited)\n',
    });
  });

  it('verify: exit 1 when the newest records were deleted, which the hash links alone cannot show', async () => {
    const where = await storeWith(three, 'truncate');
    const result = await run(['audit', 'verify'], where);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'guardduty-chatops audit: verify failed: chain f-1: record #2 was anchored at 2026-11-21T14:02:00.000Z but the chain ends at #1 (records removed from its end)\n',
    });
  });

  it('verify: exit 2 where there is no store, creating nothing there', async () => {
    const cwd = await tempDir();
    const result = await run(['audit', 'verify'], { cwd, env: { STORE: 'local:data' } });
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `guardduty-chatops audit: no store in ${join(cwd, 'data')} (STORE=local:${join(cwd, 'data')})\n`,
    });
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('list: newest first, filtered by finding or user, one tab-separated line each', async () => {
    const where = await storeWith([...three, draft(4, { findingId: 'f-2', target: 'f-2' })]);
    const all = await run(['audit', 'list', '--limit', '3'], where);
    expect(all.code).toBe(0);
    expect(all.out.split('\n')).toEqual([
      '#1\t2026-11-21T14:04:00.000Z\trequest\tarchive\tf-2\tf-2\tU0ALICE (alice)\tlive',
      '#3\t2026-11-21T14:03:00.000Z\trefusal\tarchive\tf-1\tf-1\tU0BOB\tlive\tonly responders',
      '#2\t2026-11-21T14:02:00.000Z\toutcome\tarchive\tf-1\tf-1\tU0ALICE (alice)\tlive\tsucceeded',
      '',
    ]);
    expect((await run(['audit', 'list', '--user', 'U0BOB'], where)).out).toMatch(/^#3\t/);
    expect((await run(['audit', 'list', '--finding', 'f-2'], where)).out).toMatch(/^#1\t[^\n]*\n$/);
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
