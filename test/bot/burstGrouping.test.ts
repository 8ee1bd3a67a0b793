import { BurstGrouping, burstKey } from '../../src/bot/burstGrouping';
import { DynamoBurstGroups } from '../../src/store/dynamoBurstGroups';
import { silentLog } from '../../src/shared/log';
import { startTestStore, type TestStore } from '../../harness/store';
import { countStoreCalls } from '../../harness/storeCalls';

const CHANNEL = 'C0SECURITY';
const ACCOUNT = '111122223333';
const TYPE = 'CryptoCurrency:EC2/BitcoinTool.B!DNS';

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(() => store.close());

function grouping(now: { value: number }, posted: string[], threshold = 5, windowMs = 300_000) {
  let tokens = 0;
  return new BurstGrouping({
    groups: new DynamoBurstGroups(store.client, store.tables.findings),
    messages: {
      post: (channel) => {
        posted.push(channel);
        return Promise.resolve({ ts: `1760000000.${posted.length.toString().padStart(6, '0')}` });
      },
    },
    clock: () => new Date(now.value),
    newToken: () => `token-${(tokens += 1)}`,
    sleep: (ms) => {
      now.value += ms;
      return Promise.resolve();
    },
    log: silentLog,
    options: { threshold, windowMs },
  });
}

describe('BurstGrouping', () => {
  it('costs nothing for a kind seen once, and threads from the threshold on, under one message', async () => {
    const now = { value: Date.parse('2026-12-01T03:00:00Z') };
    const posted: string[] = [];
    const bursts = grouping(now, posted);
    const calls = countStoreCalls(store.client);
    expect(await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 1)).toBeUndefined();
    expect(calls.sent).toEqual([]);
    // The second one is counted with the first (a window opened: no burst yet); at five, the
    // burst's message, and the next ones join its thread.
    expect(await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 1)).toBeUndefined();
    expect(calls.sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    const thread = await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 3);
    expect(thread).toMatchObject({
      key: burstKey(CHANNEL, ACCOUNT, TYPE),
      ts: '1760000000.000001',
      group: { count: 5, solo: 2 },
    });
    const again = await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 2);
    expect(again?.ts).toBe(thread?.ts);
    expect(again?.group.count).toBe(7);
    expect(posted).toEqual([CHANNEL]);
    calls.stop();
  });

  it('lets two instances counting parts of one burst post its message once, and share it', async () => {
    const now = { value: Date.parse('2026-12-01T03:00:00Z') };
    const posted: string[] = [];
    const [a, b] = [grouping(now, posted), grouping(now, posted)];
    expect(await a.threadFor(CHANNEL, ACCOUNT, TYPE, 3)).toBeUndefined();
    expect(await b.threadFor(CHANNEL, ACCOUNT, TYPE, 1)).toBeUndefined();
    // Both reach the threshold at once: one posts the message, the other waits for it.
    const results = await Promise.all([
      a.threadFor(CHANNEL, ACCOUNT, TYPE, 2),
      b.threadFor(CHANNEL, ACCOUNT, TYPE, 2),
    ]);
    expect(posted).toEqual([CHANNEL]);
    expect(results[0]?.ts).toBeDefined();
    expect(results[1]?.ts).toBe(results[0]?.ts);
  });

  it('opens a new burst when the window is over', async () => {
    const now = { value: Date.parse('2026-12-01T03:00:00Z') };
    const posted: string[] = [];
    const bursts = grouping(now, posted, 2, 60_000);
    const first = await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 2);
    now.value += 61_000;
    expect(await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 1)).toBeUndefined();
    const second = await bursts.threadFor(CHANNEL, ACCOUNT, TYPE, 1);
    expect(second?.ts).toBeDefined();
    expect(second?.ts).not.toBe(first?.ts);
    expect(posted).toHaveLength(2);
  });
});
