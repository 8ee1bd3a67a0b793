import * as z from 'zod';
import type { SlackMessage } from '../types';
import { formBoolean, formInt, nonEmpty, parseArgs, slackTs } from '../webApiArgs';
import type { MethodHandler } from './context';
import { pageOf } from './pagination';

/** Slack's defaults and ceiling for `limit`. */
const HISTORY_DEFAULT_LIMIT = 100;
const REPLIES_DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 999;

const pageArgs = {
  channel: nonEmpty,
  cursor: z.string().optional(),
  limit: formInt.min(1).optional(),
  oldest: slackTs.optional(),
  latest: slackTs.optional(),
  inclusive: formBoolean.optional(),
  include_all_metadata: formBoolean.optional(),
};

const historyArgs = z.looseObject(pageArgs);
const repliesArgs = z.looseObject({ ...pageArgs, ts: slackTs });

/** Metadata is returned only to callers that ask for it, as in Slack. */
function present(messages: readonly SlackMessage[], withMetadata: boolean): SlackMessage[] {
  return messages.map((message) => {
    if (withMetadata || message.metadata === undefined) return { ...message };
    const { metadata: _metadata, ...rest } = message;
    return rest;
  });
}

type PageArgs = z.infer<typeof historyArgs>;

function pageRequest(args: PageArgs, defaultLimit: number, newestFirst: boolean) {
  return {
    limit: Math.min(args.limit ?? defaultLimit, MAX_LIMIT),
    cursor: args.cursor,
    oldest: args.oldest,
    latest: args.latest,
    inclusive: args.inclusive,
    newestFirst,
  };
}

const history: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(historyArgs, raw);
  const page = pageOf(
    workspace.history(args.channel),
    pageRequest(args, HISTORY_DEFAULT_LIMIT, true),
  );
  return {
    ...page,
    messages: present(page.messages, args.include_all_metadata === true),
    pin_count: 0,
  };
};

const replies: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(repliesArgs, raw);
  const page = pageOf(
    workspace.thread(args.channel, args.ts),
    pageRequest(args, REPLIES_DEFAULT_LIMIT, false),
  );
  return { ...page, messages: present(page.messages, args.include_all_metadata === true) };
};

export const conversationsMethods: Readonly<Record<string, MethodHandler>> = {
  'conversations.history': history,
  'conversations.replies': replies,
};
