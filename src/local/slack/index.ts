/**
 * A local Slack-compatible server for end-to-end tests and the sandbox.
 *
 *   const slack = await startLocalSlack({ signingSecret, botToken, channels: ['C0SECURITY'] });
 *   const app = new App({ token: slack.botToken, signingSecret: slack.signingSecret,
 *                         clientOptions: { slackApiUrl: slack.apiUrl } });
 *   slack.setEventsUrl(`http://127.0.0.1:${port}/slack/events`);
 *   await slack.clickButton({ user: 'U0ALICE', messageTs, actionId: 'archive' });
 *   expect(slack.callsTo('chat.update')).toHaveLength(1);
 *   await slack.close();
 *
 * The observer API for the sandbox page is documented in observer.ts.
 */
export * from './server';
export * from './signing';
export * from './types';
export * from './errors';
export type { Fault, FaultOptions } from './faults';
export type {
  ClickButtonInput,
  CloseViewInput,
  SubmitViewInput,
  SlashCommandRunInput,
} from './acting';
export type { LocalSlackSnapshot, ChannelSnapshot } from './snapshot';
export type {
  BlockActionsPayload,
  ViewClosedPayload,
  ViewSubmissionPayload,
  ViewValuesInput,
} from './interactions';
export type { Workspace } from './workspace';
export type { ViewRegistry } from './views';
export { BLOCK_LIMITS } from './block-kit';
