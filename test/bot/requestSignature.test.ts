import { computeSlackSignature } from '@guardduty-chatops/slack-sandbox';
import {
  checkSlackSignature,
  verifyRotatingSignature,
  type SigningSecretSource,
} from '../../src/bot/requestSignature';

const SECRET = 'a'.repeat(16) + 'b'.repeat(16);
const ROTATED = 'c'.repeat(16) + 'd'.repeat(16);
const NOW = Date.parse('2026-12-01T12:00:00Z');
const BODY = 'command=%2Fguardduty&text=help';

function signed(secret: string, at = NOW) {
  const seconds = Math.floor(at / 1000);
  return { signature: computeSlackSignature(secret, seconds, BODY), timestamp: String(seconds) };
}

describe('checkSlackSignature', () => {
  it('takes a fresh request signed with the secret', () => {
    expect(checkSlackSignature(BODY, signed(SECRET), SECRET, NOW)).toEqual({ ok: true });
  });

  it('refuses a request dated more than five minutes in the future, as in the past', () => {
    const future = signed(SECRET, NOW + 6 * 60_000);
    expect(checkSlackSignature(BODY, future, SECRET, NOW)).toEqual({
      ok: false,
      problem: 'future',
    });
    const past = signed(SECRET, NOW - 6 * 60_000);
    expect(checkSlackSignature(BODY, past, SECRET, NOW)).toEqual({ ok: false, problem: 'stale' });
    expect(checkSlackSignature(BODY, signed(SECRET, NOW + 4 * 60_000), SECRET, NOW)).toEqual({
      ok: true,
    });
  });

  it('refuses an unsigned request, a bad timestamp, another secret and another body', () => {
    expect(checkSlackSignature(BODY, {}, SECRET, NOW)).toEqual({ ok: false, problem: 'unsigned' });
    expect(
      checkSlackSignature(BODY, { signature: 'v0=00', timestamp: 'soon' }, SECRET, NOW),
    ).toEqual({ ok: false, problem: 'unsigned' });
    expect(checkSlackSignature(BODY, signed(ROTATED), SECRET, NOW)).toEqual({
      ok: false,
      problem: 'invalid',
    });
    expect(checkSlackSignature(`${BODY}x`, signed(SECRET), SECRET, NOW)).toEqual({
      ok: false,
      problem: 'invalid',
    });
  });
});

describe('verifyRotatingSignature', () => {
  /** A secret store rotated by the test; counts reads. */
  function rotatable(): SigningSecretSource & { stored: string; cached: string; reads: number } {
    const source = {
      stored: SECRET,
      cached: SECRET,
      reads: 0,
      current: () => Promise.resolve(source.cached),
      refresh: () => {
        source.reads += 1;
        source.cached = source.stored;
        return Promise.resolve(source.cached);
      },
    };
    return source;
  }

  it('picks a rotated secret up at the first request signed with it; the old one stops working', async () => {
    const secrets = rotatable();
    expect(await verifyRotatingSignature(BODY, signed(SECRET), secrets, NOW)).toEqual({ ok: true });
    expect(secrets.reads).toBe(0);
    secrets.stored = ROTATED;
    expect(await verifyRotatingSignature(BODY, signed(ROTATED), secrets, NOW)).toEqual({
      ok: true,
    });
    expect(secrets.reads).toBe(1);
    // The leaked secret: refused, although it worked a minute ago.
    expect(await verifyRotatingSignature(BODY, signed(SECRET), secrets, NOW)).toEqual({
      ok: false,
      problem: 'invalid',
    });
  });

  it('reads no secret again for a stale or future request (no flood of reads to forge)', async () => {
    const secrets = rotatable();
    await verifyRotatingSignature(BODY, signed(ROTATED, NOW + 3_600_000), secrets, NOW);
    await verifyRotatingSignature(BODY, {}, secrets, NOW);
    expect(secrets.reads).toBe(0);
  });
});
