/**
 * Finding text made inert for an on-call tool: PagerDuty shows the summary in its app, e-mails,
 * SMS, phone calls and chat integrations, any of which may turn a URL, an address, a mention or
 * markup into something live. So the text is kept on one line without control or bidirectional
 * characters, links and addresses are defanged (`evil[.]example`, `https[:]//`, `a[@]b`), angle
 * brackets become look-alikes (no `<!channel>`), and it is cut on a code point boundary.
 */

// C0/C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const WORD = /[\p{L}\p{N}_-]/u;

function piece(chars: readonly string[], i: number): string {
  const ch = chars[i] ?? '';
  const before = chars[i - 1] ?? '';
  const after = chars[i + 1] ?? '';
  if (ch === '.' && WORD.test(before) && /\p{L}/u.test(after)) return '[.]';
  if (ch === ':' && after === '/' && chars[i + 2] === '/') return '[:]';
  if (ch === '@' && WORD.test(before) && WORD.test(after)) return '[@]';
  if (ch === '<') return '‹';
  if (ch === '>') return '›';
  return ch;
}

/** At most `max` characters (UTF-16 units, as PagerDuty counts), ending in "…" when cut. */
export function inertText(raw: string, max: number): string {
  const chars = Array.from(raw.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim());
  const pieces = chars.map((_, i) => piece(chars, i));
  const total = pieces.reduce((sum, p) => sum + p.length, 0);
  if (total <= max) return pieces.join('');
  let out = '';
  for (const p of pieces) {
    if (out.length + p.length + 1 > max) break;
    out += p;
  }
  return `${out}…`;
}
