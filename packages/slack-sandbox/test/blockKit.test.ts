import {
  BLOCK_LIMITS,
  validateMessageBlocks,
  validateMessageText,
  validateView,
} from '../src/blockKit';
import { SlackApiError } from '../src/errors';
import { actions, section } from './helpers';

function rejection(check: () => unknown): { code: string; messages: readonly string[] } {
  try {
    check();
  } catch (error) {
    if (error instanceof SlackApiError) return { code: error.code, messages: error.messages };
    throw error;
  }
  throw new Error('expected a SlackApiError');
}

const plain = (text: string) => ({ type: 'plain_text', text });

describe('Block Kit limits', () => {
  it('accepts what the bot typically sends, unchanged', () => {
    const blocks = [
      { type: 'header', text: plain('x'.repeat(150)) },
      section('x'.repeat(3000), 'summary'),
      {
        type: 'section',
        fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'y'.repeat(2000) })),
      },
      {
        type: 'context',
        elements: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'c' })),
      },
      { type: 'divider' },
      actions('acts', ['archive', 'v'.repeat(2000)], ['suppress', 's']),
      { type: 'rich_text', elements: [] },
    ];
    expect(validateMessageBlocks(blocks)).toBe(blocks);
  });

  it.each([
    ['51 blocks', '/blocks', Array.from({ length: 51 }, () => ({ type: 'divider' }))],
    ['header over 150', '/blocks/0/text/text', [{ type: 'header', text: plain('x'.repeat(151)) }]],
    [
      'mrkdwn header',
      '/blocks/0/text/type',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }],
    ],
    ['empty section text', '/blocks/0/text/text', [section('')]],
    [
      '11 fields',
      '/blocks/0/fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => plain('f')) }],
    ],
    [
      '11 context elements',
      '/blocks/0/elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => plain('c')) }],
    ],
    [
      'button text over 75',
      '/blocks/0/elements/0/text/text',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', text: plain('b'.repeat(76)), action_id: 'a' }],
        },
      ],
    ],
    [
      'button value over 2000',
      '/blocks/0/elements/0/value',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', text: plain('b'), action_id: 'a', value: 'v'.repeat(2001) }],
        },
      ],
    ],
    [
      '26 actions',
      '/blocks/0/elements',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: 'button',
            text: plain('b'),
            action_id: `a${i}`,
          })),
        },
      ],
    ],
    ['duplicate action_id', '/blocks/0/elements', [actions('acts', ['same', '1'], ['same', '2'])]],
    ['duplicate block_id', '/blocks/1/block_id', [section('a', 'dup'), section('b', 'dup')]],
    ['block_id over 255', '/blocks/0/block_id', [section('a', 'b'.repeat(256))]],
    ['unknown block type', '/blocks/0/type', [{ type: 'marquee' }]],
    [
      'unknown element type',
      '/blocks/0/elements/0/type',
      [{ type: 'actions', elements: [{ type: 'slider', action_id: 'x' }] }],
    ],
    ['not an array', '/blocks', '[{"type":"divider"}]'],
  ])('refuses %s with invalid_blocks at %s', (_name, pointer, blocks) => {
    const { code, messages } = rejection(() => validateMessageBlocks(blocks));
    expect(code).toBe('invalid_blocks');
    expect(
      messages.some((m) => m.startsWith('[ERROR] ') && m.endsWith(`[json-pointer:${pointer}]`)),
    ).toBe(true);
  });

  it('refuses message text over 40,000 characters with msg_too_long', () => {
    expect(validateMessageText('x'.repeat(BLOCK_LIMITS.messageText))).toHaveLength(40_000);
    expect(rejection(() => validateMessageText('x'.repeat(40_001))).code).toBe('msg_too_long');
  });

  it('checks modals: title length, 100 blocks, private_metadata size', () => {
    const modal = { type: 'modal', title: plain('Archive'), blocks: [section('s')] };
    expect(validateView(modal)).toBe(modal);
    expect(
      validateView({ ...modal, blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }),
    ).toBeDefined();
    const cases: [unknown, string][] = [
      [{ ...modal, title: plain('x'.repeat(25)) }, '/view/title/text'],
      [
        { ...modal, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
        '/view/blocks',
      ],
      [{ ...modal, private_metadata: 'm'.repeat(3001) }, '/view/private_metadata'],
      [{ ...modal, type: 'popup' }, '/view/type'],
      [{ type: 'modal', blocks: [] }, '/view/title'],
    ];
    for (const [view, pointer] of cases) {
      const { code, messages } = rejection(() => validateView(view));
      expect(code).toBe('invalid_arguments');
      expect(messages.some((m) => m.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
    }
  });
});
