import type { WebClient } from '@slack/web-api';
import type { LocalSlack } from '../src';
import {
  actions,
  ALICE,
  CHANNEL,
  section,
  startHarness,
  type FakeBot,
  type Harness,
  type TestClock,
} from './helpers';

async function respond(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('response_url', () => {
  let slack: LocalSlack;
  let bot: FakeBot;
  let client: WebClient;
  let clock: TestClock;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
    ({ slack, bot, client, clock } = harness);
  });

  afterEach(() => harness.close());

  async function clickArchive(): Promise<{ ts: string; responseUrl: string }> {
    const { ts } = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'finding',
      blocks: [section('finding', 'summary'), actions('acts', ['archive', 'f-1'])],
    });
    await slack.clickButton({ user: ALICE, messageTs: ts!, actionId: 'archive' });
    return { ts: ts!, responseUrl: bot.lastPayload().response_url as string };
  }

  async function commandResponseUrl(): Promise<string> {
    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'list' });
    return bot.lastPayload().response_url as string;
  }

  it('shows a plain response to the user alone (ephemeral by default)', async () => {
    const url = await commandResponseUrl();
    expect(await respond(url, { text: 'No open findings.' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(slack.workspace.listEphemerals()).toEqual([
      {
        channel: CHANNEL,
        user: ALICE,
        source: 'response_url',
        message_ts: '1732543200.000000',
        text: 'No open findings.',
      },
    ]);
    expect(slack.workspace.history(CHANNEL)).toEqual([]);
  });

  it('posts an in_channel response as a message, in a thread when asked', async () => {
    const { ts, responseUrl } = await clickArchive();
    await respond(responseUrl, { response_type: 'in_channel', text: 'Archived.', thread_ts: ts });
    expect(slack.workspace.thread(CHANNEL, ts).map((m) => m.text)).toEqual([
      'finding',
      'Archived.',
    ]);
  });

  it('replaces the clicked message without marking it edited', async () => {
    const { ts, responseUrl } = await clickArchive();
    await respond(responseUrl, {
      replace_original: true,
      text: 'Archived',
      blocks: [section('Archived ✓')],
    });
    const message = slack.workspace.getMessage(CHANNEL, ts)!;
    expect(message).toMatchObject({ text: 'Archived', blocks: [section('Archived ✓')] });
    expect(message).not.toHaveProperty('edited');
  });

  it('replaces or deletes the ephemeral message that carried the button', async () => {
    const { message_ts } = await client.chat.postEphemeral({
      channel: CHANNEL,
      user: ALICE,
      text: 'Confirm?',
      blocks: [actions('confirm', ['yes', 'f-1'])],
    });
    await slack.clickButton({ user: ALICE, ephemeral: message_ts!, actionId: 'yes' });
    const url = bot.lastPayload().response_url as string;
    await respond(url, { replace_original: true, text: 'Working…' });
    expect(slack.workspace.getEphemeral(message_ts!)).toMatchObject({ text: 'Working…' });
    expect(slack.workspace.getEphemeral(message_ts!)).not.toHaveProperty('blocks');
    await respond(url, { delete_original: true });
    expect(slack.workspace.getEphemeral(message_ts!)).toBeUndefined();
  });

  it('deletes the clicked message', async () => {
    const { ts, responseUrl } = await clickArchive();
    await respond(responseUrl, { delete_original: true });
    expect(slack.workspace.getMessage(CHANNEL, ts)).toBeUndefined();
  });

  it('allows five uses in thirty minutes, then answers 404 like Slack', async () => {
    const url = await commandResponseUrl();
    for (let i = 0; i < 5; i += 1) expect((await respond(url, { text: `#${i}` })).status).toBe(200);
    expect(await respond(url, { text: 'sixth' })).toEqual({
      status: 404,
      body: { ok: false, error: 'used_url' },
    });

    const later = await commandResponseUrl();
    clock.advance(30 * 60 * 1000 + 1);
    expect(await respond(later, { text: 'late' })).toEqual({
      status: 404,
      body: { ok: false, error: 'expired_url' },
    });
    expect(await respond(`${slack.url}respond/R999`, { text: 'x' })).toMatchObject({ status: 404 });
    expect(slack.workspace.listEphemerals()).toHaveLength(5);
  });

  it('refuses an empty or oversized response with 400 and changes nothing', async () => {
    const { ts, responseUrl } = await clickArchive();
    expect(await respond(responseUrl, { replace_original: true })).toMatchObject({
      status: 400,
      body: { ok: false, error: 'no_text' },
    });
    const tooMany = Array.from({ length: 51 }, () => section('x'));
    expect(
      await respond(responseUrl, { replace_original: true, text: 'x', blocks: tooMany }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_blocks' },
    });
    expect(slack.workspace.getMessage(CHANNEL, ts)).toMatchObject({ text: 'finding' });
  });

  it('fails as planned with failNext("response_url")', async () => {
    const url = await commandResponseUrl();
    slack.failNext('response_url', { status: 500 });
    expect((await respond(url, { text: 'x' })).status).toBe(500);
    expect((await respond(url, { text: 'y' })).status).toBe(200);
    expect(slack.workspace.listEphemerals().map((e) => e.text)).toEqual(['y']);
  });
});
