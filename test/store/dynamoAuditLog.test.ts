import { UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoAuditLog } from '../../src/store/dynamoAuditLog';
import {
  chainRecord,
  GENESIS_HASH,
  hashRecord,
  type AuditDraft,
  type AuditRecord,
} from '../../src/actions/audit/record';
import { verifyChain } from '../../src/actions/audit/verify';
import { startTestStore, type TestStore } from '../../harness/store';

const draft = (n: number, overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  at: `2026-11-21T14:0${n % 10}:00.000Z`,
  type: 'request',
  actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001', userName: 'alice' },
  action: 'archive',
  findingId: `f-${n}`,
  target: `f-${n}`,
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
    expect(first).toMatchObject({ chain: 'audit', seq: 1, prevHash: GENESIS_HASH });
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
        fc.constantFrom('target', 'findingId', 'at', 'result'),
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

  beforeEach(async () => {
    store = await startTestStore();
    log = new DynamoAuditLog(store.client, store.tables.audit);
  });
  afterEach(() => store.close());

  async function all(): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for await (const record of log.records()) records.push(record);
    return records;
  }

  it('appends concurrently without sharing a seq, and the stored chain verifies', async () => {
    await Promise.all(Array.from({ length: 15 }, (_, i) => log.append(draft(i))));
    const records = await all();
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(verifyChain(records)).toMatchObject({ ok: true, count: 15 });
  });

  it('fails verification after a record is edited or deleted in the table', async () => {
    for (let i = 1; i <= 3; i += 1) await log.append(draft(i));
    await store.client.send(
      new UpdateCommand({
        TableName: store.tables.audit,
        Key: { chain: 'audit', seq: 2 },
        UpdateExpression: 'SET target = :t',
        ExpressionAttributeValues: { ':t': 'i-0somethingelse' },
      }),
    );
    expect(verifyChain(await all())).toMatchObject({ ok: false, seq: 2 });
    await store.client.send(
      new DeleteCommand({ TableName: store.tables.audit, Key: { chain: 'audit', seq: 2 } }),
    );
    expect(verifyChain(await all())).toMatchObject({ ok: false, seq: 2 });
  });

  it('lists newest first, by finding (index) and by user', async () => {
    await log.append(draft(1));
    await log.append(draft(2, { actor: { userId: 'U0BOB', teamId: 'T1' }, type: 'refusal' }));
    await log.append(draft(3, { findingId: 'f-1', result: 'succeeded', type: 'outcome' }));
    expect((await log.list({ limit: 10 })).map((e) => e.seq)).toEqual([3, 2, 1]);
    expect((await log.list({ limit: 1 })).map((e) => e.seq)).toEqual([3]);
    expect(await log.list({ findingId: 'f-1', limit: 10 })).toEqual([
      {
        seq: 3,
        at: '2026-11-21T14:03:00.000Z',
        type: 'outcome',
        actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001', userName: 'alice' },
        action: 'archive',
        findingId: 'f-1',
        target: 'f-3',
        dryRun: false,
        result: 'succeeded',
      },
      expect.objectContaining({ seq: 1 }),
    ]);
    expect((await log.list({ userId: 'U0BOB', limit: 10 })).map((e) => e.seq)).toEqual([2]);
  });
});
