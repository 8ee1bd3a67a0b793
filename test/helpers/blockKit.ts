import type { KnownBlock } from '@slack/types';
import { LIMITS } from '../../src/bot/render/limits';

export interface TextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly verbatim?: boolean;
  readonly where: string;
}

function isTextObject(value: unknown): value is Omit<TextObject, 'where'> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.type === 'mrkdwn' || v.type === 'plain_text') && typeof v.text === 'string';
}

/** Every text object anywhere in the blocks, with the JSON path it was found at. */
export function textObjects(value: unknown, where = ''): TextObject[] {
  if (isTextObject(value)) return [{ ...value, where }];
  if (Array.isArray(value)) return value.flatMap((item, i) => textObjects(item, `${where}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => textObjects(item, `${where}.${key}`));
  }
  return [];
}

/** Block Kit limits a message breaks; empty when it is valid. */
export function blockKitViolations(message: { text: string; blocks: KnownBlock[] }): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(message.blocks.length <= LIMITS.messageBlocks, `${message.blocks.length} blocks`);
  check(message.text.length <= LIMITS.messageText, `fallback text ${message.text.length}`);
  message.blocks.forEach((block, i) => {
    const at = `blocks[${i}] (${block.type})`;
    if (block.type === 'header') check(block.text.text.length <= LIMITS.headerText, `${at} text`);
    if (block.type === 'section') {
      if (block.text !== undefined) {
        check(block.text.text.length <= LIMITS.sectionText, `${at} text ${block.text.text.length}`);
      }
      const fields = block.fields ?? [];
      check(fields.length <= LIMITS.sectionFields, `${at} ${fields.length} fields`);
      fields.forEach((f, j) => {
        check(f.text.length <= LIMITS.fieldText, `${at} field ${j} ${f.text.length}`);
      });
    }
    if (block.type === 'context') {
      check(block.elements.length <= LIMITS.contextElements, `${at} elements`);
      for (const element of block.elements) {
        if ('text' in element && typeof element.text === 'string') {
          check(element.text.length <= LIMITS.contextText, `${at} element text`);
        }
      }
    }
    if (block.type === 'actions') {
      check(block.elements.length <= LIMITS.actionsElements, `${at} elements`);
      for (const element of block.elements) {
        if (element.type !== 'button') continue;
        check(element.text.text.length <= LIMITS.buttonText, `${at} button text`);
        check((element.value ?? '').length <= LIMITS.buttonValue, `${at} button value`);
        check(
          element.action_id === undefined || element.action_id.length <= LIMITS.actionId,
          `${at} action_id`,
        );
        if (element.confirm !== undefined) {
          check(
            (element.confirm.title?.text.length ?? 0) <= LIMITS.confirmTitle,
            `${at} confirm title`,
          );
          check(element.confirm.text.text.length <= LIMITS.confirmText, `${at} confirm text`);
        }
      }
    }
    if ('block_id' in block && typeof block.block_id === 'string') {
      check(block.block_id.length <= LIMITS.blockId, `${at} block_id`);
    }
  });
  return problems;
}
