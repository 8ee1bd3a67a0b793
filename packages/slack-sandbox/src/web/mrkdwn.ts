/**
 * Slack's mrkdwn, parsed into a tree the page turns into DOM nodes (never HTML). Pure, so it runs
 * in Node tests as well as in the browser. Covers what bots send: *bold*, _italic_, ~strike~,
 * `code`, ```blocks```, &gt; quotes, <links|labels>, <@U…> mentions, <#C…> channels,
 * <!here>-style broadcasts, <!date…|fallback>, :emoji: and the three entities Slack escapes.
 */

export type MrkdwnNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bold' | 'italic' | 'strike' | 'quote'; readonly children: MrkdwnNode[] }
  | { readonly kind: 'code' | 'pre'; readonly text: string }
  | { readonly kind: 'link'; readonly href: string; readonly children: MrkdwnNode[] }
  | {
      readonly kind: 'user' | 'channel' | 'usergroup';
      readonly id: string;
      readonly label?: string;
    }
  | { readonly kind: 'broadcast'; readonly name: string }
  | { readonly kind: 'break' };

/** `&amp;`, `&lt;` and `&gt;` back to characters, in one pass (`&amp;lt;` stays `&lt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

/** The emoji the bot uses, and a few common ones; others stay as `:name:`. */
const EMOJI: Readonly<Record<string, string>> = {
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  large_green_circle: '🟢',
  grey_question: '❔',
  pager: '📟',
  mag: '🔍',
  warning: '⚠️',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  shield: '🛡️',
  rotating_light: '🚨',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  memo: '📝',
  package: '📦',
  broom: '🧹',
  zzz: '💤',
  clipboard: '📋',
  bar_chart: '📊',
  robot_face: '🤖',
  leftwards_arrow_with_hook: '↩️',
  arrows_counterclockwise: '🔄',
  test_tube: '🧪',
};

/** Replaces known `:emoji:` codes with their character. */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
}

/** Text of a plain_text object as Slack shows it: entities decoded, emoji when asked for. */
export function plainText(text: string, emoji: boolean): string {
  const decoded = decodeEntities(text);
  return emoji ? emojify(decoded) : decoded;
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** A link target the page may open; anything else (javascript:, data:, …) is not a link. */
export function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(decodeEntities(raw).trim());
    return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const FORMATS: Readonly<Record<string, 'bold' | 'italic' | 'strike'>> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
};

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** A marker may open at the start, or after a space or punctuation, and before a non-space. */
function opensAt(text: string, i: number): boolean {
  const before = text[i - 1];
  const after = text[i + 1];
  return (
    (before === undefined || !WORD_CHAR.test(before)) && after !== undefined && !/\s/.test(after)
  );
}

/** Where a `<…>` token or a `code` span starting at `i` ends, or -1 when none starts there. */
function atomEnd(text: string, i: number): number {
  const ch = text[i];
  if (ch === '<') return text.indexOf('>', i + 1);
  if (ch === '`') {
    const end = text.indexOf('`', i + 1);
    return end > i + 1 && !text.slice(i + 1, end).includes('\n') ? end : -1;
  }
  return -1;
}

/**
 * The closing marker for an opening one at `start`, on the same line, or -1. Links, mentions
 * and code spans are whole: a marker inside one neither opens nor closes a format.
 */
function closingMarker(text: string, start: number): number {
  const marker = text[start] ?? '';
  for (let j = start + 2; j < text.length; j += 1) {
    const atom = atomEnd(text, j);
    if (atom !== -1) {
      j = atom;
      continue;
    }
    const ch = text[j];
    if (ch === '\n') return -1;
    if (ch !== marker) continue;
    const before = text[j - 1] ?? ' ';
    const after = text[j + 1];
    if (!/\s/.test(before) && (after === undefined || !WORD_CHAR.test(after))) return j;
  }
  return -1;
}

function angleToken(token: string): MrkdwnNode {
  const bar = token.indexOf('|');
  const target = bar === -1 ? token : token.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(token.slice(bar + 1));
  const withLabel = label === undefined || label === '' ? {} : { label };
  if (/^@[UWB][A-Z0-9]+$/.test(target)) return { kind: 'user', id: target.slice(1), ...withLabel };
  if (/^#[CGD][A-Z0-9]+$/.test(target)) {
    return { kind: 'channel', id: target.slice(1), ...withLabel };
  }
  if (target.startsWith('!subteam^')) {
    return { kind: 'usergroup', id: target.slice('!subteam^'.length), ...withLabel };
  }
  if (target.startsWith('!date^')) return { kind: 'text', text: label ?? 'a date' };
  if (target.startsWith('!')) return { kind: 'broadcast', name: target.slice(1) };
  const href = safeHref(target);
  const shown = label ?? decodeEntities(target);
  if (href === undefined) return { kind: 'text', text: shown };
  return { kind: 'link', href, children: [{ kind: 'text', text: shown }] };
}

/** Inline mrkdwn of one paragraph (no ``` blocks or quotes in it). */
function parseInline(text: string): MrkdwnNode[] {
  const nodes: MrkdwnNode[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') nodes.push({ kind: 'text', text: emojify(decodeEntities(buffer)) });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === '\n') {
      flush();
      nodes.push({ kind: 'break' });
      i += 1;
      continue;
    }
    const atom = atomEnd(text, i);
    if (atom > i + 1) {
      flush();
      const inner = text.slice(i + 1, atom);
      nodes.push(ch === '`' ? { kind: 'code', text: decodeEntities(inner) } : angleToken(inner));
      i = atom + 1;
      continue;
    }
    const format = FORMATS[ch];
    if (format !== undefined && opensAt(text, i)) {
      const end = closingMarker(text, i);
      if (end !== -1) {
        flush();
        nodes.push({ kind: format, children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return nodes;
}

/** Splits off `&gt; ` quote lines (Slack escapes `>`, so a quote arrives as `&gt;`). */
function parseParagraphs(text: string): MrkdwnNode[] {
  const nodes: MrkdwnNode[] = [];
  const lines = text.split('\n');
  let plain: string[] = [];
  let quoted: string[] = [];
  const flushPlain = () => {
    if (plain.length > 0) nodes.push(...parseInline(plain.join('\n')));
    plain = [];
  };
  const flushQuote = () => {
    if (quoted.length > 0) nodes.push({ kind: 'quote', children: parseInline(quoted.join('\n')) });
    quoted = [];
  };
  for (const line of lines) {
    if (line.startsWith('&gt;')) {
      flushPlain();
      quoted.push(line.slice('&gt;'.length).replace(/^ /, ''));
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
  return nodes;
}

/** Parses mrkdwn text as Slack sends it (escaped) into nodes whose text is plain characters. */
export function parseMrkdwn(text: string): MrkdwnNode[] {
  const nodes: MrkdwnNode[] = [];
  const parts = text.split('```');
  // Odd parts sit between ``` fences; an unclosed fence is literal text.
  const closed = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  parts.forEach((part, index) => {
    if (index % 2 === 1 && index < closed) {
      nodes.push({ kind: 'pre', text: decodeEntities(part.replace(/^\n/, '')) });
    } else {
      const literal = index % 2 === 1 ? '```' + part : part;
      if (literal !== '') nodes.push(...parseParagraphs(literal));
    }
  });
  return nodes;
}
