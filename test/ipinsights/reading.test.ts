import { describeScore, mostUnusual, scoreMostUnusual } from '../../src/ipinsights/reading';
import type { ScoreResult, Scorer, Tuple } from '../../src/ipinsights/scorer';

const scored = (score: number, unusualVsNormal: number, unusualVsRandom = 0, knownEntity = true) =>
  ({
    kind: 'scored',
    score,
    calibration: { unusualVsNormal, unusualVsRandom, knownEntity },
  }) as const;

describe('describeScore', () => {
  it.each<[string, ScoreResult, string]>([
    ['a typical pair', scored(5, 0.4), 'Typical for this principal'],
    [
      'a typical pair of an unseen principal',
      scored(0, 0.5, 0, false),
      'Typical for this principal; this principal was never seen in training',
    ],
    [
      'a pair in the far tail',
      scored(-3, 0.994),
      "More unusual than 99.4% of this account's normal activity",
    ],
    [
      'a pair past every normal one',
      scored(-9, 1, 0.6),
      "More unusual than any of this account's normal activity; as unusual as a random internet address",
    ],
    [
      'an unusual pair of an unseen principal',
      scored(-1, 0.93, 0, false),
      "More unusual than 93% of this account's normal activity; this principal was never seen in training",
    ],
    [
      'an endpoint score without calibration',
      { kind: 'scored', score: 1.23456 },
      'Score 1.235 (endpoint score, higher is more usual)',
    ],
    [
      'an unscored pair',
      { kind: 'unscored', reason: 'no model configured' },
      'Unscored: no model configured',
    ],
  ])('reads %s', (_name, result, words) => {
    expect(describeScore(result)).toBe(words);
  });
});

describe('mostUnusual', () => {
  const a = { entity: 'i-1', ip: '1.1.1.1' };
  const b = { entity: 'i-1', ip: '2.2.2.2' };
  const c = { entity: 'i-1', ip: '2001:db8::1' };

  it('picks the lowest-scoring scored tuple, ignoring unscored ones', () => {
    const picked = mostUnusual([
      { tuple: c, result: { kind: 'unscored', reason: 'IPv6' } },
      { tuple: a, result: scored(2, 0.1) },
      { tuple: b, result: scored(-4, 0.99) },
    ]);
    expect(picked?.tuple).toBe(b);
  });

  it('falls back to the first tuple, unscored, when nothing could be scored', () => {
    const results = [{ tuple: c, result: { kind: 'unscored', reason: 'IPv6' } as const }];
    expect(mostUnusual(results)).toBe(results[0]);
    expect(mostUnusual([])).toBeUndefined();
  });

  it('scores all tuples of a finding in one call', async () => {
    const calls: (readonly Tuple[])[] = [];
    const scorer: Scorer = {
      description: 'fake',
      score: (tuples) => {
        calls.push(tuples);
        return Promise.resolve(tuples.map((t) => scored(t.ip === '2.2.2.2' ? -1 : 1, 0.5)));
      },
    };
    const picked = await scoreMostUnusual(scorer, [a, b]);
    expect(calls).toEqual([[a, b]]);
    expect(picked?.tuple).toBe(b);
  });
});
