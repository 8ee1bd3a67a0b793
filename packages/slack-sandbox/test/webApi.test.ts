import { performance } from 'node:perf_hooks';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { startLocalSlack, type LocalSlack } from '../src';
import { actions, manualClock, section, silentLogger } from './helpers';

const START_MS = 1_732_543_200_000;
const CHANNEL = 'C0SECURITY';

function clientFor(slack: LocalSlack, token = slack.botToken): WebClient {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    logger: silentLogger,
    // WebClient's own 429 handling waits Retry-After; keep p-retry's extra backoff short.
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 },
  });
}

async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  try {
    await call;
  } catch (error) {
    return (error as WebAPIPlatformError).data;
  }
  throw new Error('expected the call to fail');
}

describe('local Slack Web API through WebClient', () => {
  let slack: LocalSlack;
  let client: WebClient;

  beforeEach(async () => {
    slack = await startLocalSlack({
      botToken: 'xoxb-test',
      channels: [{ id: CHANNEL, name: 'security' }],
      users: [
        { id: 'U0ALICE', name: 'alice', real_name: 'Alice Example', tz: 'Europe/Berlin' },
        { id: 'U0BOB', name: 'bob' },
      ],
      userGroups: { S0RESPOND: ['U0ALICE', 'U0BOB'] },
      clock: manualClock(START_MS),
    });
    client = clientFor(slack);
  });

  afterEach(async () => {
    await slack.close();
  });

  it('answers auth.test with the bot identity', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      url: 'https://guardduty-local.slack.com/',
      team: 'GuardDuty Local',
      team_id: 'T0LOCAL001',
      user_id: 'U0LOCALBOT',
      bot_id: 'B0LOCALBOT',
    });
  });

  it('stores exactly the blocks and metadata posted and returns them from history', async () => {
    const blocks = [
      section('*High* finding: `i-0abc`', 'summary'),
      actions('acts', ['archive', 'f-1']),
    ];
    const metadata = {
      event_type: 'guardduty_finding',
      event_payload: { finding_id: 'f-1', n: 2 },
    };
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'High finding',
      blocks,
      metadata,
    });

    expect(posted.ts).toBe('1732543200.000000');
    expect(posted.channel).toBe(CHANNEL);
    expect(posted.message).toMatchObject({ text: 'High finding', blocks, bot_id: 'B0LOCALBOT' });

    const withMetadata = await client.conversations.history({
      channel: CHANNEL,
      include_all_metadata: true,
    });
    expect(withMetadata.messages).toEqual([
      {
        type: 'message',
        ts: '1732543200.000000',
        user: 'U0LOCALBOT',
        bot_id: 'B0LOCALBOT',
        app_id: 'A0LOCALAPP',
        team: 'T0LOCAL001',
        text: 'High finding',
        blocks,
        metadata,
      },
    ]);
    const plain = await client.conversations.history({ channel: CHANNEL });
    expect(plain.messages?.[0]).not.toHaveProperty('metadata');
  });

  it('gives unique, increasing ts even when the clock stands still', async () => {
    const ts: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ts.push((await client.chat.postMessage({ channel: CHANNEL, text: `m${i}` })).ts!);
    }
    expect(ts).toEqual(['1732543200.000000', '1732543200.000100', '1732543200.000200']);
  });

  it('updates text, blocks and metadata, keeps what is left out and marks the edit', async () => {
    const { ts } = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'v1',
      blocks: [section('v1')],
      metadata: { event_type: 'finding', event_payload: { v: 1 } },
    });
    const updated = await client.chat.update({ channel: CHANNEL, ts: ts!, text: 'v2' });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts, text: 'v2' });

    await client.chat.update({
      channel: CHANNEL,
      ts: ts!,
      blocks: [section('v3')],
      metadata: { event_type: 'finding', event_payload: { v: 3 } },
    });
    const [message] = (
      await client.conversations.history({ channel: CHANNEL, include_all_metadata: true })
    ).messages!;
    expect(message).toMatchObject({
      ts,
      text: 'v2',
      blocks: [section('v3')],
      metadata: { event_type: 'finding', event_payload: { v: 3 } },
      edited: { user: 'U0LOCALBOT' },
    });
  });

  it('answers message_not_found for an unknown ts and channel_not_found for an unknown channel', async () => {
    expect(
      await slackError(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })),
    ).toMatchObject({
      ok: false,
      error: 'message_not_found',
    });
    expect(
      await slackError(client.chat.postMessage({ channel: 'C0OTHER', text: 'x' })),
    ).toMatchObject({
      error: 'channel_not_found',
    });
    expect(slack.workspace.history(CHANNEL)).toEqual([]);
  });

  it('refuses a wrong token (invalid_auth) and a missing one (not_authed)', async () => {
    expect(await slackError(clientFor(slack, 'xoxb-wrong').auth.test())).toMatchObject({
      error: 'invalid_auth',
    });
    expect(
      await slackError(
        new WebClient(undefined, { slackApiUrl: slack.apiUrl, logger: silentLogger }).auth.test(),
      ),
    ).toMatchObject({ error: 'not_authed' });
    expect(slack.calls.map((c) => [c.method, c.error])).toEqual([
      ['auth.test', 'invalid_auth'],
      ['auth.test', 'not_authed'],
    ]);
  });

  it('accepts JSON bodies with a Bearer token', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Authorization: 'Bearer xoxb-test',
      },
      body: JSON.stringify({ channel: CHANNEL, text: 'json', blocks: [section('json')] }),
    });
    expect(await response.json()).toMatchObject({
      ok: true,
      message: { blocks: [section('json')] },
    });
    expect(slack.callsTo('chat.postMessage')[0]).toMatchObject({
      token: 'xoxb-test',
      args: { channel: CHANNEL, text: 'json' },
    });
  });

  it('answers token_revoked to every call once the token is revoked, until it is restored', async () => {
    slack.revokeToken();
    expect(await slackError(client.auth.test())).toMatchObject({
      ok: false,
      error: 'token_revoked',
    });
    expect(
      await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'lost' })),
    ).toMatchObject({ ok: false, error: 'token_revoked' });
    // A wrong token is still a wrong token.
    expect(await slackError(clientFor(slack, 'xoxb-other').auth.test())).toMatchObject({
      error: 'invalid_auth',
    });
    slack.restoreToken();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(slack.workspace.history(CHANNEL).map((m) => m.text)).not.toContain('lost');
  });

  it('answers HTTP 429 with Retry-After, which WebClient waits out and retries', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = performance.now();
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'after the limit' });
    const elapsed = performance.now() - started;

    expect(posted.ok).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(slack.callsTo('chat.postMessage').map((c) => [c.ok, c.error])).toEqual([
      [false, 'ratelimited'],
      [true, undefined],
    ]);
    expect(slack.workspace.history(CHANNEL).map((m) => m.text)).toEqual(['after the limit']);
  });

  it('answers HTTP 500 and Slack errors as planned, `times` in a row', async () => {
    slack.failNext('chat.update', { status: 500 });
    slack.failNext('chat.postMessage', { error: 'fatal_error' }, { times: 2 });
    const once = new WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 0 },
    });

    await expect(
      once.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }),
    ).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    expect(await slackError(once.chat.postMessage({ channel: CHANNEL, text: 'a' }))).toMatchObject({
      error: 'fatal_error',
    });
    expect(await slackError(once.chat.postMessage({ channel: CHANNEL, text: 'b' }))).toMatchObject({
      error: 'fatal_error',
    });
    expect((await once.chat.postMessage({ channel: CHANNEL, text: 'c' })).ok).toBe(true);
    expect(slack.workspace.history(CHANNEL).map((m) => m.text)).toEqual(['c']);
  });

  it('answers unknown_method, invalid_arguments and no_text', async () => {
    expect(await slackError(client.apiCall('chat.teleport', { channel: CHANNEL }))).toMatchObject({
      error: 'unknown_method',
    });
    expect(
      await slackError(client.apiCall('chat.postMessage', { text: 'no channel' })),
    ).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: [expect.stringContaining('[json-pointer:/channel]')] },
    });
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: '' }))).toMatchObject(
      {
        error: 'no_text',
      },
    );
  });

  it('refuses blocks beyond Block Kit limits with invalid_blocks and stores nothing', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    expect(
      await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: tooMany })),
    ).toMatchObject({
      error: 'invalid_blocks',
      response_metadata: {
        messages: ['[ERROR] Too big: expected array to have <=50 items [json-pointer:/blocks]'],
      },
    });
    const longText = [section('x'.repeat(3001))];
    expect(
      await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: longText })),
    ).toMatchObject({
      error: 'invalid_blocks',
      response_metadata: {
        messages: [expect.stringContaining('[json-pointer:/blocks/0/text/text]')],
      },
    });
    expect(
      await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x'.repeat(40_001) })),
    ).toMatchObject({ error: 'msg_too_long' });
    expect(slack.workspace.history(CHANNEL)).toEqual([]);
  });

  it('checks the blocks inside attachments too, with invalid_attachments', async () => {
    const longText = [section('x'.repeat(3001))];
    expect(
      await slackError(
        client.chat.postMessage({
          channel: CHANNEL,
          text: 'x',
          attachments: [{ color: 'good', blocks: longText }],
        }),
      ),
    ).toMatchObject({
      error: 'invalid_attachments',
      response_metadata: {
        messages: [expect.stringContaining('[json-pointer:/attachments/0/blocks/0/text/text]')],
      },
    });
    expect(slack.workspace.history(CHANNEL)).toEqual([]);
    const ok = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'x',
      attachments: [{ color: '#d1001f', blocks: [section('fine')] }],
    });
    expect(slack.workspace.getMessage(CHANNEL, ok.ts!)?.attachments).toEqual([
      { color: '#d1001f', blocks: [section('fine')] },
    ]);
  });

  it('threads replies under the parent and pages through them with cursors', async () => {
    const parent = (await client.chat.postMessage({ channel: CHANNEL, text: 'parent' })).ts!;
    for (const text of ['r1', 'r2', 'r3']) {
      await client.chat.postMessage({ channel: CHANNEL, text, thread_ts: parent });
    }
    const first = await client.conversations.replies({ channel: CHANNEL, ts: parent, limit: 3 });
    expect(first.messages?.map((m) => m.text)).toEqual(['parent', 'r1', 'r2']);
    expect(first.messages?.[0]).toMatchObject({
      reply_count: 3,
      reply_users: ['U0LOCALBOT'],
      thread_ts: parent,
    });
    expect(first.has_more).toBe(true);
    const second = await client.conversations.replies({
      channel: CHANNEL,
      ts: parent,
      limit: 3,
      cursor: first.response_metadata?.next_cursor ?? '',
    });
    expect(second.messages?.map((m) => m.text)).toEqual(['r3']);
    expect(second.has_more).toBe(false);
    // Replies stay out of the channel history.
    expect(
      (await client.conversations.history({ channel: CHANNEL })).messages?.map((m) => m.text),
    ).toEqual(['parent']);
    expect(
      await slackError(
        client.chat.postMessage({ channel: CHANNEL, text: 'x', thread_ts: '9.000001' }),
      ),
    ).toMatchObject({
      error: 'thread_not_found',
    });
  });

  it('pages history newest first and filters by oldest and latest', async () => {
    const ts: string[] = [];
    for (let i = 1; i <= 5; i += 1)
      ts.push((await client.chat.postMessage({ channel: CHANNEL, text: `m${i}` })).ts!);
    const texts: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.conversations.history({
        channel: CHANNEL,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      texts.push(page.messages!.map((m) => m.text!));
      cursor = page.response_metadata?.next_cursor;
    } while (cursor);
    expect(texts).toEqual([['m5', 'm4'], ['m3', 'm2'], ['m1']]);

    const window = await client.conversations.history({
      channel: CHANNEL,
      oldest: ts[1],
      latest: ts[4],
    });
    expect(window.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    const inclusive = await client.conversations.history({
      channel: CHANNEL,
      oldest: ts[1],
      latest: ts[4],
      inclusive: true,
    });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['m5', 'm4', 'm3', 'm2']);
    expect(
      await slackError(client.conversations.history({ channel: CHANNEL, cursor: 'bm9wZQ==' })),
    ).toMatchObject({
      error: 'invalid_cursor',
    });
  });

  it('posts ephemeral messages to known users only', async () => {
    const result = await client.chat.postEphemeral({
      channel: CHANNEL,
      user: 'U0ALICE',
      text: 'only you',
    });
    expect(result.message_ts).toBe('1732543200.000000');
    expect(slack.workspace.getEphemeral(result.message_ts!)).toMatchObject({
      channel: CHANNEL,
      user: 'U0ALICE',
      text: 'only you',
      source: 'chat.postEphemeral',
    });
    expect(
      await slackError(
        client.chat.postEphemeral({ channel: CHANNEL, user: 'U0MALLORY', text: 'x' }),
      ),
    ).toMatchObject({ error: 'user_not_found' });
  });

  it('builds permalinks like Slack', async () => {
    const parent = (await client.chat.postMessage({ channel: CHANNEL, text: 'p' })).ts!;
    const reply = (
      await client.chat.postMessage({ channel: CHANNEL, text: 'r', thread_ts: parent })
    ).ts!;
    expect(
      (await client.chat.getPermalink({ channel: CHANNEL, message_ts: parent })).permalink,
    ).toBe(`https://guardduty-local.slack.com/archives/${CHANNEL}/p1732543200000000`);
    expect(
      (await client.chat.getPermalink({ channel: CHANNEL, message_ts: reply })).permalink,
    ).toBe(
      `https://guardduty-local.slack.com/archives/${CHANNEL}/p1732543200000100?thread_ts=${parent}&cid=${CHANNEL}`,
    );
  });

  it('lists user group members and user details', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0RESPOND' })).users).toEqual([
      'U0ALICE',
      'U0BOB',
    ]);
    expect(await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toMatchObject({
      error: 'no_such_subteam',
    });
    const { user } = await client.users.info({ user: 'U0ALICE' });
    // 2024-11-25 is winter time in Berlin: UTC+1.
    expect(user).toMatchObject({
      id: 'U0ALICE',
      name: 'alice',
      real_name: 'Alice Example',
      tz: 'Europe/Berlin',
      tz_offset: 3600,
    });
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toMatchObject({
      error: 'user_not_found',
    });
  });

  it('lists the workspace members a page at a time, the bot among them', async () => {
    const first = await client.users.list({ limit: 2 });
    expect(first.members?.map((m) => m.id)).toEqual(['U0ALICE', 'U0BOB']);
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const rest = await client.users.list({ limit: 2, cursor });
    expect(rest.members?.map((m) => [m.id, m.is_bot])).toEqual([['U0LOCALBOT', true]]);
    expect(rest.response_metadata?.next_cursor).toBe('');
    expect(first.members?.[0]).toMatchObject({ name: 'alice', real_name: 'Alice Example' });
    expect(await slackError(client.users.list({ cursor: 'bm9wZQ==' }))).toMatchObject({
      error: 'invalid_cursor',
    });
  });

  it('refuses views.open with a trigger_id it never issued', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Confirm' },
      blocks: [section('Sure?')],
    };
    expect(await slackError(client.views.open({ trigger_id: '1.2.3', view }))).toMatchObject({
      error: 'invalid_trigger_id',
    });
  });

  it('frees its port on close', async () => {
    const port = slack.port;
    await slack.close();
    slack = await startLocalSlack({ port });
    expect(slack.port).toBe(port);
  });
});
