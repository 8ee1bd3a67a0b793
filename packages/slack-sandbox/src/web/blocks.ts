import type { JsonObject, JsonValue } from '../types';
import { confirmDialog } from './dialog';
import { el, renderMrkdwnNodes, type Names } from './dom';
import { asObject, asObjects, asString, textOf } from './json';
import { parseMrkdwn, plainText, safeHref } from './mrkdwn';

/** A button the user pressed, as the local Slack's click API names it. */
export interface ButtonPress {
  readonly actionId: string;
  /** The block's own block_id; none when the bot gave none (the server derives one). */
  readonly blockId?: string;
}

export interface BlockContext {
  readonly names: Names;
  /** Sends the click; the button stays disabled until it resolves. */
  press(button: ButtonPress): Promise<void>;
}

/** A text object as Slack shows it: mrkdwn formatted, plain_text with entities and emoji. */
export function renderText(value: JsonValue | undefined, names: Names): Node[] {
  const text = asObject(value);
  if (text === undefined) return [];
  const raw = asString(text.text) ?? '';
  if (text.type === 'mrkdwn') return renderMrkdwnNodes(parseMrkdwn(raw), names);
  return [document.createTextNode(plainText(raw, text.emoji !== false))];
}

function renderButton(element: JsonObject, blockId: string | undefined, ctx: BlockContext) {
  const actionId = asString(element.action_id) ?? '';
  const style = asString(element.style);
  const button = el(
    'button',
    {
      className: `bk-button${style === undefined ? '' : ` ${style}`}`,
      attrs: { type: 'button', 'data-action-id': actionId },
    },
    plainText(textOf(element.text), true),
  );
  const url = safeHref(asString(element.url) ?? '');
  button.addEventListener('click', () => {
    void (async () => {
      const confirm = asObject(element.confirm);
      if (confirm !== undefined && !(await confirmDialog(confirm, ctx.names))) return;
      if (url !== undefined) window.open(url, '_blank', 'noopener,noreferrer');
      button.disabled = true;
      button.classList.add('pending');
      try {
        await ctx.press(blockId === undefined ? { actionId } : { actionId, blockId });
      } finally {
        button.disabled = false;
        button.classList.remove('pending');
      }
    })();
  });
  return button;
}

function renderElement(element: JsonObject, blockId: string | undefined, ctx: BlockContext): Node {
  switch (element.type) {
    case 'button':
      return renderButton(element, blockId, ctx);
    case 'image':
      return el('span', { className: 'bk-image' }, `[image: ${asString(element.alt_text) ?? ''}]`);
    case 'mrkdwn':
    case 'plain_text':
      return el('span', { className: 'bk-context-text' }, ...renderText(element, ctx.names));
    default:
      return el(
        'span',
        { className: 'bk-unsupported' },
        `[${asString(element.type) ?? 'element'} not shown in the sandbox]`,
      );
  }
}

/** Rich text (what Slack clients send) flattened to formatted text. */
function renderRichText(elements: readonly JsonObject[], ctx: BlockContext): Node[] {
  return elements.flatMap((element): Node[] => {
    const children = asObjects(element.elements);
    switch (element.type) {
      case 'rich_text_section':
        return [el('div', {}, ...renderRichText(children, ctx))];
      case 'rich_text_preformatted':
        return [el('pre', {}, ...renderRichText(children, ctx))];
      case 'rich_text_quote':
        return [el('blockquote', {}, ...renderRichText(children, ctx))];
      case 'rich_text_list':
        return [el('ul', {}, ...children.map((c) => el('li', {}, ...renderRichText([c], ctx))))];
      case 'text':
        return [document.createTextNode(asString(element.text) ?? '')];
      case 'link': {
        const href = safeHref(asString(element.url) ?? '');
        const label = asString(element.text) ?? asString(element.url) ?? '';
        return [
          href === undefined
            ? document.createTextNode(label)
            : el('a', { attrs: { href, target: '_blank', rel: 'noopener noreferrer' } }, label),
        ];
      }
      case 'user':
        return [
          el(
            'span',
            { className: 'mention' },
            `@${ctx.names.user(asString(element.user_id) ?? '')}`,
          ),
        ];
      case 'emoji':
        return [document.createTextNode(plainText(`:${asString(element.name) ?? ''}:`, true))];
      default:
        return [];
    }
  });
}

function renderSection(block: JsonObject, blockId: string | undefined, ctx: BlockContext) {
  const fields = asObjects(block.fields);
  const accessory = asObject(block.accessory);
  return el(
    'div',
    { className: 'bk-section' },
    el(
      'div',
      { className: 'bk-section-main' },
      block.text === undefined
        ? null
        : el('div', { className: 'bk-text' }, ...renderText(block.text, ctx.names)),
      fields.length === 0
        ? null
        : el(
            'div',
            { className: 'bk-fields' },
            ...fields.map((f) => el('div', { className: 'bk-field' }, ...renderText(f, ctx.names))),
          ),
    ),
    accessory === undefined
      ? null
      : el('div', { className: 'bk-accessory' }, renderElement(accessory, blockId, ctx)),
  );
}

/** One block, marked with its block_id; input blocks are drawn by the modal. */
export function renderBlock(block: JsonObject, ctx: BlockContext): HTMLElement {
  const blockId = asString(block.block_id);
  const node = blockContent(block, blockId, ctx);
  if (blockId !== undefined) node.dataset.blockId = blockId;
  return node;
}

function blockContent(
  block: JsonObject,
  blockId: string | undefined,
  ctx: BlockContext,
): HTMLElement {
  switch (block.type) {
    case 'header':
      return el('div', { className: 'bk-header' }, ...renderText(block.text, ctx.names));
    case 'section':
      return renderSection(block, blockId, ctx);
    case 'context':
      return el(
        'div',
        { className: 'bk-context' },
        ...asObjects(block.elements).map((e) => renderElement(e, blockId, ctx)),
      );
    case 'actions':
      return el(
        'div',
        { className: 'bk-actions' },
        ...asObjects(block.elements).map((e) => renderElement(e, blockId, ctx)),
      );
    case 'divider':
      return el('hr', { className: 'bk-divider' });
    case 'image':
      return el(
        'div',
        { className: 'bk-image' },
        `[image: ${asString(block.alt_text) ?? textOf(block.title)}]`,
      );
    case 'rich_text':
      return el(
        'div',
        { className: 'bk-rich-text' },
        ...renderRichText(asObjects(block.elements), ctx),
      );
    default:
      return el(
        'div',
        { className: 'bk-unsupported' },
        `[${asString(block.type) ?? 'block'} block not shown in the sandbox]`,
      );
  }
}

export function renderBlocks(blocks: readonly JsonObject[], ctx: BlockContext): HTMLElement[] {
  return blocks.map((block) => renderBlock(block, ctx));
}

/** Slack's named attachment colours, and any #rrggbb (with or without the #). */
const NAMED_COLORS: Readonly<Record<string, string>> = {
  good: '#2eb67d',
  warning: '#ecb22e',
  danger: '#e01e5a',
};

export function attachmentColor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const named = NAMED_COLORS[value];
  if (named !== undefined) return named;
  const hex = /^#?([0-9a-f]{6})$/i.exec(value)?.[1];
  return hex === undefined ? undefined : `#${hex.toLowerCase()}`;
}

/**
 * Legacy attachments as Slack draws them under a message: a coloured bar on the left, then the
 * attachment's blocks (or its text when it has none).
 */
export function renderAttachments(
  attachments: readonly JsonObject[],
  ctx: BlockContext,
): HTMLElement[] {
  return attachments.map((attachment, index) => {
    const blocks = asObjects(attachment.blocks);
    const text = asString(attachment.text) ?? asString(attachment.fallback) ?? '';
    const node = el(
      'div',
      { className: 'attachment', attrs: { 'data-attachment-id': String(index + 1) } },
      ...(blocks.length > 0
        ? renderBlocks(blocks, ctx)
        : [
            el('div', { className: 'bk-text' }, ...renderMrkdwnNodes(parseMrkdwn(text), ctx.names)),
          ]),
    );
    // Set through the CSSOM: the page's CSP allows no inline style attribute.
    const color = attachmentColor(asString(attachment.color));
    if (color !== undefined) node.style.borderLeftColor = color;
    return node;
  });
}
