import type { ChangeFeed } from './changes';
import { LocalSlackUsageError, SlackApiError } from './errors';
import { compareTs, SlackTsGenerator } from './timestamps';
import type {
  BotIdentity,
  ChannelHistory,
  Clock,
  EphemeralMessage,
  EphemeralSource,
  JsonObject,
  LocalSlackChannel,
  LocalSlackUser,
  MessageMetadata,
  SlackMessage,
  TeamIdentity,
} from './types';

export interface WorkspaceOptions {
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  readonly clock: Clock;
  readonly feed: ChangeFeed;
  /** When given, other channel ids are `channel_not_found`; otherwise channels appear on use. */
  readonly channels?: readonly LocalSlackChannel[];
  readonly users?: readonly LocalSlackUser[];
  readonly userGroups?: Readonly<Record<string, readonly string[]>>;
  /** Messages to start with (a saved history); later timestamps are newer than all of them. */
  readonly history?: readonly ChannelHistory[];
}

export interface MessageContent {
  readonly text: string;
  readonly blocks?: JsonObject[];
  readonly attachments?: JsonObject[];
  readonly metadata?: MessageMetadata;
}

export interface NewMessage extends MessageContent {
  readonly thread_ts?: string;
  readonly reply_broadcast?: boolean;
}

/** What chat.update changes; an absent field keeps its value, `null` metadata removes it. */
export interface MessageChanges {
  readonly text?: string;
  readonly blocks?: JsonObject[];
  readonly attachments?: JsonObject[];
  readonly metadata?: MessageMetadata | null;
}

export interface ChannelState {
  readonly id: string;
  readonly name: string;
  readonly messages: Map<string, SlackMessage>;
}

export interface NewEphemeral extends MessageContent {
  readonly channel: string;
  readonly user: string;
  readonly source: EphemeralSource;
  readonly thread_ts?: string;
}

/** The channels, messages, threads and ephemeral messages of the fake workspace. */
export class Workspace {
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  private readonly channels = new Map<string, ChannelState>();
  private readonly ephemerals = new Map<string, EphemeralMessage>();
  private readonly users: ReadonlyMap<string, LocalSlackUser>;
  private readonly userGroups: Readonly<Record<string, readonly string[]>>;
  private readonly restrictChannels: boolean;
  private readonly ts: SlackTsGenerator;
  private readonly feed: ChangeFeed;

  constructor(options: WorkspaceOptions) {
    this.team = options.team;
    this.bot = options.bot;
    this.feed = options.feed;
    this.ts = new SlackTsGenerator(options.clock);
    this.users = new Map((options.users ?? []).map((user) => [user.id, user]));
    this.userGroups = options.userGroups ?? {};
    this.restrictChannels = options.channels !== undefined;
    for (const channel of options.channels ?? []) {
      this.channels.set(channel.id, { ...channel, messages: new Map() });
    }
    for (const saved of options.history ?? []) this.restore(saved);
  }

  /** Every channel's messages, deep-copied, for saving; `history` restores them. */
  exportHistory(): ChannelHistory[] {
    return structuredClone(
      this.listChannels().map((c) => ({
        id: c.id,
        name: c.name,
        messages: [...c.messages.values()],
      })),
    );
  }

  /** A fresh message timestamp (also used for action_ts and ephemeral message_ts). */
  nextTs(): string {
    return this.ts.next();
  }

  channel(id: string): ChannelState {
    const known = this.channels.get(id);
    if (known !== undefined) return known;
    if (this.restrictChannels) throw new SlackApiError('channel_not_found');
    const created: ChannelState = { id, name: id.toLowerCase(), messages: new Map() };
    this.channels.set(id, created);
    return created;
  }

  listChannels(): readonly ChannelState[] {
    return [...this.channels.values()];
  }

  postMessage(channelId: string, message: NewMessage): SlackMessage {
    const channel = this.channel(channelId);
    const parent =
      message.thread_ts === undefined ? undefined : this.threadParent(channel, message.thread_ts);
    const ts = this.nextTs();
    const stored: SlackMessage = {
      type: 'message',
      ts,
      user: this.bot.userId,
      bot_id: this.bot.botId,
      app_id: this.bot.appId,
      team: this.team.id,
      ...withContent(message),
    };
    if (parent !== undefined) {
      stored.thread_ts = parent.ts;
      stored.parent_user_id = parent.user;
      if (message.reply_broadcast === true) stored.subtype = 'thread_broadcast';
      recordReply(parent, stored);
    }
    channel.messages.set(ts, stored);
    this.feed.emit({ kind: 'message.posted', channel: channel.id, ts });
    return stored;
  }

  getMessage(channelId: string, ts: string): SlackMessage | undefined {
    return this.channels.get(channelId)?.messages.get(ts);
  }

  /** Finds a message by ts, in one channel or in any. */
  locateMessage(
    ts: string,
    channelId?: string,
  ): { channel: ChannelState; message: SlackMessage } | undefined {
    const candidates =
      channelId === undefined ? [...this.channels.values()] : [this.channels.get(channelId)];
    for (const channel of candidates) {
      const message = channel?.messages.get(ts);
      if (channel !== undefined && message !== undefined) return { channel, message };
    }
    return undefined;
  }

  /** chat.update; a response_url `replace_original` passes markEdited=false (no "edited"). */
  updateMessage(
    channelId: string,
    ts: string,
    changes: MessageChanges,
    markEdited = true,
  ): SlackMessage {
    const message = this.channel(channelId).messages.get(ts);
    if (message === undefined) throw new SlackApiError('message_not_found');
    if (message.bot_id !== this.bot.botId) throw new SlackApiError('cant_update_message');
    if (changes.text !== undefined) message.text = changes.text;
    // An empty array is Slack's way to remove blocks or attachments.
    if (changes.blocks !== undefined) setOrDelete(message, 'blocks', changes.blocks);
    if (changes.attachments !== undefined) setOrDelete(message, 'attachments', changes.attachments);
    if (changes.metadata === null) delete message.metadata;
    else if (changes.metadata !== undefined) message.metadata = changes.metadata;
    if (markEdited) message.edited = { user: this.bot.userId, ts: this.nextTs() };
    this.feed.emit({ kind: 'message.updated', channel: channelId, ts });
    return message;
  }

  /** Deletes a message; a parent with replies stays as Slack's "This message was deleted." */
  deleteMessage(channelId: string, ts: string): void {
    const channel = this.channel(channelId);
    const message = channel.messages.get(ts);
    if (message === undefined) throw new SlackApiError('message_not_found');
    if ((message.reply_count ?? 0) > 0) {
      message.subtype = 'tombstone';
      message.text = 'This message was deleted.';
      delete message.blocks;
      delete message.attachments;
      delete message.metadata;
    } else {
      channel.messages.delete(ts);
      const parent =
        message.thread_ts === undefined ? undefined : channel.messages.get(message.thread_ts);
      if (parent !== undefined && parent !== message) forgetReply(channel, parent, ts);
    }
    this.feed.emit({ kind: 'message.deleted', channel: channelId, ts });
  }

  /** Channel history, newest first: top-level messages and replies broadcast to the channel. */
  history(channelId: string): SlackMessage[] {
    return [...this.channel(channelId).messages.values()]
      .filter(
        (m) =>
          m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast',
      )
      .sort((a, b) => compareTs(b.ts, a.ts));
  }

  /** A thread, parent first, from the ts of its parent or of any reply. */
  thread(channelId: string, ts: string): SlackMessage[] {
    const channel = this.channel(channelId);
    const message = channel.messages.get(ts);
    if (message === undefined) throw new SlackApiError('thread_not_found');
    const parentTs = message.thread_ts ?? message.ts;
    return [...channel.messages.values()]
      .filter((m) => m.ts === parentTs || m.thread_ts === parentTs)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  postEphemeral(ephemeral: NewEphemeral): EphemeralMessage {
    this.channel(ephemeral.channel);
    const stored: EphemeralMessage = {
      channel: ephemeral.channel,
      user: ephemeral.user,
      source: ephemeral.source,
      message_ts: this.nextTs(),
      ...withContent(ephemeral),
      ...(ephemeral.thread_ts === undefined ? {} : { thread_ts: ephemeral.thread_ts }),
    };
    this.ephemerals.set(stored.message_ts, stored);
    this.feed.emit({
      kind: 'ephemeral.posted',
      channel: stored.channel,
      ts: stored.message_ts,
      user: stored.user,
    });
    return stored;
  }

  getEphemeral(messageTs: string): EphemeralMessage | undefined {
    return this.ephemerals.get(messageTs);
  }

  listEphemerals(): readonly EphemeralMessage[] {
    return [...this.ephemerals.values()];
  }

  replaceEphemeral(messageTs: string, content: MessageContent): EphemeralMessage {
    const ephemeral = this.ephemerals.get(messageTs);
    if (ephemeral === undefined) throw new SlackApiError('message_not_found');
    ephemeral.text = content.text;
    if (content.blocks === undefined) delete ephemeral.blocks;
    else ephemeral.blocks = content.blocks;
    if (content.attachments === undefined) delete ephemeral.attachments;
    else ephemeral.attachments = content.attachments;
    this.feed.emit({
      kind: 'ephemeral.replaced',
      channel: ephemeral.channel,
      ts: messageTs,
      user: ephemeral.user,
    });
    return ephemeral;
  }

  deleteEphemeral(messageTs: string): void {
    const ephemeral = this.ephemerals.get(messageTs);
    if (ephemeral === undefined) throw new SlackApiError('message_not_found');
    this.ephemerals.delete(messageTs);
    this.feed.emit({
      kind: 'ephemeral.deleted',
      channel: ephemeral.channel,
      ts: messageTs,
      user: ephemeral.user,
    });
  }

  /** A configured user; with no users configured every id is a user named after itself. */
  user(id: string): LocalSlackUser | undefined {
    if (this.users.size === 0) return /^[UW][A-Z0-9]+$/.test(id) ? { id, name: id } : undefined;
    return this.users.get(id);
  }

  listUsers(): readonly LocalSlackUser[] {
    return [...this.users.values()];
  }

  groupMembers(groupId: string): readonly string[] {
    const members = this.userGroups[groupId];
    if (members === undefined) throw new SlackApiError('no_such_subteam');
    return members;
  }

  listUserGroups(): Readonly<Record<string, readonly string[]>> {
    return this.userGroups;
  }

  private restore(saved: ChannelHistory): void {
    if (this.restrictChannels && !this.channels.has(saved.id)) {
      throw new LocalSlackUsageError(`history names channel ${saved.id}, which is not configured`);
    }
    const channel = this.channel(saved.id);
    for (const message of structuredClone(saved.messages)) {
      channel.messages.set(message.ts, message);
      this.ts.observe(message.ts);
      if (message.edited !== undefined) this.ts.observe(message.edited.ts);
    }
  }

  private threadParent(channel: ChannelState, threadTs: string): SlackMessage {
    const target = channel.messages.get(threadTs);
    if (target === undefined) throw new SlackApiError('thread_not_found');
    // A reply to a reply joins the parent's thread, as in Slack.
    const parentTs = target.thread_ts ?? target.ts;
    return channel.messages.get(parentTs) ?? target;
  }
}

function withContent(
  content: MessageContent,
): Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'metadata'> {
  return {
    text: content.text,
    ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
    ...(content.attachments === undefined ? {} : { attachments: content.attachments }),
    ...(content.metadata === undefined ? {} : { metadata: content.metadata }),
  };
}

function setOrDelete(
  message: SlackMessage,
  field: 'blocks' | 'attachments',
  value: JsonObject[],
): void {
  if (value.length > 0) message[field] = value;
  else if (field === 'blocks') delete message.blocks;
  else delete message.attachments;
}

function recordReply(parent: SlackMessage, reply: SlackMessage): void {
  parent.thread_ts = parent.ts;
  parent.reply_count = (parent.reply_count ?? 0) + 1;
  const users = new Set(parent.reply_users ?? []);
  if (reply.user !== undefined) users.add(reply.user);
  parent.reply_users = [...users];
  parent.reply_users_count = users.size;
  parent.latest_reply = reply.ts;
}

function forgetReply(channel: ChannelState, parent: SlackMessage, replyTs: string): void {
  const replies = [...channel.messages.values()].filter(
    (m) => m.thread_ts === parent.ts && m.ts !== parent.ts && m.ts !== replyTs,
  );
  parent.reply_count = replies.length;
  parent.reply_users = [...new Set(replies.flatMap((m) => (m.user === undefined ? [] : [m.user])))];
  parent.reply_users_count = parent.reply_users.length;
  const latest = replies.sort((a, b) => compareTs(b.ts, a.ts))[0];
  if (latest === undefined) {
    delete parent.latest_reply;
    delete parent.reply_count;
    delete parent.reply_users;
    delete parent.reply_users_count;
    delete parent.thread_ts;
  } else {
    parent.latest_reply = latest.ts;
  }
}
