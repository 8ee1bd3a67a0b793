/**
 * Shared data types of the local Slack-compatible server (shapes follow Slack's own JSON). The
 * page's code imports them too, so this module imports nothing: the browser build stays free of
 * Node's modules.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Wall-clock time in milliseconds since the epoch; injected so tests control timestamps. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface TeamIdentity {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
}

/** The app and its bot user, as `auth.test` and message authorship report them. */
export interface BotIdentity {
  readonly userId: string;
  readonly botId: string;
  readonly appId: string;
  readonly name: string;
}

export interface LocalSlackUser {
  readonly id: string;
  readonly name: string;
  readonly real_name?: string;
  readonly tz?: string;
}

export interface LocalSlackChannel {
  readonly id: string;
  readonly name: string;
}

export interface MessageMetadata {
  readonly event_type: string;
  readonly event_payload: JsonObject;
}

/** A message as `conversations.history` returns it (metadata only when asked for). */
export interface SlackMessage {
  type: 'message';
  subtype?: string;
  ts: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  metadata?: MessageMetadata;
  thread_ts?: string;
  parent_user_id?: string | undefined;
  reply_count?: number;
  reply_users_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
}

/** A channel's stored messages (top level and replies, any order), as the sandbox saves them. */
export interface ChannelHistory {
  readonly id: string;
  readonly name: string;
  readonly messages: readonly SlackMessage[];
}

/** Where an ephemeral message came from: the bot API, a response_url POST or a command ack. */
export type EphemeralSource = 'chat.postEphemeral' | 'response_url' | 'command_ack';

export interface EphemeralMessage {
  readonly channel: string;
  readonly user: string;
  readonly message_ts: string;
  readonly source: EphemeralSource;
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  thread_ts?: string;
}

/** A modal view as Slack returns it from views.open and sends it in view_submission. */
export interface SlackView {
  id: string;
  team_id: string;
  type: string;
  title?: JsonObject;
  submit?: JsonObject;
  close?: JsonObject;
  blocks: JsonObject[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: JsonObject };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface OpenView {
  readonly user: string;
  view: SlackView;
  /** Field errors from the last `response_action: errors`, keyed by block_id. */
  errors?: Record<string, string>;
}

/** One Web API call as the server received it (token kept apart from the arguments). */
export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly at: number;
  readonly token?: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** What the observer page is told after every change of the workspace. */
export interface WorkspaceChange {
  readonly kind:
    | 'message.posted'
    | 'message.updated'
    | 'message.deleted'
    | 'ephemeral.posted'
    | 'ephemeral.replaced'
    | 'ephemeral.deleted'
    | 'view.opened'
    | 'view.updated'
    | 'view.closed';
  readonly channel?: string;
  readonly ts?: string;
  readonly user?: string;
  readonly viewId?: string;
}

/** What the bot answered to a request sent as Slack. */
export interface BotResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly elapsedMs: number;
}

/** Values a user enters in a modal: text or option values, or a full Slack state value object. */
export type ViewValuesInput = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[] | JsonObject>>>
>;

export interface ChannelSnapshot {
  readonly id: string;
  readonly name: string;
  /** Top-level messages oldest first (as a channel reads), each with its thread replies. */
  readonly messages: readonly (SlackMessage & { readonly replies: readonly SlackMessage[] })[];
}

/** Everything the sandbox page draws, as `GET /local/state` returns it. */
export interface LocalSlackSnapshot {
  readonly revision: number;
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  readonly users: readonly LocalSlackUser[];
  readonly userGroups: Readonly<Record<string, readonly string[]>>;
  readonly channels: readonly ChannelSnapshot[];
  readonly ephemerals: readonly EphemeralMessage[];
  readonly views: readonly OpenView[];
  /** The app's declared slash commands, when the server was told them (`options.commands`). */
  readonly commands?: readonly string[];
}
