import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type BlockButtonAction, type SlashCommand, type ViewSubmitAction } from '@slack/bolt';
import { startLocalSlack, SlackRequestSender, type LocalSlack } from '../src';
import { actions, offsetClock, section, silentLogger, type TestClock } from './helpers';

const SIGNING_SECRET = 'shared-signing-secret';
const BOT_TOKEN = 'xoxb-bolt-test';
const CHANNEL = 'C0SECURITY';
const ALICE = 'U0ALICE';

const confirmModal = {
  type: 'modal' as const,
  callback_id: 'confirm_archive',
  private_metadata: '{"finding":"f-1"}',
  title: { type: 'plain_text' as const, text: 'Archive finding' },
  submit: { type: 'plain_text' as const, text: 'Archive' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'reason',
      label: { type: 'plain_text' as const, text: 'Reason' },
      element: { type: 'plain_text_input' as const, action_id: 'reason_input' },
    },
  ],
};

describe('a real Bolt app talking to the local Slack', () => {
  let slack: LocalSlack;
  let app: App;
  let clock: TestClock;
  const clicks: BlockButtonAction[] = [];
  const commands: SlashCommand[] = [];
  const submissions: ViewSubmitAction[] = [];
  let viewAnswer: Record<string, unknown> | undefined;
  let commandAck: string | undefined;
  let eventsUrl: string;

  beforeAll(async () => {
    clock = offsetClock();
    slack = await startLocalSlack({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      channels: [{ id: CHANNEL, name: 'security' }],
      users: [{ id: ALICE, name: 'alice' }],
      clock,
    });
    app = new App({
      token: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logger: silentLogger,
      // Answer Slack only after the listener finished, so each test sees its effects.
      processBeforeResponse: true,
    });
    app.action<BlockButtonAction>('archive', async ({ ack, body, respond }) => {
      await ack();
      clicks.push(body);
      await respond({ replace_original: true, text: `Archived by <@${body.user.id}>` });
    });
    app.command('/guardduty', async ({ ack, command, client }) => {
      commands.push(command);
      if (command.text === 'archive') {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: confirmModal });
      } else {
        await ack(commandAck);
      }
    });
    app.view<ViewSubmitAction>('confirm_archive', async ({ ack, body }) => {
      submissions.push(body);
      await ack(viewAnswer as never);
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    slack.setEventsUrl(eventsUrl);
  });

  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  beforeEach(() => {
    clicks.length = 0;
    commands.length = 0;
    submissions.length = 0;
    viewAnswer = undefined;
    commandAck = undefined;
  });

  async function postFinding(): Promise<string> {
    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text: 'High finding',
      blocks: [
        section('*High* finding', 'summary'),
        actions('finding-actions', ['archive', 'f-1']),
      ],
    });
    return posted.ts!;
  }

  it("answers the auth.test Bolt's constructor sends", async () => {
    const [authTest] = await slack.waitForCalls('auth.test');
    expect(authTest).toMatchObject({ ok: true, token: BOT_TOKEN });
  });

  it('delivers a button click as a block_actions payload built from the stored message', async () => {
    const ts = await postFinding();
    const response = await slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'archive' });

    expect(response.status).toBe(200);
    expect(clicks).toHaveLength(1);
    const body = clicks[0]!;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE, username: 'alice', team_id: 'T0LOCAL001' },
      team: { id: 'T0LOCAL001', domain: 'guardduty-local' },
      channel: { id: CHANNEL, name: 'security' },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
      message: { ts, text: 'High finding', bot_id: 'B0LOCALBOT' },
      api_app_id: 'A0LOCALAPP',
      actions: [
        {
          type: 'button',
          action_id: 'archive',
          block_id: 'finding-actions',
          value: 'f-1',
          text: { type: 'plain_text', text: 'archive' },
        },
      ],
    });
    expect(body.actions[0]!.action_ts).toMatch(/^\d+\.\d{6}$/);
    expect(body.response_url).toMatch(new RegExp(`^${slack.url}respond/R\\d+$`));
    expect(body.trigger_id).toMatch(/\S/);
    // respond({replace_original}) went to the response_url and replaced the message.
    expect(slack.workspace.getMessage(CHANNEL, ts)).toMatchObject({
      text: 'Archived by <@U0ALICE>',
    });
    expect(slack.workspace.getMessage(CHANNEL, ts)).not.toHaveProperty('blocks');
  });

  it('runs a slash command whose listener opens a modal with the trigger_id, then submits it', async () => {
    const response = await slack.runSlashCommand({
      user: ALICE,
      channel: CHANNEL,
      text: 'archive',
    });
    expect(response.status).toBe(200);
    expect(commands[0]).toMatchObject({
      command: '/guardduty',
      text: 'archive',
      user_id: ALICE,
      user_name: 'alice',
      channel_id: CHANNEL,
      channel_name: 'security',
      team_id: 'T0LOCAL001',
      team_domain: 'guardduty-local',
      api_app_id: 'A0LOCALAPP',
    });
    expect(commands[0]!.response_url).toMatch(new RegExp(`^${slack.url}respond/R\\d+$`));

    const [open] = slack.views.list();
    expect(open).toMatchObject({
      user: ALICE,
      view: { callback_id: 'confirm_archive', type: 'modal' },
    });

    const submitted = await slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: { reason: { reason_input: 'false positive' } },
    });
    expect(submitted.status).toBe(200);
    expect(submissions[0]).toMatchObject({
      type: 'view_submission',
      user: { id: ALICE, name: 'alice' },
      view: {
        id: open!.view.id,
        callback_id: 'confirm_archive',
        private_metadata: '{"finding":"f-1"}',
        state: {
          values: {
            reason: { reason_input: { type: 'plain_text_input', value: 'false positive' } },
          },
        },
      },
    });
    // An empty ack closes the modal, as in Slack.
    expect(slack.views.list()).toEqual([]);
  });

  it('keeps the modal open with the errors the app answers', async () => {
    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'archive' });
    const [open] = slack.views.list();
    viewAnswer = { response_action: 'errors', errors: { reason: 'Say why' } };
    await slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: { reason: { reason_input: 'x' } },
    });
    expect(slack.views.get(open!.view.id)).toMatchObject({ errors: { reason: 'Say why' } });
    slack.views.close(open!.view.id);
  });

  it('shows a slash command ack message as an ephemeral message to the user', async () => {
    commandAck = 'Unknown subcommand. Try `/guardduty help`.';
    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'bogus' });
    expect(slack.workspace.listEphemerals().at(-1)).toMatchObject({
      channel: CHANNEL,
      user: ALICE,
      source: 'command_ack',
      text: 'Unknown subcommand. Try `/guardduty help`.',
    });
  });

  it('refuses a trigger_id after 3 seconds and a second use of one', async () => {
    commandAck = 'ok';
    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'later' });
    const late = commands[0]!.trigger_id;
    clock.advance(3001);
    await expect(
      app.client.views.open({ trigger_id: late, view: confirmModal }),
    ).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });

    await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'twice' });
    const twice = commands[1]!.trigger_id;
    const { view } = await app.client.views.open({ trigger_id: twice, view: confirmModal });
    await expect(
      app.client.views.open({ trigger_id: twice, view: confirmModal }),
    ).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    slack.views.close(view!.id!);
  });

  it('is rejected by Bolt (401) when signed with the wrong secret or 6 minutes ago', async () => {
    const ts = await postFinding();
    const forged = await slack.clickButton({
      user: ALICE,
      messageTs: ts,
      actionId: 'archive',
      request: { signingSecret: 'not-the-secret' },
    });
    const stale = await slack.clickButton({
      user: ALICE,
      messageTs: ts,
      actionId: 'archive',
      request: { ageSeconds: 6 * 60 },
    });
    const fresh = await slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'archive' });

    expect([forged.status, stale.status, fresh.status]).toEqual([401, 401, 200]);
    expect(clicks).toHaveLength(1);
  });

  it('lets a test send raw signed requests through SlackRequestSender', async () => {
    const sender = new SlackRequestSender({ url: eventsUrl, signingSecret: SIGNING_SECRET, clock });
    const body = new URLSearchParams({ command: '/guardduty', text: 'raw' }).toString();
    expect((await sender.send(body)).status).toBe(200);
    expect((await sender.send(body, { signingSecret: 'wrong' })).status).toBe(401);
    const unsigned = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(commands.map((c) => c.text)).toEqual(['raw']);
  });
});
