import * as z from 'zod';
import { validateMessageAttachments, validateMessageBlocks, validateMessageText } from './blockKit';
import { SlackApiError } from './errors';
import type { Grants, ResponseTarget } from './grants';
import { ResponseUrlError } from './grants';
import type { MessageContent, Workspace } from './workspace';

/**
 * POSTs to a response_url (`/respond/<id>`), applied as Slack applies them: a new ephemeral
 * message for the user (default) or an in-channel message, or, with `replace_original` /
 * `delete_original`, a change to the message that carried the button.
 */

const responseSchema = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.array(z.record(z.string(), z.json())).optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: z.boolean().optional(),
  delete_original: z.boolean().optional(),
  thread_ts: z.string().optional(),
});

type ResponseMessage = z.infer<typeof responseSchema>;

export interface ResponseUrlAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function content(message: ResponseMessage): MessageContent {
  const blocks = message.blocks === undefined ? undefined : validateMessageBlocks(message.blocks);
  const attachments =
    message.attachments === undefined ? undefined : validateMessageAttachments(message.attachments);
  const text = validateMessageText(message.text ?? '');
  if (text === '' && (blocks?.length ?? 0) === 0 && (attachments?.length ?? 0) === 0) {
    throw new SlackApiError('no_text');
  }
  return {
    text,
    ...(blocks === undefined ? {} : { blocks }),
    ...(attachments === undefined ? {} : { attachments }),
  };
}

/** A message in a slash command's ack body is shown like a response_url POST. */
export function applyResponse(
  workspace: Workspace,
  target: ResponseTarget,
  message: ResponseMessage,
  ackSource: 'response_url' | 'command_ack' = 'response_url',
): void {
  if (message.delete_original === true && target.kind !== 'command') {
    if (target.kind === 'message') workspace.deleteMessage(target.channel, target.messageTs);
    else workspace.deleteEphemeral(target.messageTs);
    return;
  }
  const body = content(message);
  if (message.replace_original === true && target.kind === 'message') {
    // Replacing means replacing: blocks or attachments left out are removed.
    workspace.updateMessage(
      target.channel,
      target.messageTs,
      { text: body.text, blocks: body.blocks ?? [], attachments: body.attachments ?? [] },
      false,
    );
    return;
  }
  if (message.replace_original === true && target.kind === 'ephemeral') {
    workspace.replaceEphemeral(target.messageTs, body);
    return;
  }
  if (message.response_type === 'in_channel') {
    workspace.postMessage(target.channel, {
      ...body,
      ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
    });
    return;
  }
  workspace.postEphemeral({
    channel: target.channel,
    user: target.user,
    source: ackSource,
    ...body,
    ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
  });
}

/** Parses a message the bot sent as Slack would (JSON object; schema errors are `invalid_json`). */
export function parseResponseMessage(rawBody: string): ResponseMessage {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new SlackApiError('invalid_json');
  }
  const result = responseSchema.safeParse(value);
  if (!result.success) {
    throw new SlackApiError(
      'invalid_json',
      result.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/${i.path.join('/')}]`),
    );
  }
  return result.data;
}

export function answerResponseUrl(
  grants: Grants,
  workspace: Workspace,
  id: string,
  rawBody: string,
): ResponseUrlAnswer {
  try {
    const message = parseResponseMessage(rawBody);
    const target = grants.useResponseUrl(id);
    applyResponse(workspace, target, message);
    return { status: 200, body: { ok: true } };
  } catch (error) {
    if (error instanceof ResponseUrlError) {
      return { status: error.status, body: { ok: false, error: error.code } };
    }
    if (error instanceof SlackApiError) {
      return {
        status: 400,
        body: { ok: false, error: error.code, response_metadata: { messages: error.messages } },
      };
    }
    throw error;
  }
}
