import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { silentLog } from '../../src/shared/log';
import { startDemo, type DemoOptions, type RunningDemo } from '../../src/app/demo/start';

/**
 * Debian's Chromium, which scripts/ensure-chromium.sh installs when missing (`npm test` and
 * `.ci/run` run it); CHROMIUM_PATH points elsewhere, e.g. on a laptop without Debian's package.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  readonly page: Page;
  /** Uncaught page errors and console errors (a CSP violation shows up here too). */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, opened on `url` once the page says it is ready. */
export async function openPage(url: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run scripts/ensure-chromium.sh, or set CHROMIUM_PATH to a Chromium`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return {
    page,
    errors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface DemoInBrowser {
  readonly demo: RunningDemo;
  readonly browser: TestBrowser;
  readonly page: Page;
  close(): Promise<void>;
}

/** The demo started in this process (port 0, a fresh data folder, dry run), open in Chromium. */
export async function openDemo(
  options: Pick<DemoOptions, 'findings' | 'bot'> = {},
): Promise<DemoInBrowser> {
  const dataDir = await mkdtemp(join(tmpdir(), 'demo-browser-'));
  const demo = await startDemo({ dataDir, port: 0, live: false, log: silentLog, ...options });
  const browser = await openPage(demo.url);
  return {
    demo,
    browser,
    page: browser.page,
    close: async () => {
      await browser.close();
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
