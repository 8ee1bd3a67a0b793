import * as z from 'zod';
import { SlackApiError } from './errors';
import type { JsonObject } from './types';

/**
 * The Block Kit limits Slack enforces (docs.slack.dev/reference/block-kit), so a bot that would be
 * refused by real Slack is refused here too. Not a full schema: unknown fields pass, and blocks the
 * bot is unlikely to send are only checked for a type and a block_id.
 */
export const BLOCK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  messageText: 40_000,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  markdownText: 12_000,
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

const plainText = (max: number) =>
  z.looseObject({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });

const textObject = (max: number) =>
  z.looseObject({
    type: z.enum(['plain_text', 'mrkdwn']),
    text: z.string().min(1).max(max),
  });

const actionId = z.string().min(1).max(BLOCK_LIMITS.actionId).optional();
const blockId = z.string().min(1).max(BLOCK_LIMITS.blockId).optional();

const confirmDialog = z.looseObject({
  title: plainText(100),
  text: textObject(300),
  confirm: plainText(30),
  deny: plainText(30),
  style: z.enum(['primary', 'danger']).optional(),
});

const button = z.looseObject({
  type: z.literal('button'),
  text: plainText(BLOCK_LIMITS.buttonText),
  action_id: actionId,
  value: z.string().max(BLOCK_LIMITS.buttonValue).optional(),
  url: z.string().max(BLOCK_LIMITS.url).optional(),
  style: z.enum(['primary', 'danger']).optional(),
  confirm: confirmDialog.optional(),
});

const OTHER_ELEMENT_TYPES = [
  'channels_select',
  'checkboxes',
  'conversations_select',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'external_select',
  'feedback_buttons',
  'file_input',
  'icon_button',
  'image',
  'multi_channels_select',
  'multi_conversations_select',
  'multi_external_select',
  'multi_static_select',
  'multi_users_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'timepicker',
  'url_text_input',
  'users_select',
  'workflow_button',
] as const;

/** Any block element: buttons are checked in full, others for a known type and an action_id. */
const element = z.discriminatedUnion('type', [
  button,
  z.looseObject({ type: z.enum(OTHER_ELEMENT_TYPES), action_id: actionId }),
]);

const uniqueActionIds = (elements: readonly { action_id?: string | undefined }[]) => {
  const ids = elements.flatMap((e) => (e.action_id === undefined ? [] : [e.action_id]));
  return new Set(ids).size === ids.length;
};

const section = z
  .looseObject({
    type: z.literal('section'),
    block_id: blockId,
    text: textObject(BLOCK_LIMITS.sectionText).optional(),
    fields: z
      .array(textObject(BLOCK_LIMITS.sectionFieldText))
      .min(1)
      .max(BLOCK_LIMITS.sectionFields)
      .optional(),
    accessory: element.optional(),
  })
  .refine((block) => block.text !== undefined || block.fields !== undefined, {
    message: 'a section needs text or fields',
  });

const looseBlock = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), block_id: blockId });

const blockSchema = z.discriminatedUnion('type', [
  section,
  z.looseObject({
    type: z.literal('header'),
    block_id: blockId,
    text: plainText(BLOCK_LIMITS.headerText),
  }),
  looseBlock('divider'),
  z.looseObject({
    type: z.literal('context'),
    block_id: blockId,
    elements: z
      .array(
        z.union([
          textObject(BLOCK_LIMITS.sectionText),
          z.looseObject({ type: z.literal('image') }),
        ]),
      )
      .min(1)
      .max(BLOCK_LIMITS.contextElements),
  }),
  z.looseObject({
    type: z.literal('actions'),
    block_id: blockId,
    elements: z
      .array(element)
      .min(1)
      .max(BLOCK_LIMITS.actionsElements)
      .refine(uniqueActionIds, { message: 'action_id values must be unique within a block' }),
  }),
  z.looseObject({
    type: z.literal('image'),
    block_id: blockId,
    alt_text: z.string().min(1).max(2000),
    image_url: z.string().max(BLOCK_LIMITS.url).optional(),
    title: plainText(2000).optional(),
  }),
  z.looseObject({
    type: z.literal('input'),
    block_id: blockId,
    label: plainText(2000),
    element: z.looseObject({ type: z.string(), action_id: actionId }),
    hint: plainText(2000).optional(),
    optional: z.boolean().optional(),
  }),
  z.looseObject({
    type: z.literal('markdown'),
    block_id: blockId,
    text: z.string().min(1).max(BLOCK_LIMITS.markdownText),
  }),
  looseBlock('rich_text'),
  looseBlock('file'),
  looseBlock('video'),
  looseBlock('table'),
  looseBlock('context_actions'),
]);

const blocksOf = (max: number) =>
  z
    .array(blockSchema)
    .max(max)
    .superRefine((blocks, context) => {
      const seen = new Set<string>();
      blocks.forEach((block, index) => {
        if (block.block_id === undefined) return;
        if (seen.has(block.block_id)) {
          context.addIssue({
            code: 'custom',
            message: `duplicate block_id "${block.block_id}"`,
            path: [index, 'block_id'],
          });
        }
        seen.add(block.block_id);
      });
    });

const messageBlocks = blocksOf(BLOCK_LIMITS.messageBlocks);

const viewSchema = z
  .looseObject({
    type: z.enum(['modal', 'home']),
    title: plainText(BLOCK_LIMITS.viewTitle).optional(),
    submit: plainText(BLOCK_LIMITS.viewTitle).optional(),
    close: plainText(BLOCK_LIMITS.viewTitle).optional(),
    blocks: blocksOf(BLOCK_LIMITS.modalBlocks),
    private_metadata: z.string().max(BLOCK_LIMITS.privateMetadata).optional(),
    callback_id: z.string().max(BLOCK_LIMITS.callbackId).optional(),
    external_id: z.string().max(255).optional(),
    clear_on_close: z.boolean().optional(),
    notify_on_close: z.boolean().optional(),
  })
  .superRefine((view, context) => {
    if (view.type !== 'modal') return;
    if (view.title === undefined) {
      context.addIssue({ code: 'custom', message: 'a modal needs a title', path: ['title'] });
    }
    const hasInput = view.blocks.some((block) => block.type === 'input');
    if (hasInput && view.submit === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'a modal with input blocks needs a submit button',
        path: ['submit'],
      });
    }
  });

/** Slack's style of validation message: `[ERROR] <what> [json-pointer:/blocks/0/text/text]`. */
function slackMessages(root: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const pointer = [root, ...issue.path.map(String)].join('/');
    return `[ERROR] ${issue.message} [json-pointer:/${pointer}]`;
  });
}

/** Checks message blocks against Block Kit limits; throws `invalid_blocks` like Slack. */
export function validateMessageBlocks(blocks: unknown): JsonObject[] {
  const result = messageBlocks.safeParse(blocks);
  if (!result.success) {
    throw new SlackApiError('invalid_blocks', slackMessages('blocks', result.error));
  }
  return blocks as JsonObject[];
}

/** Legacy attachments as Block Kit apps still use them: a colour bar beside blocks of their own. */
const attachmentsSchema = z
  .array(
    z.looseObject({
      blocks: messageBlocks.optional(),
      color: z.string().max(32).optional(),
      fallback: z.string().optional(),
    }),
  )
  .max(100);

/** Checks message attachments and the blocks inside them; Slack answers `invalid_attachments`. */
export function validateMessageAttachments(attachments: unknown): JsonObject[] {
  const result = attachmentsSchema.safeParse(attachments);
  if (!result.success) {
    throw new SlackApiError('invalid_attachments', slackMessages('attachments', result.error));
  }
  return attachments as JsonObject[];
}

/** Checks the `text` of a message; Slack refuses more than 40,000 characters. */
export function validateMessageText(text: string): string {
  if (text.length > BLOCK_LIMITS.messageText) {
    throw new SlackApiError('msg_too_long', [
      `[ERROR] text is ${text.length} characters, more than ${BLOCK_LIMITS.messageText}`,
    ]);
  }
  return text;
}

/** Checks a modal or home view; Slack answers a bad view with `invalid_arguments`. */
export function validateView(view: unknown): JsonObject {
  const result = viewSchema.safeParse(view);
  if (!result.success) {
    throw new SlackApiError('invalid_arguments', slackMessages('view', result.error));
  }
  return view as JsonObject;
}
