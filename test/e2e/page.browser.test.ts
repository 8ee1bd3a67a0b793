import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Page } from 'playwright-core';
import type { AuditEntry } from '../../src/actions/contract';
import type { RunningDemo } from '../../src/app/demo/start';
import { openDemo, type DemoInBrowser, type TestBrowser } from './browser';

/**
 * The page's own mechanics against a small stand-in bot (registered through the demo's bot
 * wiring): confirm dialogs, message updates, ephemerals per user, modals with the inputs the
 * suppress modal uses, field errors, Cancel, the command box and the audit panel.
 */

const ALICE = 'U0ALICE';

const suppressModal = {
  type: 'modal' as const,
  callback_id: 'suppress',
  notify_on_close: true,
  title: { type: 'plain_text' as const, text: 'Suppress similar' },
  submit: { type: 'plain_text' as const, text: 'Create rule' },
  close: { type: 'plain_text' as const, text: 'Cancel' },
  blocks: [
    {
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: 'Affects *new* findings only.' },
    },
    {
      type: 'input' as const,
      block_id: 'description',
      label: { type: 'plain_text' as const, text: 'Why' },
      element: { type: 'plain_text_input' as const, action_id: 'text', multiline: true },
    },
    {
      type: 'input' as const,
      block_id: 'criteria',
      label: { type: 'plain_text' as const, text: 'Match on' },
      element: {
        type: 'static_select' as const,
        action_id: 'pick',
        options: [
          { text: { type: 'plain_text' as const, text: 'Principal' }, value: 'principal' },
          { text: { type: 'plain_text' as const, text: 'Remote IP' }, value: 'ip' },
        ],
      },
    },
    {
      type: 'input' as const,
      block_id: 'expiry',
      optional: true,
      label: { type: 'plain_text' as const, text: 'Expires' },
      element: { type: 'datepicker' as const, action_id: 'date' },
    },
    {
      type: 'input' as const,
      block_id: 'ack',
      label: { type: 'plain_text' as const, text: 'I understand' },
      element: {
        type: 'checkboxes' as const,
        action_id: 'boxes',
        options: [
          { text: { type: 'mrkdwn' as const, text: 'New findings only' }, value: 'new-only' },
        ],
      },
    },
  ],
};

const findingBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Finding* for `AKIA123456789EXAMPLE`' } },
  {
    type: 'actions',
    block_id: 'finding_actions',
    elements: [
      { type: 'button', action_id: 'archive', text: { type: 'plain_text', text: 'Archive' } },
      {
        type: 'button',
        action_id: 'disable_key',
        style: 'danger',
        text: { type: 'plain_text', text: 'Disable access key' },
        confirm: {
          title: { type: 'plain_text', text: 'Disable the key?' },
          text: { type: 'mrkdwn', text: 'Disables `AKIA123456789EXAMPLE` of *dev-alice*.' },
          confirm: { type: 'plain_text', text: 'Disable' },
          deny: { type: 'plain_text', text: 'Keep it' },
          style: 'danger',
        },
      },
      {
        type: 'button',
        action_id: 'suppress',
        text: { type: 'plain_text', text: 'Suppress similar' },
      },
    ],
  },
];

/** What the stand-in bot did, for the test to check. */
const seen = {
  disables: 0,
  submissions: [] as ViewSubmitAction['view']['state']['values'][],
  closed: 0,
  audit: [] as AuditEntry[],
};

function standInBot(app: App): void {
  app.action<BlockButtonAction>('disable_key', async ({ ack, body, client }) => {
    await ack();
    seen.disables += 1;
    seen.audit.unshift({
      chain: 'f-page',
      seq: seen.audit.length + 1,
      at: new Date().toISOString(),
      type: 'request',
      actor: { userId: body.user.id, teamId: body.user.team_id ?? '' },
      action: 'disable-key',
      findingId: 'f-1',
      target: 'AKIA123456789EXAMPLE',
      dryRun: true,
    });
    await client.chat.update({
      channel: body.channel!.id,
      ts: body.message!.ts,
      text: 'disabled',
      blocks: [
        findingBlocks[0]!,
        {
          type: 'context',
          block_id: 'finding_status',
          elements: [
            { type: 'mrkdwn', text: `Access key disabled by <@${body.user.id}> (dry run)` },
          ],
        },
      ],
    });
  });
  app.action<BlockButtonAction>('archive', async ({ ack, body, respond }) => {
    await ack();
    if (body.user.id !== ALICE) {
      await respond({ text: `<@${body.user.id}> is not a responder; nothing was archived.` });
    }
  });
  app.action<BlockButtonAction>('suppress', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: suppressModal });
  });
  app.view<ViewSubmitAction>('suppress', async ({ ack, view }) => {
    const why = view.state.values.description?.text?.value ?? '';
    if (why.includes('bad')) {
      await ack({ response_action: 'errors', errors: { description: 'Say why without "bad".' } });
      return;
    }
    seen.submissions.push(view.state.values);
    await ack();
  });
  app.view({ callback_id: 'suppress', type: 'view_closed' }, async ({ ack }) => {
    seen.closed += 1;
    await ack();
  });
  app.command('/guardduty', async ({ ack, command }) => {
    await ack(`You asked for *${command.text}*`);
  });
}

describe('the channel page', () => {
  let opened: DemoInBrowser;
  let demo: RunningDemo;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    opened = await openDemo({
      findings: () => Promise.resolve([]),
      bot: () => ({
        register: [standInBot],
        audit: { list: ({ limit }) => Promise.resolve(seen.audit.slice(0, limit)) },
      }),
    });
    ({ demo, browser, page } = opened);
    const bot = new WebClient(demo.slack.botToken, { slackApiUrl: demo.slack.apiUrl });
    await bot.chat.postMessage({ channel: demo.channel, text: 'Finding', blocks: findingBlocks });
    await page.locator('#messages > article.message').first().waitFor();
    // The first start trains the demo's model: room for a loaded 2-core machine.
  }, 120_000);

  afterAll(() => opened.close());

  const finding = () => page.locator('#messages > article.message').first();

  it('asks the confirm question before a destructive click, and sends nothing on "Keep it"', async () => {
    await finding().getByRole('button', { name: 'Disable access key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable the key?' });
    await expect(dialog.locator('.confirm-text').textContent()).resolves.toBe(
      'Disables AKIA123456789EXAMPLE of dev-alice.',
    );
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(dialog.count()).resolves.toBe(0);
    expect(seen.disables).toBe(0);

    await finding().getByRole('button', { name: 'Disable access key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    const status = finding().locator('[data-block-id="finding_status"]');
    await status.waitFor();
    await expect(status.textContent()).resolves.toBe('Access key disabled by @alice (dry run)');
    await expect(finding().locator('.edited').count()).resolves.toBe(1);
    expect(seen.disables).toBe(1);
    const entry = page.locator('#audit-entries .audit-entry');
    await entry.first().waitFor();
    await expect(entry.allTextContents()).resolves.toEqual([
      expect.stringContaining('@alice · disable-key · AKIA123456789EXAMPLE') as unknown as string,
    ]);
  });

  it("fills the suppress modal: required fields, the bot's field errors, then the values Slack sends", async () => {
    const bot = new WebClient(demo.slack.botToken, { slackApiUrl: demo.slack.apiUrl });
    const { ts } = await bot.chat.postMessage({
      channel: demo.channel,
      text: 'again',
      blocks: findingBlocks,
    });
    const message = page.locator(`article[data-ts="${ts}"]`);
    await message.getByRole('button', { name: 'Suppress similar' }).click();
    const modal = page.getByRole('form', { name: 'Suppress similar' });
    await modal.waitFor();
    await expect(modal.locator('.bk-section').textContent()).resolves.toBe(
      'Affects new findings only.',
    );

    await modal.getByRole('button', { name: 'Create rule' }).click();
    await expect(modal.locator('.input-error:visible').allTextContents()).resolves.toEqual([
      'Please complete this required field.',
      'Please complete this required field.',
      'Please complete this required field.',
    ]);
    expect(seen.submissions).toEqual([]);

    await modal.getByLabel('Why').fill('a bad reason');
    await modal.getByLabel('Match on').selectOption('ip');
    await modal.getByLabel('New findings only').check();
    await modal.getByRole('button', { name: 'Create rule' }).click();
    const error = modal.locator('[data-block-id="description"] .input-error');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-block-id="description"] .input-error')?.textContent !== '',
    );
    await expect(error.textContent()).resolves.toBe('Say why without "bad".');

    // Like Slack, the bot's error keeps what the user entered: only the text needs fixing.
    await modal.getByLabel('Why').fill('known scanner');
    await modal.getByLabel('Match on').selectOption('principal');
    await modal.getByLabel('Expires').fill('2026-12-31');
    await modal.getByRole('button', { name: 'Create rule' }).click();
    await modal.waitFor({ state: 'detached' });
    expect(seen.submissions).toEqual([
      {
        description: { text: { type: 'plain_text_input', value: 'known scanner' } },
        criteria: {
          pick: {
            type: 'static_select',
            selected_option: {
              text: { type: 'plain_text', text: 'Principal' },
              value: 'principal',
            },
          },
        },
        expiry: { date: { type: 'datepicker', selected_date: '2026-12-31' } },
        ack: {
          boxes: {
            type: 'checkboxes',
            selected_options: [
              { text: { type: 'mrkdwn', text: 'New findings only' }, value: 'new-only' },
            ],
          },
        },
      },
    ]);
  });

  it('closes a modal on Cancel and tells the bot when the modal asked', async () => {
    const message = page.locator('#messages > article.message').last();
    await message.getByRole('button', { name: 'Suppress similar' }).click();
    const modal = page.getByRole('form', { name: 'Suppress similar' });
    await modal.waitFor();
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
    expect(seen.closed).toBe(1);
    expect(demo.slack.views.list()).toEqual([]);
  });

  it('closes a modal on Escape, as Slack does', async () => {
    const message = page.locator('#messages > article.message').last();
    await message.getByRole('button', { name: 'Suppress similar' }).click();
    const modal = page.getByRole('form', { name: 'Suppress similar' });
    await modal.waitFor();
    await modal.getByLabel('Why').press('Escape');
    await modal.waitFor({ state: 'detached' });
    expect(seen.closed).toBe(2);
    expect(demo.slack.views.list()).toEqual([]);
  });

  it('answers a command the app does not declare at once, in Slack’s words', async () => {
    await page.locator('#composer-input').fill('/gd list');
    await page.locator('#composer-input').press('Enter');
    const notice = page.locator('#messages article.notice', {
      hasText: '/gd is not a valid command',
    });
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain(
      'In Slack, all messages that start with the "/" character are interpreted as commands.',
    );
    // Not a failed command: the app was never asked, so nothing timed out.
    await expect(page.locator('#messages', { hasText: 'operation_timeout' }).count()).resolves.toBe(
      0,
    );
  });

  it('jumps to the message a permalink names, and forgets ephemerals on reload', async () => {
    const bot = new WebClient(demo.slack.botToken, { slackApiUrl: demo.slack.apiUrl });
    const first = page.locator('#messages > article.message:not(.ephemeral)').first();
    const ts = (await first.getAttribute('data-ts'))!;
    const { permalink } = await bot.chat.getPermalink({ channel: demo.channel, message_ts: ts });
    await bot.chat.postEphemeral({
      channel: demo.channel,
      user: ALICE,
      text: `See <${permalink}|the finding>`,
    });
    const link = page.getByRole('link', { name: 'the finding' });
    await link.waitFor();
    await link.click();
    await page.locator(`article.jumped[data-ts="${ts}"]`).waitFor();
    expect(page.url()).not.toContain('slack.com');

    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await first.waitFor();
    await expect(page.getByRole('link', { name: 'the finding' }).count()).resolves.toBe(0);
    await expect(page.locator('#messages article.ephemeral').count()).resolves.toBe(0);
  });

  it('runs a command from the box and shows the answer only to the user who typed it', async () => {
    await page.locator('#composer-input').fill('/guardduty list --severity high');
    await page.locator('#composer-input').press('Enter');
    const answer = page.locator('#messages > .ephemeral', { hasText: 'You asked for' });
    await answer.waitFor();
    await expect(answer.locator('b').textContent()).resolves.toBe('list --severity high');
    await expect(answer.locator('.only-you').textContent()).resolves.toBe('Only visible to you');
    await expect(page.locator('#composer-input').inputValue()).resolves.toBe('');

    await page.locator('#user-switcher').selectOption('U0BOB');
    await expect(page.locator('#messages > .ephemeral').count()).resolves.toBe(0);
    await expect(page.locator('#user-role').textContent()).resolves.toBe(
      'Not a responder: the bot refuses remediation.',
    );
  });

  it("shows bob the bot's refusal, and a plain message gets a hint instead of being sent", async () => {
    const last = page.locator('#messages > article.message:not(.ephemeral)').last();
    await last.getByRole('button', { name: 'Archive' }).click();
    const refusal = page.locator('#messages > .ephemeral', { hasText: 'not a responder' });
    await refusal.waitFor();
    await expect(refusal.locator('.bk-text').textContent()).resolves.toBe(
      '@bob is not a responder; nothing was archived.',
    );

    await page.locator('#composer-input').fill('hello');
    await page.locator('#composer-input').press('Enter');
    await expect(page.locator('#messages > .notice').last().textContent()).resolves.toContain(
      'The sandbox sends slash commands only: try /guardduty help',
    );
    await page.locator('#user-switcher').selectOption('U0ALICE');
    expect(browser.errors).toEqual([]);
  });
});
