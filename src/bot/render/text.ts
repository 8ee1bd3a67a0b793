/**
 * Turning attacker-controlled finding text into safe Block Kit text.
 *
 * Every string in a finding (user names, user agents, domains, tags, titles) may have been written
 * by an attacker. Slack gives `<`, `>` and `&` meaning (`<!channel>`, `<@U123>`, `<url|text>`), and
 * its clients turn bare URLs and domains into links. So finding text is:
 * - escaped (`&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`) in every text object;
 * - kept on one line, without control or bidirectional-override characters (no fake lines);
 * - "defanged" in prose (`evil.example` → `evil[.]example`, `https://` → `hxxps[:]//`), the form
 *   security teams use for indicators, so nothing in it can become a link;
 * - inert in prose: the characters mrkdwn formats with become look-alikes that Slack does not read
 *   as markup (`*bold*` → `∗bold∗`, `~strike~`, backticks → `‵`, `:emoji:` → `꞉emoji꞉`, an `_` that could
 *   open or close italics, a leading `>`), so finding text cannot make a line look like a status;
 * - cut to a length limit on a character boundary, never inside an escape or a surrogate pair.
 * Identifiers (key ids, user names, IPs) go into inline code instead, in `verbatim` mrkdwn, where
 * Slack neither links nor formats; they stay exact (responders copy them) except for the backtick
 * and a URL's "://".
 */

const ELLIPSIS = '…';

// C0/C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

function escapeChar(ch: string): string {
  if (ch === '&') return '&amp;';
  if (ch === '<') return '&lt;';
  if (ch === '>') return '&gt;';
  if (UNSAFE_CHARS.test(ch)) return ' ';
  return ch;
}

const WORD = /[\p{L}\p{N}_-]/u;
/** Letters and digits: an `_` between two of them (`dev_alice`) cannot start or end italics. */
const ALNUM = /[\p{L}\p{N}]/u;

/** Look-alikes of the characters mrkdwn formats with: they read the same and format nothing. */
const INERT: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  '~': '\u223c', // ∼ tilde operator
  '`': '\u2035', // ‵ reversed prime
  _: '\u02cd', // ˍ modifier letter low macron
  ':': '\ua789', // ꞉ modifier letter colon
  '>': '\u203a', // › single right-pointing angle quotation mark
};

/** Indexes of the colons around an emoji shortcode (`:smile:`, `:+1:`, `:skin-tone-2:`). */
function emojiColons(chars: readonly string[]): Set<number> {
  const found = new Set<number>();
  // Matches are found by UTF-16 offset; `chars` holds one code point per entry.
  const codePointAt = new Map<number, number>();
  let unit = 0;
  chars.forEach((ch, index) => {
    codePointAt.set(unit, index);
    unit += ch.length;
  });
  // Slack's emoji names are ASCII.
  for (const match of chars.join('').matchAll(/:[a-z0-9_+'-]+:/gi)) {
    const start = codePointAt.get(match.index);
    if (start === undefined) continue;
    found.add(start);
    found.add(start + Array.from(match[0]).length - 1);
  }
  return found;
}

/** Pieces (one per code point) of a prose string: escaped, one line, links defanged, inert. */
function prosePieces(raw: string): string[] {
  const chars = Array.from(raw);
  const emoji = emojiColons(chars);
  const firstVisible = chars.findIndex((ch) => ch.trim() !== '' && !UNSAFE_CHARS.test(ch));
  return chars.map((ch, i) => {
    const before = chars[i - 1] ?? '';
    const after = chars[i + 1] ?? '';
    // A dot between two word characters, followed by a letter, looks like a domain: "evil.example".
    // (`_` counts as a letter: its look-alike is one.)
    if (ch === '.' && WORD.test(before) && (/\p{L}/u.test(after) || after === '_')) return '[.]';
    // "://" of a URL and "@" of an e-mail address would both be linked.
    if (ch === ':' && after === '/' && chars[i + 2] === '/') return '[:]';
    if (ch === '@' && WORD.test(before) && WORD.test(after)) return '[@]';
    if (ch === '*' || ch === '~' || ch === '`') return INERT[ch] ?? ch;
    if (ch === '_' && !(ALNUM.test(before) && ALNUM.test(after))) return INERT[ch] ?? ch;
    if (ch === ':' && emoji.has(i)) return INERT[ch] ?? ch;
    // A `>` starting the text would start a quote where the text starts a line.
    if (ch === '>' && i === firstVisible) return INERT[ch] ?? ch;
    return escapeChar(ch);
  });
}

function codePieces(raw: string): string[] {
  const chars = Array.from(raw);
  return chars.map((ch, i) => {
    if (ch === '`') return 'ˋ';
    if (ch === ':' && chars[i + 1] === '/' && chars[i + 2] === '/') return '[:]';
    return escapeChar(ch);
  });
}

/** Joins pieces, cutting whole pieces (and adding "…") so the result is at most `max` long. */
function joinWithin(pieces: readonly string[], max: number): string {
  const total = pieces.reduce((sum, p) => sum + p.length, 0);
  if (total <= max) return pieces.join('');
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length + ELLIPSIS.length > max) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Finding prose (titles, descriptions, user agents) for mrkdwn or plain_text, at most `max` long. */
export function prose(raw: string, max = 3000): string {
  // A cut can leave an `_` kept for the letter after it right before the ellipsis.
  return joinWithin(prosePieces(raw), max).replace(/_…$/, `${INERT._ ?? '_'}…`);
}

/**
 * An identifier shown as inline code (`AKIA…`). `max` counts the backticks. Use only inside
 * `verbatim` mrkdwn text objects.
 */
export function code(raw: string, max = 200): string {
  if (raw.length === 0) return '—';
  return `\`${joinWithin(codePieces(raw), Math.max(1, max - 2))}\``;
}

/** Our own text (never from a finding) limited to `max`; escaped all the same. */
export function ours(text: string, max: number): string {
  return joinWithin(Array.from(text).map(escapeChar), max);
}

/**
 * Joins lines of already-safe mrkdwn, dropping whole lines from the end (never cutting inside a
 * link or code span) so the result is at most `max` long.
 */
export function fitLines(lines: readonly string[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > max) break;
    out = next;
  }
  return out;
}
