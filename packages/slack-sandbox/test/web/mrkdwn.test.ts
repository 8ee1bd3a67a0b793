import fc from 'fast-check';
import {
  decodeEntities,
  parseMrkdwn,
  plainText,
  safeHref,
  type MrkdwnNode,
} from '../../src/web/mrkdwn';

const text = (t: string): MrkdwnNode => ({ kind: 'text', text: t });

function walk(nodes: readonly MrkdwnNode[]): MrkdwnNode[] {
  return nodes.flatMap((node) => [node, ...('children' in node ? walk(node.children) : [])]);
}

/** The characters a reader sees, ignoring formatting. */
function visible(nodes: readonly MrkdwnNode[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
        case 'code':
        case 'pre':
          return node.text;
        case 'break':
          return '\n';
        case 'user':
        case 'channel':
        case 'usergroup':
          return `@${node.label ?? node.id}`;
        case 'broadcast':
          return `@${node.name}`;
        default:
          return visible(node.children);
      }
    })
    .join('');
}

describe('the page renders Slack mrkdwn', () => {
  it('formats bold, italic, strike, code and code blocks', () => {
    expect(parseMrkdwn('*High* finding _now_ ~old~ `AKIA1` end')).toEqual([
      { kind: 'bold', children: [text('High')] },
      text(' finding '),
      { kind: 'italic', children: [text('now')] },
      text(' '),
      { kind: 'strike', children: [text('old')] },
      text(' '),
      { kind: 'code', text: 'AKIA1' },
      text(' end'),
    ]);
    expect(parseMrkdwn('plan:```\nUpdateAccessKey &lt;x&gt;```done')).toEqual([
      text('plan:'),
      { kind: 'pre', text: 'UpdateAccessKey <x>' },
      text('done'),
    ]);
  });

  it('keeps links, mentions and code whole: a marker inside them formats nothing', () => {
    expect(parseMrkdwn('_see <https://x.example/a_b|the_plan> and `a_b`_ ok')).toEqual([
      {
        kind: 'italic',
        children: [
          text('see '),
          { kind: 'link', href: 'https://x.example/a_b', children: [text('the_plan')] },
          text(' and '),
          { kind: 'code', text: 'a_b' },
        ],
      },
      text(' ok'),
    ]);
    expect(parseMrkdwn('window.__x=1 <javascript:window.__x=2|click>')).toEqual([
      text('window.__x=1 '),
      text('click'),
    ]);
  });

  it('leaves markers that do not open or close a format as text', () => {
    expect(parseMrkdwn('2*3*4 and a * lone star and snake_case_name')).toEqual([
      text('2*3*4 and a * lone star and snake_case_name'),
    ]);
    expect(parseMrkdwn('```unclosed')).toEqual([text('```unclosed')]);
  });

  it('shows escaped text as the characters it stands for, decoding once', () => {
    expect(parseMrkdwn('&lt;img src=x onerror=alert(1)&gt; &amp;lt; AT&amp;T')).toEqual([
      text('<img src=x onerror=alert(1)> &lt; AT&T'),
    ]);
    expect(decodeEntities('&amp;amp; &quot;')).toBe('&amp; &quot;');
  });

  it('turns mentions, channels, groups and broadcasts into names, with new lines and quotes', () => {
    expect(
      parseMrkdwn(
        'Archived by <@U0ALICE> in <#C0SECURITY|security>\n&gt; ping <!here> <!subteam^S0R|@oncall>',
      ),
    ).toEqual([
      text('Archived by '),
      { kind: 'user', id: 'U0ALICE' },
      text(' in '),
      { kind: 'channel', id: 'C0SECURITY', label: 'security' },
      {
        kind: 'quote',
        children: [
          text('ping '),
          { kind: 'broadcast', name: 'here' },
          text(' '),
          { kind: 'usergroup', id: 'S0R', label: '@oncall' },
        ],
      },
    ]);
  });

  it('links only http(s) and mailto targets; others show their label as text', () => {
    expect(
      parseMrkdwn('<https://console.aws.amazon.com/guardduty?x=1&amp;y=2|Open in the console>'),
    ).toEqual([
      {
        kind: 'link',
        href: 'https://console.aws.amazon.com/guardduty?x=1&y=2',
        children: [text('Open in the console')],
      },
    ]);
    expect(parseMrkdwn('<javascript:alert(1)|click me> <data:text/html,x>')).toEqual([
      text('click me'),
      text(' '),
      text('data:text/html,x'),
    ]);
    expect(safeHref('JAVASCRIPT:alert(1)')).toBeUndefined();
    expect(safeHref('mailto:sec@example.com')).toBe('mailto:sec@example.com');
  });

  it('shows the emoji the bot uses and keeps unknown codes', () => {
    expect(plainText(':red_circle: High &amp; :not_an_emoji:', true)).toBe(
      '🔴 High & :not_an_emoji:',
    );
    expect(plainText(':red_circle:', false)).toBe(':red_circle:');
  });

  it('never throws, never links an unsafe scheme, and loses no plain character', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const nodes = parseMrkdwn(input);
        for (const node of walk(nodes)) {
          if (node.kind === 'link')
            expect(['http:', 'https:', 'mailto:']).toContain(new URL(node.href).protocol);
        }
      }),
    );
    // Without markup characters, the text comes back exactly (after entity decoding).
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9 .,;!?()'"/=+-]{0,80}$/), (input) => {
        expect(visible(parseMrkdwn(input))).toBe(input);
      }),
    );
  });
});
