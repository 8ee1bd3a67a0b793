import { PacedChannelMessages } from '../../src/bot/pacedMessages';
import type { ChannelMessages } from '../../src/bot/slackClient';

describe('PacedChannelMessages', () => {
  it('spaces each channel’s posts a second apart, thread replies included; channels do not wait for each other', async () => {
    let now = 1_000_000;
    const waits: { channel: string; ms: number }[] = [];
    let waiting = '';
    const posted: string[] = [];
    const inner: ChannelMessages = {
      post: (channel) => {
        posted.push(channel);
        return Promise.resolve({ ts: `${posted.length}` });
      },
      update: () => Promise.resolve(),
      findFindingMessage: () => Promise.resolve(undefined),
    };
    const paced = new PacedChannelMessages(inner, {
      perSecond: 1,
      now: () => now,
      sleep: (ms) => {
        waits.push({ channel: waiting, ms });
        return Promise.resolve();
      },
    });
    const message = { text: 't', blocks: [] };
    const post = (channel: string, threadTs?: string) => {
      waiting = channel;
      return paced.post(channel, message, threadTs);
    };
    await Promise.all([post('C0A'), post('C0A', '1'), post('C0B'), post('C0A')]);
    expect(waits).toEqual([
      { channel: 'C0A', ms: 1000 },
      { channel: 'C0A', ms: 2000 },
    ]);
    expect(posted.sort()).toEqual(['C0A', 'C0A', 'C0A', 'C0B']);
    // A quiet channel posts at once.
    now += 5_000;
    await post('C0A');
    expect(waits).toHaveLength(2);
    expect(
      () =>
        new PacedChannelMessages(inner, {
          perSecond: 0,
          now: () => now,
          sleep: () => Promise.resolve(),
        }),
    ).toThrow(RangeError);
  });

  it('holds a channel for a 429’s Retry-After, widens its spacing there by half, and eases back', async () => {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const sentAt: number[] = [];
    let limitNext = false;
    const inner: ChannelMessages = {
      post: () => {
        if (limitNext) {
          // What WebApiChannelMessages does on a 429: tell the pacer, wait out Retry-After.
          limitNext = false;
          paced.rateLimited('C0A', 3000);
          now += 3000;
        }
        sentAt.push(now);
        return Promise.resolve({ ts: `${sentAt.length}` });
      },
      update: () => Promise.resolve(),
      findFindingMessage: () => Promise.resolve(undefined),
    };
    const paced = new PacedChannelMessages(inner, {
      perSecond: 1,
      now: () => now,
      sleep: (ms) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    const message = { text: 't', blocks: [] };
    const post = () => paced.post('C0A', message);

    limitNext = true;
    await post(); // 429, Retry-After 3 s: sent at +3 s
    const afterLimit = [];
    for (let i = 0; i < 6; i += 1) {
      await post();
      afterLimit.push(sentAt.at(-1)! - sentAt.at(-2)!);
    }
    // Held past the Retry-After, then 1.5 s apart; every two clean posts a quarter second less
    // (each slot is reserved one post ahead), back to 1 s.
    expect(afterLimit).toEqual([1500, 1500, 1500, 1250, 1250, 1000]);
    for (let i = 0; i < 8; i += 1) await post();
    expect(sentAt.at(-1)! - sentAt.at(-2)!).toBe(1000);
    // Another channel never waited for this one.
    const before = now;
    await paced.post('C0B', message);
    expect(now).toBe(before);
  });
});
