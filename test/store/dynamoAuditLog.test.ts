import { UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoAuditLog } from '../../src/store/dynamoAuditLog';
import { DynamoAuditScan } from '../../src/store/dynamoAuditScan';
import {
  chainRecord,
  GENESIS_HASH,
  hashRecord,
  type AuditDraft,
  type AuditRecord,
} from '../../src/actions/audit/record';
import { verifyChain, verifyTrail } from '../../src/actions/audit/verify';
import { startTestStore, type TestStore } from '../../harness/store';

const draft = (n: number, overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  at: `2026-11-21T14:0${n % 10}:00.000Z`,
  type: 'request',
  actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001', userName: 'alice' },
  action: 'archive',
  findingId: 'f-1',
  target: `i-${n}`,
  dryRun: false,
  ...overrides,
});

function chainOf(drafts: readonly AuditDraft[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const d of drafts) records.push(chainRecord(d, records.at(-1)));
  return records;
}

describe('the audit hash chain', () => {
  it('links each record to the one before, starting from the genesis hash', () => {
    const [first, second] = chainOf([draft(1), draft(2)]);
    expect(first).toMatchObject({
      chain: 'f-1',
      seq: 1,
      prevHash: GENESIS_HASH,
      userId: 'U0ALICE',
    });
    expect(first).toMatchObject({ day: '2026-11-21' });
    expect(second).toMatchObject({ seq: 2, prevHash: first!.hash });
    expect(first!.hash).toBe(hashRecord(first!));
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain with a summary of its head', () => {
    const records = chainOf([draft(1), draft(2), draft(3)]);
    expect(verifyChain(records)).toEqual({
      ok: true,
      count: 3,
      headSeq: 3,
      headHash: records[2]!.hash,
    });
  });

  it('names the first bad record when one is edited, removed or two are swapped', () => {
    const records = chainOf([draft(1), draft(2), draft(3), draft(4)]);
    const edited = records.map((r) => (r.seq === 2 ? { ...r, target: 'someone-else' } : r));
    expect(verifyChain(edited)).toEqual({
      ok: false,
      seq: 2,
      problem: 'its content does not match its hash (edited)',
    });
    expect(verifyChain(records.filter((r) => r.seq !== 3))).toEqual({
      ok: false,
      seq: 3,
      problem: 'record 3 is missing (the next one is 4)',
    });
    // Swapping contents but keeping the seq keys: rehashed by someone, the link still breaks.
    const a = records[1]!;
    const b = records[2]!;
    const swapped = [
      records[0]!,
      { ...b, seq: 2, hash: hashRecord({ ...b, seq: 2 }) },
      { ...a, seq: 3, hash: hashRecord({ ...a, seq: 3 }) },
      records[3]!,
    ];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, seq: 2 });
    expect(verifyChain(swapped)).toHaveProperty(
      'problem',
      'its prevHash does not match the hash of record 1 (reordered, replaced or rewritten)',
    );
  });

  it('detects any single-field edit of any record (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('target', 'userId', 'at', 'result'),
        fc.string({ minLength: 1, maxLength: 20 }),
        (index, field, value) => {
          const records = chainOf([1, 2, 3, 4, 5].map((n) => draft(n, { result: 'r' })));
          const original = records[index]!;
          fc.pre((original as unknown as Record<string, unknown>)[field] !== value);
          records[index] = { ...original, [field]: value };
          const verdict = verifyChain(records);
          return !verdict.ok && verdict.seq === index + 1;
        },
      ),
    );
  });
});

describe('DynamoAuditLog in DynamoDB', () => {
  let store: TestStore;
  let log: DynamoAuditLog;
  let scan: DynamoAuditScan;

  beforeEach(async () => {
    store = await startTestStore();
    scan = new DynamoAuditScan(store.client, store.tables.audit);
    log = new DynamoAuditLog(store.client, store.tables.audit, {
      clock: () => new Date('2026-11-21T18:00:00.000Z'),
    });
  });
  afterEach(() => store.close());

  it('appends concurrently to one chain without sharing a seq, and the chain verifies', async () => {
    await Promise.all(Array.from({ length: 15 }, (_, i) => log.append(draft(i))));
    const chain = (await scan.chains()).get('f-1')!;
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(verifyChain(chain)).toMatchObject({ ok: true, count: 15 });
  });

  it('gives every finding its own chain, so writers on different findings never meet', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => log.append(draft(i, { findingId: `f-${i}` }))),
    );
    const chains = await scan.chains();
    expect(chains.size).toBe(20);
    for (const records of chains.values()) expect(records.map((r) => r.seq)).toEqual([1]);
    expect(verifyTrail(chains, new Map())).toMatchObject({ ok: true, chains: 20, records: 20 });
  });

  it('fails verification after a record is edited or deleted in the table', async () => {
    for (let i = 1; i <= 3; i += 1) await log.append(draft(i));
    await store.client.send(
      new UpdateCommand({
        TableName: store.tables.audit,
        Key: { chain: 'f-1', seq: 2 },
        UpdateExpression: 'SET target = :t',
        ExpressionAttributeValues: { ':t': 'i-0somethingelse' },
      }),
    );
    expect(verifyChain((await scan.chains()).get('f-1')!)).toMatchObject({ ok: false, seq: 2 });
    await store.client.send(
      new DeleteCommand({ TableName: store.tables.audit, Key: { chain: 'f-1', seq: 2 } }),
    );
    expect(verifyChain((await scan.chains()).get('f-1')!)).toMatchObject({ ok: false, seq: 2 });
  });

  it('lists newest first across chains, by finding and by user (each through its index)', async () => {
    await log.append(draft(1, { at: '2026-11-20T10:00:00.000Z' }));
    await log.append(
      draft(2, {
        at: '2026-11-21T10:00:00.000Z',
        findingId: 'f-2',
        actor: { userId: 'U0BOB', teamId: 'T1' },
        type: 'refusal',
      }),
    );
    await log.append(
      draft(3, { at: '2026-11-21T11:00:00.000Z', result: 'succeeded', type: 'outcome' }),
    );
    expect((await log.list({ limit: 10 })).map((e) => [e.chain, e.seq])).toEqual([
      ['f-1', 2],
      ['f-2', 1],
      ['f-1', 1],
    ]);
    expect((await log.list({ limit: 1 })).map((e) => e.seq)).toEqual([2]);
    expect(await log.list({ findingId: 'f-1', limit: 10 })).toEqual([
      {
        chain: 'f-1',
        seq: 2,
        at: '2026-11-21T11:00:00.000Z',
        type: 'outcome',
        actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001', userName: 'alice' },
        action: 'archive',
        findingId: 'f-1',
        target: 'i-3',
        dryRun: false,
        result: 'succeeded',
      },
      expect.objectContaining({ seq: 1 }),
    ]);
    expect((await log.list({ userId: 'U0BOB', limit: 10 })).map((e) => e.findingId)).toEqual([
      'f-2',
    ]);
  });
});

describe('verifyTrail against the anchors outside the table', () => {
  const anchorOf = (record: AuditRecord) => ({
    chain: record.chain,
    seq: record.seq,
    hash: record.hash,
    at: record.at,
  });

  it('notices records removed from the end of a chain, which the links alone cannot', () => {
    const records = chainOf([draft(1), draft(2), draft(3)]);
    const anchors = new Map([['f-1', records.map(anchorOf)]]);
    expect(verifyTrail(new Map([['f-1', records]]), anchors)).toMatchObject({
      ok: true,
      unanchored: [],
    });
    const truncated = new Map([['f-1', records.slice(0, 1)]]);
    expect(verifyChain(truncated.get('f-1')!)).toMatchObject({ ok: true });
    expect(verifyTrail(truncated, anchors).problems).toEqual([
      'chain f-1: record #2 was anchored at 2026-11-21T14:02:00.000Z but the chain ends at #1 (records removed from its end)',
    ]);
  });

  it('notices a chain removed whole, and a rewritten record behind a later anchor', () => {
    const records = chainOf([draft(1), draft(2)]);
    expect(verifyTrail(new Map(), new Map([['f-1', records.map(anchorOf)]])).problems).toEqual([
      'chain f-1: anchored up to record #2 at 2026-11-21T14:02:00.000Z, but no record of it is left (chain removed)',
    ]);
    // Rewritten and rehashed by someone who can write the table: the anchor still disagrees.
    const forged = chainOf([draft(1), draft(2, { target: 'i-else' })]);
    expect(
      verifyTrail(new Map([['f-1', forged]]), new Map([['f-1', records.map(anchorOf)]])).problems,
    ).toEqual([
      'chain f-1: record #2 does not match its anchor of 2026-11-21T14:02:00.000Z (rewritten)',
    ]);
  });

  it('says which newest records have no anchor yet', () => {
    const records = chainOf([draft(1), draft(2), draft(3)]);
    expect(
      verifyTrail(new Map([['f-1', records]]), new Map([['f-1', [anchorOf(records[0]!)]]])),
    ).toMatchObject({ ok: true, unanchored: [{ chain: 'f-1', records: 2 }] });
  });
});
