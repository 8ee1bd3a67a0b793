/**
 * The Slack sandbox: a local Slack-compatible server for end-to-end tests of Bolt apps, and a page
 * that looks like a Slack channel for trying them by hand.
 *
 *   const slack = await startLocalSlack({ channels: [{ id: 'C0GENERAL', name: 'general' }] });
 *   const app = new App({ token: slack.botToken, signingSecret: slack.signingSecret,
 *                         clientOptions: { slackApiUrl: slack.apiUrl } });
 *   slack.setEventsUrl(`http://127.0.0.1:${port}/slack/events`);
 *   await slack.clickButton({ user: 'U0ALICE', messageTs, actionId: 'archive' });
 *   expect(slack.callsTo('chat.update')).toHaveLength(1);
 *   await slack.close();
 *
 * The page's JSON API is documented in observer.ts and page.ts; README.md has the whole tour.
 */
export * from './server';
export * from './signing';
export * from './types';
export * from './errors';
export type { RateLimitOptions } from './rateLimit';
export * from './pageTypes';
export {
  createSandboxPage,
  PAGE_HEADERS,
  type JsonAnswer,
  type JsonRoute,
  type SandboxPage,
  type SandboxPageOptions,
} from './page';
export type { Fault, FaultOptions } from './faults';
export type {
  ClickButtonInput,
  CloseViewInput,
  SubmitViewInput,
  SlashCommandRunInput,
} from './acting';
export type { BlockActionsPayload, ViewClosedPayload, ViewSubmissionPayload } from './interactions';
export type { Workspace } from './workspace';
export type { ViewRegistry } from './views';
export { BLOCK_LIMITS } from './blockKit';
