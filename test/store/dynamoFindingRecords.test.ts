import { isNewerVersion, type FindingRecord } from '../../src/actions/findingRecords';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoFindingRecords } from '../../src/store/dynamoFindingRecords';
import { startTestStore, type TestStore } from '../../harness/store';

let store: TestStore;
let findings: DynamoFindingRecords;

beforeAll(async () => {
  store = await startTestStore();
  findings = new DynamoFindingRecords(store.client, store.tables.findings);
});
afterAll(() => store.close());

function record(findingId: string, overrides: Partial<FindingRecord> = {}): FindingRecord {
  return {
    findingId,
    status: 'posting',
    claimToken: 'token-1',
    claimedAt: 1_000,
    channel: 'C0SECURITY',
    accountId: '123456789012',
    region: 'us-east-1',
    count: 1,
    updatedAtMs: 5_000,
    severity: 5,
    type: 'Recon:EC2/Portscan',
    title: 'title',
    finding: '{}',
    score: '{}',
    ...overrides,
  };
}

describe('isNewerVersion', () => {
  it.each([
    [{ count: 2, updatedAtMs: 1 }, { count: 1, updatedAtMs: 1 }, true],
    [{ count: 1, updatedAtMs: 2 }, { count: 1, updatedAtMs: 1 }, true],
    [{ count: 1, updatedAtMs: 1 }, { count: 1, updatedAtMs: 1 }, false],
    [{ count: 1, updatedAtMs: 1 }, { count: 2, updatedAtMs: 2 }, false],
  ])('%j newer than %j: %p', (candidate, stored, expected) => {
    expect(isNewerVersion(candidate, stored)).toBe(expected);
  });
});

describe('DynamoFindingRecords', () => {
  it('lets exactly one of many concurrent claims win', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => findings.claim(record('race', { claimToken: `t${i}` }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records the message only under the claim that holds it', async () => {
    await findings.claim(record('f-mark'));
    expect(
      await findings.markPosted('f-mark', 'someone-else', {
        channel: 'C1',
        ts: '1.1',
        postedAt: 2,
      }),
    ).toBeUndefined();
    expect(
      await findings.markPosted('f-mark', 'token-1', {
        channel: 'C0SECURITY',
        ts: '1.2',
        postedAt: 2,
      }),
    ).toMatchObject({ findingId: 'f-mark', status: 'posted', ts: '1.2' });
    expect(await findings.get('f-mark')).toMatchObject({
      status: 'posted',
      ts: '1.2',
      postedAt: 2,
    });
    // A posted record is no longer a claim: it can be neither released nor taken over.
    await findings.release('f-mark', 'token-1');
    expect(await findings.takeOverClaim('f-mark', 'token-1', 'token-2', 3)).toBe(false);
    expect(await findings.get('f-mark')).toMatchObject({ status: 'posted', claimToken: 'token-1' });
  });

  it('answers a lost claim with the record that won, in the same request', async () => {
    const sent: string[] = [];
    const counting = new DynamoFindingRecords(store.client, store.tables.findings);
    store.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countForTest' },
    );
    try {
      expect(await counting.claimOrRead(record('f-read', { title: 'first' }))).toBeUndefined();
      const lost = await counting.claimOrRead(
        record('f-read', { claimToken: 't2', title: 'second' }),
      );
      expect(lost).toMatchObject({ findingId: 'f-read', claimToken: 'token-1', title: 'first' });
      expect(sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    } finally {
      store.client.middlewareStack.remove('countForTest');
    }
  });

  it('keeps what an earlier writer put on the item when the finding is claimed', async () => {
    await store.client.send(
      new UpdateCommand({
        TableName: store.tables.findings,
        Key: { findingId: 'f-early' },
        UpdateExpression: 'SET earlier = :x',
        ExpressionAttributeValues: { ':x': 'kept' },
      }),
    );
    expect(await findings.get('f-early')).toBeUndefined();
    expect(await findings.claimOrRead(record('f-early'))).toBeUndefined();
    expect(await findings.get('f-early')).toMatchObject({ status: 'posting', earlier: 'kept' });
  });

  it('keeps the channels posted before a failure and lets the retry take the claim at once', async () => {
    await findings.claim(record('f-partial', { channels: ['C1', 'C2', 'C3'], channel: 'C1' }));
    await findings.releasePartial('f-partial', 'token-1', [
      { channel: 'C1', ts: '1.1' },
      { channel: 'C2', ts: '1.2' },
    ]);
    expect(await findings.get('f-partial')).toMatchObject({
      status: 'posting',
      claimedAt: 0,
      channel: 'C1',
      ts: '1.1',
      copies: [{ channel: 'C2', ts: '1.2' }],
    });
    expect(await findings.takeOverClaim('f-partial', 'token-1', 'token-2', 9)).toBe(true);
  });

  it('takes a finding out of the digest once, and not after a digest took it', async () => {
    await findings.claim(record('f-digest', { status: 'digest', digestChannel: 'C0LOW' }));
    const claim = { claimToken: 'token-9', claimedAt: 7, channels: ['C0HIGH'], route: 'high' };
    expect(await findings.leaveDigest('f-digest', claim)).toBe(true);
    expect(await findings.leaveDigest('f-digest', claim)).toBe(false);
    const left = await findings.get('f-digest');
    expect(left).toMatchObject({ status: 'posting', channel: 'C0HIGH', claimToken: 'token-9' });
    expect(left?.digestChannel).toBeUndefined();
  });

  it('releases an unfinished claim so a retry starts clean', async () => {
    await findings.claim(record('f-release'));
    await findings.release('f-release', 'token-1');
    expect(await findings.get('f-release')).toBeUndefined();
  });

  it('replaces content only with a newer version, and can put the old one back', async () => {
    await findings.claim(record('f-newer'));
    await findings.markPosted('f-newer', 'token-1', {
      channel: 'C0SECURITY',
      ts: '1.3',
      postedAt: 2,
    });
    const content = {
      count: 1,
      updatedAtMs: 5_000,
      severity: 5,
      type: 'T',
      title: 'same',
      finding: '{"v":1}',
      score: '{}',
    };
    expect(await findings.replaceWithNewer('f-newer', content)).toBeUndefined();
    const newer = { ...content, count: 3, title: 'newer', finding: '{"v":3}' };
    expect(await findings.replaceWithNewer('f-newer', newer)).toEqual({
      count: 1,
      updatedAtMs: 5_000,
      severity: 5,
      type: 'Recon:EC2/Portscan',
      title: 'title',
      finding: '{}',
      score: '{}',
    });
    expect(await findings.get('f-newer')).toMatchObject({ count: 3, title: 'newer' });
    await findings.restore(
      'f-newer',
      { count: 3, updatedAtMs: 5_000 },
      { ...content, title: 'title', finding: '{}' },
    );
    expect(await findings.get('f-newer')).toMatchObject({
      count: 1,
      title: 'title',
      finding: '{}',
    });
  });

  it('does not replace content of a finding still being posted', async () => {
    await findings.claim(record('f-posting'));
    const newer = {
      count: 9,
      updatedAtMs: 9_000,
      severity: 5,
      type: 'T',
      title: 'x',
      finding: '{}',
      score: '{}',
    };
    expect(await findings.replaceWithNewer('f-posting', newer)).toBeUndefined();
  });
});
