import fc from 'fast-check';
import { code, fitLines, ours, prose } from '../../../src/bot/render/text';

describe('prose', () => {
  it.each([
    ['<!channel> look', '&lt;!channel&gt; look'],
    ['<@U123ABC>', '&lt;@U123ABC&gt;'],
    ['<http://evil.example|click me>', '&lt;http[:]//evil[.]example|click me&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['already &lt; escaped', 'already &amp;lt; escaped'],
    ['visit evil.example.com now', 'visit evil[.]example[.]com now'],
    ['mail bob@corp.example', 'mail bob[@]corp[.]example'],
    ['Boto3/1.34.0 Python/3.12.1', 'Boto3/1.34.0 Python/3.12.1'],
    ['line one\n*Status:* fake', 'line one ∗Status:∗ fake'],
    // Formatting from finding text is inert: look-alikes that Slack does not read as markup.
    ['~*ARCHIVED*~ by admin', '∼∗ARCHIVED∗∼ by admin'],
    ['`code` and ```block```', '‵code‵ and ‵‵‵block‵‵‵'],
    [':white_check_mark: done :+1:', '꞉white_check_mark꞉ done ꞉+1꞉'],
    ['_italic_ but dev_alice stays', 'ˍitalicˍ but dev_alice stays'],
    ['> Resolved by security', '› Resolved by security'],
    ['Recon:EC2/Portscan at 2 > 1', 'Recon:EC2/Portscan at 2 &gt; 1'],
    ['right-to-left \u202Egnp.exe', 'right-to-left  gnp[.]exe'],
  ])('%j → %j', (raw, safe) => {
    expect(prose(raw)).toBe(safe);
  });

  it('cuts at the limit with an ellipsis, never inside an escape', () => {
    expect(prose('aaaa<', 6)).toBe('aaaa…');
    expect(prose('aaaa<', 9)).toBe('aaaa&lt;');
    expect(prose('a'.repeat(10), 5)).toBe('aaaa…');
  });

  it('never splits a surrogate pair', () => {
    expect(prose('😀😀😀', 4)).toBe('😀…');
  });

  it('is within the limit and free of markup for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 1, max: 200 }),
        (raw, max) => {
          const out = prose(raw, max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out).not.toMatch(/[<>\n\r]/);
          expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
          expect(out).not.toMatch(/\w\.\p{L}/u);
          expect(out).not.toContain('://');
          // Nothing mrkdwn formats with: no *, ~ or backtick, no emoji shortcode, no `_` that
          // could open or close italics, no quote at the start.
          expect(out).not.toMatch(/[*~`]/);
          expect(out).not.toMatch(/:[a-z0-9_+'-]+:/i);
          expect(out).not.toMatch(/(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])/u);
          expect(out).not.toMatch(/^\s*(&gt;|>)/);
        },
      ),
    );
  });
});

describe('code', () => {
  it('wraps in backticks and replaces backticks inside', () => {
    expect(code('AKIA`x')).toBe('`AKIAˋx`');
    expect(code('')).toBe('—');
    expect(code('<@U1>')).toBe('`&lt;@U1&gt;`');
  });

  it('keeps an inline code span intact for any text and limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 3, max: 200 }),
        (raw, max) => {
          const out = code(raw, max);
          expect(out.length).toBeLessThanOrEqual(Math.max(max, 1));
          if (raw !== '') {
            expect(out.startsWith('`') && out.endsWith('`')).toBe(true);
            expect(out.slice(1, -1)).not.toContain('`');
          }
          expect(out).not.toMatch(/[<>\n]/);
        },
      ),
    );
  });
});

describe('ours and fitLines', () => {
  it('escapes our own text too', () => {
    expect(ours('a < b', 10)).toBe('a &lt; b');
  });

  it('drops whole lines that do not fit', () => {
    expect(fitLines(['*Label*', '`abc`', '`defgh`'], 13)).toBe('*Label*\n`abc`');
  });
});
