import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import type { Page } from 'playwright-core';
import { DEMO_WIRING } from '../../src/app/demo/listeners';
import { loadSampleFindings } from '../../src/app/demo/samples';
import type { RunningDemo } from '../../src/app/demo/start';
import { openDemo, type DemoInBrowser, type TestBrowser } from './browser';

/**
 * The newcomer's first run, in a real browser: Debian's Chromium driven by playwright-core
 * against the demo started in this process (port 0, a fresh data folder).
 */

const SCREENSHOT = join(__dirname, '..', '..', 'test-output', 'demo.png');
const READINGS_SCREENSHOT = join(__dirname, '..', '..', 'test-output', 'ipinsights-readings.png');
/** The three levels a reading can have, as the Remote IP field shows them (bold). */
const LEVELS = ['Usual', 'Rare', 'Never seen from this network'] as const;
/** The measured height of typical finding messages, kept beside the screenshot. */
const HEIGHTS = join(__dirname, '..', '..', 'test-output', 'message-heights.json');
const DEV_ALICE_TITLE = 'dev-alice is performing API requests';

describe('the demo in a browser', () => {
  let opened: DemoInBrowser;
  let demo: RunningDemo;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    // The demo's own samples: the Critical one and the hostile one among them.
    opened = await openDemo({ findings: loadSampleFindings });
    ({ demo, browser, page } = opened);
    // The first start trains the demo's model: room for a loaded 2-core machine.
  }, 120_000);

  afterAll(() => opened.close());

  /** A finding's message in the channel (not an ephemeral answer that mentions it). */
  const findingMessage = (text: string) =>
    page.locator('#messages > article.message:not(.ephemeral)', { hasText: text });

  it('shows each finding compact: severity and title, where, the remote IP and its level, buttons', async () => {
    const messages = page.locator('#messages > article.message');
    const posted = demo.samples.filter((s) => s.outcome.kind === 'posted').length;
    // Each posted finding, and today's digest (its replies are in its thread).
    await expect(messages.count()).resolves.toBe(posted + 1);
    await expect(
      page.locator('#messages > article.message', { hasText: 'GuardDuty digest' }).count(),
    ).resolves.toBe(1);
    const devAlice = findingMessage(DEV_ALICE_TITLE);
    await expect(devAlice.locator('.bk-header').textContent()).resolves.toBe(
      'Medium 5.0 · The user dev-alice is performing API requests that are unusual for this user.',
    );
    const summary = devAlice.locator('.attachment .bk-section');
    await expect(summary.textContent()).resolves.toMatch(
      /^IAMUser dev-alice · key AKIA123456789EXAMPLE · security-tooling · us-east-2From 203\.0\.113\.77 \(Sao Paulo, Brazil\) — .*Never seen from this network/,
    );
    await expect(devAlice.getByRole('button').allTextContents()).resolves.toEqual([
      'Archive',
      'Suppress…',
      'Disable key',
      'Threat list',
      'Trust IP…',
      'Page on-call',
      'Details',
    ]);
    // The severity's colour on the bar beside the body: a cue that needs no emoji font.
    await expect(
      devAlice.locator('.attachment').evaluate((node) => getComputedStyle(node).borderLeftColor),
    ).resolves.toBe('rgb(224, 168, 0)');
    await expect(page.locator('#mode').textContent()).resolves.toBe(
      'Dry run: AWS calls are planned and audited, not made.',
    );
  });

  it('fits a typical finding in 220 px, buttons included', async () => {
    const heights: Record<string, number> = {};
    for (const title of [
      DEV_ALICE_TITLE,
      'Credentials for instance role ec2-app used from external IP address',
      'is communicating with a Bitcoin mining pool',
    ]) {
      await findingMessage(title).waitFor();
      // Measured in one step: the page redraws the channel on every change.
      heights[title] = await page.evaluate((text) => {
        const found = [...document.querySelectorAll('#messages > article.message')].find(
          (node) => !node.classList.contains('ephemeral') && node.textContent.includes(text),
        );
        return found === undefined ? Infinity : Math.round(found.getBoundingClientRect().height);
      }, title);
    }
    await mkdir(join(HEIGHTS, '..'), { recursive: true });
    await writeFile(HEIGHTS, `${JSON.stringify(heights, null, 2)}\n`);
    for (const height of Object.values(heights)) expect(height).toBeLessThanOrEqual(220);
  });

  it('puts the description, the details and the full IP Insights reading in the thread on Details', async () => {
    const devAlice = findingMessage(DEV_ALICE_TITLE);
    await devAlice.getByRole('button', { name: 'Details' }).click();
    const toggle = devAlice.locator('.thread-toggle');
    await toggle.waitFor();
    await toggle.click();
    const reply = devAlice.locator('.thread article.message').first();
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain(
      'APIs commonly used in discovery tactics were invoked by user IAMUser : dev-alice under unusual circumstances.',
    );
    await expect(reply.textContent()).resolves.toMatch(
      /IP Insights for AIDA123456789EXAMPLE from 203\.0\.113\.77: Never seen from this network: more unusual than/,
    );
    await toggle.click();
  });

  it('shows hostile finding text as text, never as markup or formatting', async () => {
    const hostile = findingMessage('Hostile <img');
    // The whole description is in the thread.
    await hostile.getByRole('button', { name: 'Details' }).click();
    await hostile.locator('.thread-toggle').click();
    await hostile.locator('.thread article.message').waitFor();
    // Underscores that could start italics read as look-alikes; the rest is as the finding has it.
    await expect(hostile.locator('.bk-header').textContent()).resolves.toContain(
      'Hostile <img src=x onerror="window[.]ˍˍpwned=2"> title',
    );
    await expect(hostile.textContent()).resolves.toContain('<script>window[.]ˍˍpwned=3</script>');
    await expect(hostile.textContent()).resolves.toContain(
      '<img src=x onerror="window.__pwned=1">',
    );
    await expect(hostile.textContent()).resolves.toContain('<!channel>');
    // *bold*, ~strike~, `code` and :emoji: from the finding stay text: only our labels format.
    await expect(hostile.textContent()).resolves.toContain(
      '∗ARCHIVED∗ ∼open∼ ‵fixed‵ ꞉white_check_mark꞉',
    );
    await expect(hostile.locator('.attachment .bk-section s').count()).resolves.toBe(0);
    await expect(page.locator('#messages img, #messages script').count()).resolves.toBe(0);
    await expect(page.locator('#messages a[href*="evil.example"]').count()).resolves.toBe(0);
    await expect(page.locator('#messages .broadcast').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBe(
      undefined,
    );
  });

  it('renders mrkdwn from the bot without becoming an injection sink', async () => {
    const bot = new WebClient(demo.slack.botToken, { slackApiUrl: demo.slack.apiUrl });
    await bot.chat.postMessage({
      channel: demo.channel,
      text: 'crafted',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*Plan* for <@U0ALICE>: &lt;img src=x onerror=window.__pwned=4&gt; <javascript:window.__pwned=5|click here> <https://example.com/plan?a=1&amp;b=2|the plan>',
          },
        },
      ],
    });
    const crafted = page.locator('article.message', { hasText: 'click here' });
    await crafted.waitFor();
    await expect(crafted.locator('.bk-text').textContent()).resolves.toBe(
      'Plan for @alice: <img src=x onerror=window.__pwned=4> click here the plan',
    );
    await expect(crafted.locator('b').textContent()).resolves.toBe('Plan');
    await expect(crafted.locator('a').count()).resolves.toBe(1);
    await expect(crafted.locator('a').getAttribute('href')).resolves.toBe(
      'https://example.com/plan?a=1&b=2',
    );
    await expect(crafted.locator('img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBe(
      undefined,
    );
  });

  (DEMO_WIRING.remediation ? it : it.skip)(
    'disables the access key after the confirm dialog: the message and the audit log update',
    async () => {
      const devAlice = findingMessage(DEV_ALICE_TITLE);
      await devAlice.getByRole('button', { name: 'Disable key' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.textContent()).resolves.toContain('AKIA123456789EXAMPLE');
      await dialog.locator('[data-choice="confirm"]').click();

      const status = devAlice.locator('[data-block-id="finding_status"]');
      await status.waitFor();
      await expect(status.textContent()).resolves.toContain('@alice');
      const entry = page.locator('#audit-entries .audit-entry', { hasText: 'disable-key' }).first();
      await entry.waitFor();
      await expect(entry.textContent()).resolves.toContain('AKIA123456789EXAMPLE');
      await expect(entry.locator('.badge').textContent()).resolves.toBe('dry run');
    },
  );

  (DEMO_WIRING.remediation ? it : it.skip)(
    'refuses bob, who is not a responder, in a message only he sees',
    async () => {
      await page.locator('#user-switcher').selectOption({ label: 'Bob (read-only) (@bob)' });
      const devAlice = findingMessage(DEV_ALICE_TITLE);
      const before = await page.locator('#messages > .ephemeral').count();
      await devAlice.getByRole('button', { name: 'Archive' }).click();
      const confirm = page.getByRole('dialog').locator('[data-choice="confirm"]');
      if ((await confirm.count()) > 0) await confirm.click();
      await page.locator('#messages > .ephemeral').nth(before).waitFor();
      await expect(page.locator('#messages > .ephemeral').last().textContent()).resolves.toMatch(
        /responder/i,
      );
      await page.locator('#user-switcher').selectOption({ label: 'Alice (on call) (@alice)' });
    },
  );

  (DEMO_WIRING.commands ? it : it.skip)(
    'runs /guardduty list from the message box and shows the answer to alice only',
    async () => {
      const answers = page.locator('#messages > .ephemeral:not(.notice)');
      const before = await answers.count();
      await page.locator('#composer-input').fill('/guardduty list');
      await page.locator('#composer-input').press('Enter');
      await answers.nth(before).waitFor();
      await expect(answers.nth(before).textContent()).resolves.toContain(
        'The user dev-alice is performing API requests that are unusual for this user.',
      );
      await expect(page.locator('#composer-input').inputValue()).resolves.toBe('');
    },
  );

  it('shows all three IP Insights readings next to the remote IP, and keeps a screenshot of them', async () => {
    const withLevel = (label: string) =>
      page.locator('#messages > article.message:not(.ephemeral)', {
        has: page.locator('b', { hasText: new RegExp(`^${label}$`) }),
      });
    for (const label of LEVELS) {
      await expect(withLevel(label).count()).resolves.toBeGreaterThan(0);
    }
    // The message shows the level; Details puts the reading in full in its thread.
    const details = async (message: ReturnType<typeof withLevel>) => {
      await message.getByRole('button', { name: 'Details' }).click();
      const toggle = message.locator('.thread-toggle');
      await toggle.waitFor();
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      const reply = message.locator('.thread article.message').last();
      await reply.waitFor();
      return reply.textContent();
    };
    // GuardDuty's sample instance, trained from flow logs, from a network it seldom sees.
    const rare = withLevel('Rare').filter({ hasText: 'i-99999999' }).first();
    await expect(details(rare)).resolves.toMatch(
      /Rare: more unusual than (all|9\d(\.\d)?%) of this instance's own history .*; seen [\d,]+ times from 198\.51\.0\.0\/16 in training/,
    );
    const usual = withLevel('Usual').filter({ hasText: 'GeneratedFindingUserName' }).first();
    await expect(details(usual)).resolves.toMatch(/seen [\d,]+ times from 198\.51\.0\.0\/16/);
    const never = withLevel('Never seen from this network').filter({
      hasText: 'i-0fedc9876ba543210',
    });
    await expect(details(never.first())).resolves.toContain('never seen from 198.18.0.0/16');
    // One message of each level alone on the page, for the picture; then the channel as it was.
    const shown = [usual, rare, never.first()];
    const ids = await Promise.all(shown.map((m) => m.getAttribute('data-ts')));
    await page.evaluate(
      (keep) => {
        for (const article of document.querySelectorAll<HTMLElement>('#messages > article')) {
          if (!keep.includes(article.dataset.ts ?? '')) article.style.display = 'none';
        }
      },
      ids.map((id) => id ?? ''),
    );
    await mkdir(join(READINGS_SCREENSHOT, '..'), { recursive: true });
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: viewport?.width ?? 1440, height: 1900 });
    await page.evaluate(() => document.querySelector('#messages')?.scrollTo(0, 0));
    await page.screenshot({ path: READINGS_SCREENSHOT });
    if (viewport !== null) await page.setViewportSize(viewport);
    await page.evaluate(() => {
      for (const article of document.querySelectorAll<HTMLElement>('#messages > article')) {
        article.style.display = '';
      }
    });
    expect(existsSync(READINGS_SCREENSHOT)).toBe(true);
  });

  it('takes a screenshot into the test output, with no error on the page', async () => {
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await findingMessage(DEV_ALICE_TITLE).scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(browser.errors).toEqual([]);
  });
});
