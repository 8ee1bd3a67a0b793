import { request as httpRequest } from 'node:http';
import type { WebClient } from '@slack/web-api';
import {
  LocalSlackUsageError,
  startLocalSlack,
  type LocalSlack,
  type LocalSlackSnapshot,
} from '../src';
import {
  actions,
  ALICE,
  CHANNEL,
  section,
  startHarness,
  type FakeBot,
  type Harness,
} from './helpers';

async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Reads Server-Sent Events until `count` events have arrived. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<{ event: string; data: unknown }[]> {
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      events.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('observer API for the sandbox page', () => {
  let slack: LocalSlack;
  let bot: FakeBot;
  let client: WebClient;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness({ userGroups: { S0RESPOND: [ALICE] } });
    ({ slack, bot, client } = harness);
  });

  afterEach(() => harness.close());

  it('returns the whole workspace from GET /local/state', async () => {
    const parent = (
      await client.chat.postMessage({ channel: CHANNEL, text: 'finding', blocks: [section('f')] })
    ).ts!;
    await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent });
    await client.chat.postEphemeral({ channel: CHANNEL, user: ALICE, text: 'psst' });

    const response = await fetch(`${slack.url}local/state`);
    const state = (await response.json()) as LocalSlackSnapshot;

    expect(state).toMatchObject({
      team: { id: 'T0LOCAL001', domain: 'guardduty-local' },
      bot: { userId: 'U0LOCALBOT' },
      users: [
        { id: ALICE, name: 'alice', real_name: 'Alice' },
        { id: 'U0BOB', name: 'bob' },
      ],
      userGroups: { S0RESPOND: [ALICE] },
      ephemerals: [{ user: ALICE, text: 'psst' }],
      views: [],
    });
    expect(state.channels).toHaveLength(1);
    expect(state.channels[0]!.messages).toMatchObject([
      {
        ts: parent,
        text: 'finding',
        reply_count: 1,
        replies: [{ text: 'reply', thread_ts: parent }],
      },
    ]);
    expect(state.revision).toBe(3);
    expect(state).toEqual(slack.snapshot());
  });

  it('streams a change event for every change and a call event for every API call', async () => {
    const response = await fetch(`${slack.url}local/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    expect(await readEvents(reader, 1)).toEqual([{ event: 'hello', data: { revision: 0 } }]);

    const { ts } = await client.chat.postMessage({ channel: CHANNEL, text: 'hi' });
    expect(await readEvents(reader, 2)).toEqual([
      { event: 'change', data: { kind: 'message.posted', channel: CHANNEL, ts, revision: 1 } },
      { event: 'call', data: { method: 'chat.postMessage', ok: true } },
    ]);
    await client.chat
      .update({ channel: CHANNEL, ts: '1.000001', text: 'x' })
      .catch(() => undefined);
    expect(await readEvents(reader, 1)).toEqual([
      { event: 'call', data: { method: 'chat.update', ok: false, error: 'message_not_found' } },
    ]);
    await reader.cancel();
  });

  it('clicks, runs commands and submits modals for the page, answering with the bot response', async () => {
    const { ts } = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'finding',
      blocks: [actions('acts', ['archive', 'f-1'])],
    });
    bot.answerWith(() => ({ status: 200, body: '' }));
    const click = await postJson(`${slack.url}local/click`, {
      user: ALICE,
      messageTs: ts,
      actionId: 'archive',
    });
    expect(click).toMatchObject({ status: 200, body: { status: 200, body: '' } });
    expect(typeof click.body.elapsedMs).toBe('number');
    expect(bot.lastPayload()).toMatchObject({ type: 'block_actions', actions: [{ value: 'f-1' }] });

    bot.answerWith(() => ({ body: 'Working on it' }));
    const command = await postJson(`${slack.url}local/command`, {
      user: ALICE,
      channel: CHANNEL,
      text: 'list',
    });
    expect(command.body).toMatchObject({ status: 200, body: 'Working on it' });
    expect(slack.workspace.listEphemerals().at(-1)).toMatchObject({
      text: 'Working on it',
      source: 'command_ack',
    });

    const triggerId = bot.lastPayload().trigger_id as string;
    const opened = await client.views.open({
      trigger_id: triggerId,
      view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [section('s')] },
    });
    bot.answerWith(() => ({ body: '' }));
    const submit = await postJson(`${slack.url}local/submit-view`, {
      user: ALICE,
      viewId: opened.view!.id,
    });
    expect(submit.body).toMatchObject({ status: 200 });
    expect(slack.views.list()).toEqual([]);
  });

  it('closes the top modal on Cancel, telling the bot only when the view asked', async () => {
    bot.answerWith(() => ({ body: '' }));
    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'suppress' });
    const modal = (notify: boolean) => ({
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Suppress' },
      notify_on_close: notify,
      callback_id: 'suppress',
      blocks: [section('s')],
    });
    const quiet = await client.views.open({
      trigger_id: bot.lastPayload().trigger_id as string,
      view: modal(false),
    });
    const requestsBefore = bot.requests.length;
    expect(
      await postJson(`${slack.url}local/close-view`, { user: ALICE, viewId: quiet.view!.id }),
    ).toEqual({ status: 200, body: { notified: false } });
    expect(bot.requests).toHaveLength(requestsBefore);
    expect(slack.views.list()).toEqual([]);

    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'suppress' });
    const trigger = bot.lastPayload().trigger_id as string;
    const loud = await client.views.open({ trigger_id: trigger, view: modal(true) });
    expect(
      await postJson(`${slack.url}local/close-view`, { user: 'U0BOB', viewId: loud.view!.id }),
    ).toEqual({ status: 400, body: { error: `view ${loud.view!.id} is not open for U0BOB` } });
    const closed = await postJson(`${slack.url}local/close-view`, {
      user: ALICE,
      viewId: loud.view!.id,
    });
    expect(closed.body).toMatchObject({ status: 200, body: '' });
    expect(bot.lastPayload()).toMatchObject({
      type: 'view_closed',
      user: { id: ALICE },
      view: { id: loud.view!.id, callback_id: 'suppress' },
      is_cleared: false,
    });
    expect(slack.views.list()).toEqual([]);
  });

  it('answers 400 naming the problem, 415 for non-JSON and 502 when the bot is down', async () => {
    expect(
      await postJson(`${slack.url}local/click`, {
        user: ALICE,
        messageTs: '1.000001',
        actionId: 'x',
      }),
    ).toEqual({
      status: 400,
      body: { error: 'no message 1.000001' },
    });
    expect(await postJson(`${slack.url}local/click`, { user: ALICE })).toEqual({
      status: 400,
      body: { error: 'actionId: Invalid input: expected string, received undefined' },
    });
    expect(await postJson(`${slack.url}local/command`, { user: ALICE, channel: 'C0NOPE' })).toEqual(
      {
        status: 400,
        body: { error: 'unknown channel C0NOPE' },
      },
    );
    const form = await fetch(`${slack.url}local/command`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ user: ALICE, channel: CHANNEL }),
    });
    expect(form.status).toBe(415);

    await bot.close();
    const down = await postJson(`${slack.url}local/command`, { user: ALICE, channel: CHANNEL });
    expect(down.status).toBe(502);
    expect(down.body.error).toMatch(/^bot unreachable: /);
  });

  it('ends open event streams on close', async () => {
    const response = await fetch(`${slack.url}local/events`);
    const reader = response.body!.getReader();
    await readEvents(reader, 1);
    await slack.close();
    expect((await reader.read()).done).toBe(true);
    await expect(slack.close()).resolves.toBeUndefined(); // closing twice is harmless
  });

  it('refuses other Host names (DNS rebinding) and unknown routes', async () => {
    expect(await getWithHost(`${slack.url}local/state`, 'attacker.example')).toBe(403);
    expect(await getWithHost(`${slack.url}local/state`, `localhost:${slack.port}`)).toBe(200);
    expect((await fetch(`${slack.url}nowhere`)).status).toBe(404);
  });

  it('listens on loopback only', async () => {
    await expect(startLocalSlack({ host: '0.0.0.0' })).rejects.toThrow(
      new LocalSlackUsageError('host must be a loopback address or localhost, got "0.0.0.0"'),
    );
    expect(new URL(slack.url).hostname).toBe('127.0.0.1');
  });

  it('hands unknown paths to the fallback (the sandbox page)', async () => {
    const withPage = await startLocalSlack({
      fallback: (request, response) => {
        if (request.url !== '/') return Promise.resolve(false);
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<h1>sandbox</h1>');
        return Promise.resolve(true);
      },
    });
    try {
      expect(await (await fetch(withPage.url)).text()).toBe('<h1>sandbox</h1>');
      expect((await fetch(`${withPage.url}other`)).status).toBe(404);
    } finally {
      await withPage.close();
    }
  });
});
