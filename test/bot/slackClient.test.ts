import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import {
  createSlackClient,
  SlackRateLimitedError,
  WebApiChannelMessages,
} from '../../src/bot/slackClient';

/**
 * Slack's 429 answers carry Retry-After. A post waits them out within its budget (the findings
 * function's timeout is 60 s), and gives the work back for a later retry when Slack asks for
 * more: today's `Retry-After: 30` no longer holds a publish for 30 seconds.
 */
const CHANNEL = 'C0SECURITY';
let slack: LocalSlack;

beforeEach(async () => {
  slack = await startLocalSlack({ channels: [{ id: CHANNEL, name: 'security' }] });
});
afterEach(() => slack.close());

function messages(waits: number[], budgetMs = 10_000) {
  const client = createSlackClient({ token: slack.botToken, apiUrl: slack.apiUrl, retries: 0 });
  return new WebApiChannelMessages(client, {
    budgetMs,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
}

const message = { text: 'finding', blocks: [] };

describe('WebApiChannelMessages and Slack’s rate limit', () => {
  it('waits out a Retry-After within the budget, then posts once', async () => {
    const waits: number[] = [];
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    const { ts } = await messages(waits).post(CHANNEL, message);
    expect(waits).toEqual([2000]);
    expect(ts).toMatch(/^\d+\.\d+$/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('gives a Retry-After past the budget back at once, without waiting or posting', async () => {
    const waits: number[] = [];
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    const started = Date.now();
    const post = messages(waits).post(CHANNEL, message);
    await expect(post).rejects.toBeInstanceOf(SlackRateLimitedError);
    await expect(post).rejects.toThrow(
      'Slack asked to wait 30 s before chat.postMessage, longer than this call may wait (10 s in all); it is given back to be retried',
    );
    expect(waits).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slack.workspace.history(CHANNEL)).toHaveLength(0);
  });

  it('counts every wait of one call against the same budget', async () => {
    const waits: number[] = [];
    slack.failNext('chat.update', { status: 429, retryAfter: 4 });
    slack.failNext('chat.update', { status: 429, retryAfter: 4 });
    slack.failNext('chat.update', { status: 429, retryAfter: 4 });
    await expect(messages(waits).update(CHANNEL, '1.000001', message)).rejects.toThrow(
      SlackRateLimitedError,
    );
    expect(waits).toEqual([4000, 4000]);
  });
});

describe('finding a finding’s message after an unfinished delivery', () => {
  it('looks in the channel, then in the threads of burst messages, by metadata', async () => {
    const web = messages([]);
    const finding = (id: string) => ({
      text: 'finding',
      blocks: [],
      metadata: { event_type: 'guardduty_finding', event_payload: { finding_id: id } },
    });
    const top = await web.post(CHANNEL, finding('f-top'));
    const burst = await web.post(CHANNEL, {
      text: 'burst',
      blocks: [],
      metadata: { event_type: 'guardduty_burst', event_payload: {} },
    });
    const reply = await web.post(CHANNEL, finding('f-reply'), burst.ts);
    const find = (id: string) => web.findFindingMessage(CHANNEL, 'guardduty_finding', id, 0);
    expect(await find('f-top')).toBe(top.ts);
    expect(await find('f-reply')).toBe(reply.ts);
    expect(await find('f-missing')).toBeUndefined();
    expect(slack.callsTo('conversations.replies').map((c) => c.args.ts)).toEqual([
      burst.ts,
      burst.ts,
    ]);
  });
});
