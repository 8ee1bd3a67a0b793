import type { WebClient } from '@slack/web-api';
import { createSandboxPage, type SandboxPageOptions } from '../../src';
import { actions, ALICE, BOB, CHANNEL, section, startHarness, type Harness } from '../helpers';
import { openPage, type TestBrowser } from './browser';

/**
 * The page in Chromium as any Bolt app sees it: with no word from the host, then with the host's
 * info and side panel. (The product's browser tests cover the rest of the page.)
 */

async function openSandbox(
  options?: SandboxPageOptions,
): Promise<{ harness: Harness; browser: TestBrowser; close(): Promise<void> }> {
  const page = await createSandboxPage(options);
  const harness = await startHarness({ fallback: page.handle });
  await postWithButton(harness.client);
  const browser = await openPage(harness.slack.url);
  return {
    harness,
    browser,
    close: async () => {
      await browser.close();
      await harness.close();
    },
  };
}

function postWithButton(client: WebClient) {
  return client.chat.postMessage({
    channel: CHANNEL,
    text: 'Deploy?',
    blocks: [section('Deploy *v2*?'), actions('deploy', ['approve', 'v2'])],
  });
}

describe('the page with no word from the host', () => {
  let opened: Awaited<ReturnType<typeof openSandbox>>;

  beforeAll(async () => {
    opened = await openSandbox();
  });

  afterAll(() => opened.close());

  it("shows the workspace's first channel, acting as its first user, without a side panel", async () => {
    const { page } = opened.browser;
    await expect(page.title()).resolves.toBe('#security · Slack sandbox');
    await expect(page.locator('#channel-title').textContent()).resolves.toBe('# security');
    await expect(page.locator('#sandbox-note').textContent()).resolves.toBe(
      'Slack sandbox · nothing leaves this machine',
    );
    await expect(page.locator('#user-switcher').inputValue()).resolves.toBe(ALICE);
    for (const hidden of ['#side-panel', '#user-role', '#mode', '#channel-topic']) {
      await expect(page.locator(hidden).isHidden()).resolves.toBe(true);
    }
  });

  it('sends a click as the user acting, and answers a plain message with a note', async () => {
    const { page } = opened.browser;
    // The local Slack answers the page's click once the bot has answered it.
    const clicked = page.waitForResponse('**/local/click');
    await page.getByRole('button', { name: 'approve' }).click();
    expect((await clicked).status()).toBe(200);
    expect(opened.harness.bot.requests).toHaveLength(1);
    expect(opened.harness.bot.lastPayload()).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE },
      actions: [{ action_id: 'approve', value: 'v2' }],
    });

    await page.locator('#composer-input').fill('hello');
    await page.locator('#composer-input').press('Enter');
    await expect(page.locator('#messages > .notice').textContent()).resolves.toContain(
      'The sandbox sends slash commands only',
    );
    expect(opened.browser.errors).toEqual([]);
  });
});

describe("the page with the host's info and side panel", () => {
  let opened: Awaited<ReturnType<typeof openSandbox>>;

  beforeAll(async () => {
    opened = await openSandbox({
      info: () => ({
        title: 'Deploy bot',
        defaultUser: BOB,
        roles: { byUser: { [ALICE]: 'May deploy.' }, others: 'May not deploy.' },
        mode: { text: 'Staging', tone: 'safe' },
        commandHint: 'try /deploy help',
      }),
      sidePanel: () => ({
        title: 'Deploys',
        entries: [
          {
            id: '7',
            at: '2026-11-25T08:00:00.000Z',
            title: 'refused',
            tone: 'danger',
            badge: { text: 'staging', tone: 'safe' },
            lines: [{ text: '@bob · v2' }, { text: 'not a deployer', tone: 'danger' }],
          },
        ],
      }),
    });
  });

  afterAll(() => opened.close());

  it('shows them: title, the default user and their role, the mode and the panel', async () => {
    const { page } = opened.browser;
    await expect(page.title()).resolves.toBe('Deploy bot');
    await expect(page.locator('#user-switcher').inputValue()).resolves.toBe(BOB);
    await expect(page.locator('#user-role').textContent()).resolves.toBe('May not deploy.');
    await expect(page.locator('#mode').textContent()).resolves.toBe('Staging');
    const panel = page.getByRole('complementary', { name: 'Deploys' });
    await expect(panel.locator('h2').textContent()).resolves.toBe('Deploys');
    const entry = panel.locator('.audit-entry[data-entry-id="7"]');
    await expect(entry.locator('.audit-type').textContent()).resolves.toBe('refused');
    await expect(entry.locator('.badge').textContent()).resolves.toBe('staging');
    await expect(entry.locator('.audit-line').allTextContents()).resolves.toEqual([
      '@bob · v2',
      'not a deployer',
    ]);

    await page.locator('#user-switcher').selectOption(ALICE);
    await expect(page.locator('#user-role').textContent()).resolves.toBe('May deploy.');
    await page.locator('#composer-input').fill('deploy now');
    await page.locator('#composer-input').press('Enter');
    await expect(page.locator('#messages > .notice').textContent()).resolves.toContain(
      'The sandbox sends slash commands only: try /deploy help',
    );
    expect(opened.browser.errors).toEqual([]);
  });
});
