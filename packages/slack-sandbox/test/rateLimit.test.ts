import { WebClient, LogLevel, WebAPIRateLimitedError } from '@slack/web-api';
import { startLocalSlack, type LocalSlack } from '../src';

/** A clock the test moves by hand: the limit follows the sandbox's clock, not the wall. */
function manualClock(start = 1_760_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

let slack: LocalSlack;
afterEach(() => slack.close());

function client() {
  // Rate-limited calls are handed back, not waited out, so the test sees each 429.
  return new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
}

describe('rate limit (option)', () => {
  it('lets a burst through, then answers 429 ratelimited with Retry-After, per channel', async () => {
    const clock = manualClock();
    slack = await startLocalSlack({
      clock,
      channels: ['C0A', 'C0B'],
      rateLimit: { messagesPerSecond: 1, burst: 3 },
    });
    const web = client();
    const first = await web.chat.postMessage({ channel: 'C0A', text: 'm0' });
    for (let i = 1; i < 3; i += 1) await web.chat.postMessage({ channel: 'C0A', text: `m${i}` });
    const limited = await web.chat
      .postMessage({ channel: 'C0A', text: 'm3' })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Error);
    expect((limited as WebAPIRateLimitedError).retryAfter).toBe(1);
    // Another channel has its own allowance; a thread reply counts against its channel.
    await web.chat.postMessage({ channel: 'C0B', text: 'b0' });
    const reply = await web.chat
      .postMessage({ channel: 'C0A', text: 'reply', thread_ts: first.ts ?? '' })
      .catch((e: unknown) => e);
    expect(reply).toBeInstanceOf(Error);
    // One second later, one more message is allowed.
    clock.advance(1000);
    await web.chat.postMessage({ channel: 'C0A', text: 'm4' });
    expect(slack.callsTo('chat.postMessage').map((c) => (c.ok ? 'ok' : String(c.error)))).toEqual([
      'ok',
      'ok',
      'ok',
      'ratelimited',
      'ok',
      'ratelimited',
      'ok',
    ]);
    expect(slack.workspace.history('C0A')).toHaveLength(4);
  });

  it('asks for a longer wait when the rate is lower, and refuses a nonsensical option', async () => {
    const clock = manualClock();
    slack = await startLocalSlack({ clock, rateLimit: { messagesPerSecond: 0.25, burst: 1 } });
    const web = client();
    await web.chat.postMessage({ channel: 'C0A', text: 'first' });
    const limited = (await web.chat
      .postMessage({ channel: 'C0A', text: 'second' })
      .catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(limited.retryAfter).toBe(4);
    await expect(
      startLocalSlack({ rateLimit: { messagesPerSecond: 1, burst: 0 } }),
    ).rejects.toThrow('rateLimit: messagesPerSecond must be > 0 and burst a whole number ≥ 1');
  });
});
