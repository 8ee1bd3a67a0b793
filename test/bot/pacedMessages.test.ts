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
});
