import type { WebClient } from '@slack/web-api';
import { LocalSlackUsageError, startLocalSlack, type LocalSlack } from '../src';
import {
  actions,
  ALICE,
  BOB,
  CHANNEL,
  section,
  startHarness,
  type FakeBot,
  type Harness,
} from './helpers';

const modal = (callbackId: string, blocks: Record<string, unknown>[]) => ({
  type: 'modal',
  callback_id: callbackId,
  title: { type: 'plain_text', text: 'Quarantine' },
  submit: { type: 'plain_text', text: 'Go' },
  blocks,
});

const selectBlock = {
  type: 'input',
  block_id: 'mode',
  label: { type: 'plain_text', text: 'Mode' },
  element: {
    type: 'static_select',
    action_id: 'mode_select',
    options: [
      { text: { type: 'plain_text', text: 'Isolate' }, value: 'isolate' },
      { text: { type: 'plain_text', text: 'Snapshot' }, value: 'snapshot' },
    ],
  },
};

const noteBlock = {
  type: 'input',
  block_id: 'note',
  optional: true,
  label: { type: 'plain_text', text: 'Note' },
  element: { type: 'plain_text_input', action_id: 'note_input' },
};

/** Slack's side against a bare HTTP bot: checks payload shapes and how answers are applied. */
describe('acting as Slack towards the bot', () => {
  let slack: LocalSlack;
  let bot: FakeBot;
  let client: WebClient;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
    ({ slack, bot, client } = harness);
  });

  afterEach(() => harness.close());

  /** A raw Web API call, for views and blocks built here as plain objects. */
  async function api(method: string, args: Record<string, unknown>) {
    return (await client.apiCall(method, args)) as unknown as Record<string, unknown>;
  }

  async function post(blocks: unknown[]): Promise<string> {
    return (await api('chat.postMessage', { channel: CHANNEL, text: 'x', blocks })).ts as string;
  }

  /** Opens a modal for the user through a slash command's trigger_id, as a bot would. */
  async function openModal(user: string, view: Record<string, unknown>): Promise<string> {
    await slack.runSlashCommand({ user, channel: CHANNEL, text: 'open' });
    const triggerId = bot.lastPayload().trigger_id as string;
    const opened = await api('views.open', { trigger_id: triggerId, view });
    return (opened.view as { id: string }).id;
  }

  describe('redeliverLast', () => {
    it('sends the last request again, same body, newly signed, with the retry headers', async () => {
      const ts = await post([actions('acts', ['archive', 'v1'])]);
      await slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'archive' });
      await slack.redeliverLast();
      await slack.redeliverLast({});
      const [first, retry, again] = bot.requests;
      expect(retry?.body).toBe(first?.body);
      expect(again?.body).toBe(first?.body);
      expect(retry?.headers['x-slack-retry-num']).toBe('1');
      expect(retry?.headers['x-slack-retry-reason']).toBe('http_timeout');
      expect(again?.headers['x-slack-retry-num']).toBeUndefined();
      expect(retry?.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    });

    it('refuses when nothing was sent yet', async () => {
      await expect(slack.redeliverLast()).rejects.toThrow(LocalSlackUsageError);
    });
  });

  describe('clickButton', () => {
    it('finds buttons in an attachment’s blocks, naming the attachment as Slack does', async () => {
      const { ts } = (await api('chat.postMessage', {
        channel: CHANNEL,
        text: 'x',
        blocks: [section('Header')],
        attachments: [
          { color: '#d1001f', blocks: [section('first')] },
          { color: 'good', blocks: [actions('acts', ['archive', 'v1'])] },
        ],
      })) as { ts: string };
      await slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'archive' });
      expect(bot.lastPayload()).toMatchObject({
        container: {
          type: 'message_attachment',
          message_ts: ts,
          attachment_id: 2,
          channel_id: CHANNEL,
          is_ephemeral: false,
          is_app_unfurl: false,
        },
        actions: [{ action_id: 'archive', block_id: 'acts', value: 'v1' }],
      });
    });

    it('finds buttons in section accessories and sends a tampered value when asked', async () => {
      const accessory = {
        ...section('Instance i-0abc'),
        block_id: 'instance',
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: 'Quarantine' },
          action_id: 'quarantine',
          value: 'i-0abc',
          style: 'danger',
        },
      };
      const ts = await post([accessory]);
      await slack.clickButton({
        user: ALICE,
        messageTs: ts,
        actionId: 'quarantine',
        value: 'i-0evil',
      });
      expect(bot.lastPayload()).toMatchObject({
        actions: [
          { action_id: 'quarantine', block_id: 'instance', value: 'i-0evil', style: 'danger' },
        ],
      });
    });

    it('clicks a button on an ephemeral message only for the user who sees it', async () => {
      const { message_ts } = await client.chat.postEphemeral({
        channel: CHANNEL,
        user: ALICE,
        text: 'confirm?',
        blocks: [actions('confirm', ['yes', 'f-1'])],
      });
      await slack.clickButton({ user: ALICE, ephemeral: message_ts!, actionId: 'yes' });
      const payload = bot.lastPayload();
      expect(payload.container).toEqual({
        type: 'message',
        message_ts,
        channel_id: CHANNEL,
        is_ephemeral: true,
      });
      expect(payload).not.toHaveProperty('message');

      await expect(
        slack.clickButton({ user: BOB, ephemeral: message_ts!, actionId: 'yes' }),
      ).rejects.toThrow(`ephemeral ${message_ts!} is visible only to ${ALICE}, not ${BOB}`);
    });

    it('refuses clicks on things that do not exist, sending nothing', async () => {
      const ts = await post([actions('acts', ['archive', 'f-1'])]);
      await expect(
        slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'nuke' }),
      ).rejects.toThrow(new LocalSlackUsageError('no button with action_id nuke'));
      await expect(
        slack.clickButton({ user: ALICE, messageTs: ts, actionId: 'archive', blockId: 'other' }),
      ).rejects.toThrow('no button with action_id archive in block other');
      await expect(
        slack.clickButton({ user: ALICE, messageTs: '1.000001', actionId: 'archive' }),
      ).rejects.toThrow('no message 1.000001');
      await expect(
        slack.clickButton({ user: 'U0NOBODY', messageTs: ts, actionId: 'archive' }),
      ).rejects.toThrow('unknown user U0NOBODY');
      expect(bot.requests).toEqual([]);
    });

    it('clicks a button inside a modal with a view container', async () => {
      const viewId = await openModal(
        ALICE,
        modal('q', [noteBlock, actions('modal-actions', ['preview', 'p'])]),
      );
      await slack.clickButton({ user: ALICE, viewId, actionId: 'preview' });
      expect(bot.lastPayload()).toMatchObject({
        container: { type: 'view', view_id: viewId },
        view: { id: viewId, callback_id: 'q' },
        actions: [{ action_id: 'preview', block_id: 'modal-actions' }],
      });
      expect(bot.lastPayload()).not.toHaveProperty('response_url');
    });
  });

  describe('submitView', () => {
    it('turns option values into selected_option and leaves empty optional inputs null', async () => {
      const viewId = await openModal(ALICE, modal('q', [selectBlock, noteBlock]));
      await slack.submitView({
        user: ALICE,
        viewId,
        values: { mode: { mode_select: 'snapshot' } },
      });
      expect((bot.lastPayload().view as { state: unknown }).state).toEqual({
        values: {
          mode: {
            mode_select: {
              type: 'static_select',
              selected_option: {
                text: { type: 'plain_text', text: 'Snapshot' },
                value: 'snapshot',
              },
            },
          },
          note: { note_input: { type: 'plain_text_input', value: null } },
        },
      });
    });

    it('refuses what Slack would not submit: empty required input, unknown option or input', async () => {
      const viewId = await openModal(ALICE, modal('q', [selectBlock]));
      const sent = bot.requests.length;
      await expect(slack.submitView({ user: ALICE, viewId, values: {} })).rejects.toThrow(
        'input mode/mode_select is required and was left empty',
      );
      await expect(
        slack.submitView({ user: ALICE, viewId, values: { mode: { mode_select: 'delete-all' } } }),
      ).rejects.toThrow('mode/mode_select: "delete-all" is not one of the element\'s options');
      await expect(
        slack.submitView({
          user: ALICE,
          viewId,
          values: { mode: { mode_select: 'isolate' }, typo: { x: 'y' } },
        }),
      ).rejects.toThrow('has no input typo/x (inputs: mode/mode_select)');
      await expect(slack.submitView({ user: BOB, viewId, values: {} })).rejects.toThrow(
        `view ${viewId} is not open for ${BOB}`,
      );
      expect(bot.requests.length).toBe(sent);
    });

    it('applies response_action update, push and clear', async () => {
      const viewId = await openModal(ALICE, modal('q', [noteBlock]));
      const updated = modal('q2', [section('Updated')]);
      bot.answerWith(() => ({
        body: JSON.stringify({ response_action: 'update', view: updated }),
      }));
      await slack.submitView({ user: ALICE, viewId });
      expect(slack.views.get(viewId)?.view).toMatchObject({ id: viewId, callback_id: 'q2' });

      const pushed = modal('q3', [section('Pushed')]);
      bot.answerWith(() => ({ body: JSON.stringify({ response_action: 'push', view: pushed }) }));
      await slack.submitView({ user: ALICE, viewId });
      const top = slack.views.topOf(ALICE)!.view;
      expect(top).toMatchObject({
        callback_id: 'q3',
        previous_view_id: viewId,
        root_view_id: viewId,
      });
      await expect(slack.submitView({ user: ALICE, viewId })).rejects.toThrow(
        `view ${viewId} is under another modal; submit the top one`,
      );

      bot.answerWith(() => ({ body: JSON.stringify({ response_action: 'clear' }) }));
      await slack.submitView({ user: ALICE, viewId: top.id });
      expect(slack.views.list()).toEqual([]);
    });

    it('leaves the modal as it was when the bot fails or answers a view Slack would refuse', async () => {
      const viewId = await openModal(ALICE, modal('q', [noteBlock]));
      bot.answerWith(() => ({ status: 500, body: 'boom' }));
      const response = await slack.submitView({ user: ALICE, viewId });
      expect(response).toMatchObject({ status: 500, body: 'boom' });
      const before = structuredClone(slack.views.get(viewId));
      expect(before).toBeDefined();

      const unrenderable = {
        ...modal('q2', [noteBlock]),
        title: { type: 'plain_text', text: 'x'.repeat(25) },
      };
      bot.answerWith(() => ({
        body: JSON.stringify({ response_action: 'update', view: unrenderable }),
      }));
      await slack.submitView({ user: ALICE, viewId });
      expect(slack.views.get(viewId)).toEqual(before);
    });
  });

  describe('views API', () => {
    it('updates by view_id or external_id and refuses a stale hash', async () => {
      const viewId = await openModal(ALICE, {
        ...modal('q', [noteBlock]),
        external_id: 'finding-f-1',
      });
      const { hash } = slack.views.get(viewId)!.view;
      const byExternal = await api('views.update', {
        external_id: 'finding-f-1',
        hash,
        view: modal('q', [section('Working…')]),
      });
      expect(byExternal.view).toMatchObject({
        id: viewId,
        blocks: [section('Working…')],
      });
      await expect(
        client.apiCall('views.update', {
          view_id: viewId,
          hash,
          view: modal('q', [section('stale')]),
        }),
      ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
      await expect(
        client.apiCall('views.update', { view_id: 'V404', view: modal('q', [section('x')]) }),
      ).rejects.toMatchObject({ data: { error: 'not_found' } });
    });

    it('refuses a modal Slack would refuse, without spending the trigger_id', async () => {
      await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'open' });
      const triggerId = bot.lastPayload().trigger_id as string;
      const noSubmit = { ...modal('q', [noteBlock]), submit: undefined };
      await expect(
        client.apiCall('views.open', { trigger_id: triggerId, view: noSubmit }),
      ).rejects.toMatchObject({
        data: {
          error: 'invalid_arguments',
          response_metadata: {
            messages: [
              '[ERROR] a modal with input blocks needs a submit button [json-pointer:/view/submit]',
            ],
          },
        },
      });
      const opened = await client.apiCall('views.open', {
        trigger_id: triggerId,
        view: modal('q', [noteBlock]),
      });
      expect(opened.ok).toBe(true);
    });

    it('stacks at most three modals', async () => {
      const root = await openModal(ALICE, modal('q', [noteBlock]));
      for (let depth = 2; depth <= 4; depth += 1) {
        await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'push' });
        const push = client.apiCall('views.push', {
          trigger_id: bot.lastPayload().trigger_id as string,
          view: modal(`level-${depth}`, [noteBlock]),
        });
        if (depth <= 3) await expect(push).resolves.toMatchObject({ ok: true });
        else await expect(push).rejects.toMatchObject({ data: { error: 'push_limit_reached' } });
      }
      expect(slack.views.list().map((open) => open.view.callback_id)).toEqual([
        'q',
        'level-2',
        'level-3',
      ]);
      slack.views.close(root);
      expect(slack.views.list()).toEqual([]);
    });
  });

  describe('runSlashCommand', () => {
    it('sends a fresh response_url and trigger_id each time, and refuses unknown channels', async () => {
      await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'one' });
      const first = bot.lastPayload();
      await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'two', command: '/gd' });
      const second = bot.lastPayload();
      expect(second).toMatchObject({ command: '/gd', text: 'two' });
      expect(second.response_url).not.toBe(first.response_url);
      expect(second.trigger_id).not.toBe(first.trigger_id);
      await expect(
        slack.runSlashCommand({ user: ALICE, channel: 'C0NOPE', text: 'x' }),
      ).rejects.toThrow(new LocalSlackUsageError('unknown channel C0NOPE'));
    });

    it('shows a JSON ack with response_type in_channel as a channel message', async () => {
      bot.answerWith(() => ({
        body: JSON.stringify({
          response_type: 'in_channel',
          text: 'Listing 3 findings',
          blocks: [section('3')],
        }),
      }));
      await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'list' });
      expect(slack.workspace.history(CHANNEL)[0]).toMatchObject({
        text: 'Listing 3 findings',
        blocks: [section('3')],
      });
      expect(slack.workspace.listEphemerals()).toEqual([]);
    });
  });

  it('answers a command the app does not declare at once, as Slack does, without asking the app', async () => {
    const declared = await startHarness({ commands: ['/guardduty'] });
    try {
      await expect(
        declared.slack.runSlashCommand({ user: ALICE, channel: CHANNEL, command: '/gd' }),
      ).rejects.toThrow(
        new LocalSlackUsageError(
          '/gd is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands. If you are trying to send a message that starts with a "/" character, try adding a space before it.',
        ),
      );
      expect(declared.bot.requests).toHaveLength(0);
      await declared.slack.runSlashCommand({
        user: ALICE,
        channel: CHANNEL,
        command: '/guardduty',
      });
      expect(declared.bot.requests).toHaveLength(1);
    } finally {
      await declared.close();
    }
  });

  it('fails clearly when no eventsUrl is set', async () => {
    const bare = await startLocalSlack();
    try {
      await expect(bare.runSlashCommand({ user: 'U0ANY', channel: 'C0ANY' })).rejects.toThrow(
        'no eventsUrl: start the bot, then call setEventsUrl(url)',
      );
    } finally {
      await bare.close();
    }
  });
});
