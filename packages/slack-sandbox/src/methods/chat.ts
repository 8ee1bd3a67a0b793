import * as z from 'zod';
import {
  validateMessageAttachments,
  validateMessageBlocks,
  validateMessageText,
} from '../blockKit';
import { SlackApiError } from '../errors';
import { formBoolean, jsonField, nonEmpty, parseArgs, parseMetadata, slackTs } from '../webApiArgs';
import type { MessageContent } from '../workspace';
import type { MethodHandler } from './context';

const attachments = jsonField(z.array(z.record(z.string(), z.json())));

/** Fields every message-writing method shares; unknown ones (unfurl_links, mrkdwn...) pass. */
const contentArgs = {
  channel: nonEmpty,
  text: z.string().optional(),
  blocks: jsonField(z.unknown()).optional(),
  attachments: attachments.optional(),
  metadata: z.unknown().optional(),
  unfurl_links: formBoolean.optional(),
  unfurl_media: formBoolean.optional(),
  mrkdwn: formBoolean.optional(),
};

const postMessageArgs = z.looseObject({
  ...contentArgs,
  thread_ts: slackTs.optional(),
  reply_broadcast: formBoolean.optional(),
});

const updateArgs = z.looseObject({ ...contentArgs, ts: slackTs });

const postEphemeralArgs = z.looseObject({
  ...contentArgs,
  user: nonEmpty,
  thread_ts: slackTs.optional(),
});

const permalinkArgs = z.looseObject({ channel: nonEmpty, message_ts: slackTs });
const deleteArgs = z.looseObject({ channel: nonEmpty, ts: slackTs });

interface ContentInput {
  readonly text?: string | undefined;
  readonly blocks?: unknown;
  readonly attachments?: Record<string, unknown>[] | undefined;
}

/** Text and blocks checked as Slack checks them; a message needs text, blocks or attachments. */
function messageContent(args: ContentInput): MessageContent {
  const blocks = args.blocks === undefined ? undefined : validateMessageBlocks(args.blocks);
  const attachments =
    args.attachments === undefined ? undefined : validateMessageAttachments(args.attachments);
  const text = validateMessageText(args.text ?? '');
  const hasBody = text !== '' || (blocks?.length ?? 0) > 0 || (attachments?.length ?? 0) > 0;
  if (!hasBody) throw new SlackApiError('no_text');
  return {
    text,
    ...(blocks === undefined ? {} : { blocks }),
    ...(attachments === undefined ? {} : { attachments }),
  };
}

const postMessage: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(postMessageArgs, raw);
  workspace.channel(args.channel);
  const metadata = parseMetadata(args.metadata) ?? undefined;
  const message = workspace.postMessage(args.channel, {
    ...messageContent(args),
    ...(metadata === undefined ? {} : { metadata }),
    ...(args.thread_ts === undefined ? {} : { thread_ts: args.thread_ts }),
    ...(args.reply_broadcast === undefined ? {} : { reply_broadcast: args.reply_broadcast }),
  });
  return { channel: args.channel, ts: message.ts, message };
};

const update: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(updateArgs, raw);
  workspace.channel(args.channel);
  const metadata = parseMetadata(args.metadata);
  const blocks = args.blocks === undefined ? undefined : validateMessageBlocks(args.blocks);
  if (args.text === undefined && blocks === undefined && args.attachments === undefined) {
    if (metadata === undefined) throw new SlackApiError('no_text');
  }
  const message = workspace.updateMessage(args.channel, args.ts, {
    ...(args.text === undefined ? {} : { text: validateMessageText(args.text) }),
    ...(blocks === undefined ? {} : { blocks }),
    ...(args.attachments === undefined
      ? {}
      : { attachments: validateMessageAttachments(args.attachments) }),
    ...(metadata === undefined ? {} : { metadata }),
  });
  return { channel: args.channel, ts: args.ts, text: message.text, message };
};

const postEphemeral: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(postEphemeralArgs, raw);
  workspace.channel(args.channel);
  if (workspace.user(args.user) === undefined) throw new SlackApiError('user_not_found');
  const ephemeral = workspace.postEphemeral({
    channel: args.channel,
    user: args.user,
    source: 'chat.postEphemeral',
    ...messageContent(args),
    ...(args.thread_ts === undefined ? {} : { thread_ts: args.thread_ts }),
  });
  return { message_ts: ephemeral.message_ts };
};

const getPermalink: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(permalinkArgs, raw);
  workspace.channel(args.channel);
  const message = workspace.getMessage(args.channel, args.message_ts);
  if (message === undefined) throw new SlackApiError('message_not_found');
  const base = `https://${workspace.team.domain}.slack.com/archives/${args.channel}/p${message.ts.replace('.', '')}`;
  const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const permalink = inThread ? `${base}?thread_ts=${message.thread_ts}&cid=${args.channel}` : base;
  return { channel: args.channel, permalink };
};

const deleteMessage: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(deleteArgs, raw);
  workspace.deleteMessage(args.channel, args.ts);
  return { channel: args.channel, ts: args.ts };
};

export const chatMethods: Readonly<Record<string, MethodHandler>> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'chat.delete': deleteMessage,
};
