/** A local Slack-compatible server for tests and the sandbox; see server.ts and observer.ts. */
export * from './server';
export * from './signing';
export * from './types';
export * from './errors';
export type { Fault, FaultOptions } from './faults';
export type { ClickButtonInput, SubmitViewInput, SlashCommandRunInput } from './acting';
export type { LocalSlackSnapshot, ChannelSnapshot } from './snapshot';
export type { BlockActionsPayload, ViewSubmissionPayload, ViewValuesInput } from './interactions';
export { BLOCK_LIMITS } from './block-kit';
