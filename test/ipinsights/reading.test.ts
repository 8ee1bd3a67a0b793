import {
  describeScore,
  mostUnusual,
  readScore,
  scoreMostUnusual,
} from '../../src/ipinsights/reading';
import type { ScoreResult, Scorer, Tuple } from '../../src/ipinsights/scorer';

const scored = (score: number, unusualVsNormal: number, unusualVsRandom = 0, knownEntity = true) =>
  ({
    kind: 'scored',
    score,
    calibration: { unusualVsNormal, unusualVsRandom, knownEntity },
  }) as const;

const network = (count: number, complete = true) => ({
  network: '54.240.0.0/16',
  count,
  complete,
});

const withHistory = (
  score: number,
  own: number,
  account: number,
  seen: ReturnType<typeof network>,
  pairs = 1680,
) =>
  ({
    kind: 'scored',
    score,
    calibration: {
      unusualVsNormal: account,
      unusualVsRandom: 0,
      knownEntity: true,
      unusualVsOwn: own,
      history: { pairs, network: seen },
    },
  }) as const;

describe('readScore', () => {
  it.each<[string, ScoreResult, string, object]>([
    [
      'a usual pair, with the network it was seen from',
      withHistory(5, 0.4, 0.38, network(14)),
      'AIDA123456789EXAMPLE',
      {
        level: 'usual',
        label: 'Usual',
        text: "Usual: more unusual than 40% of this principal's own history and 38% of the account's normal activity",
        why: 'seen 14 times from 54.240.0.0/16 in training',
      },
    ],
    [
      'a usual pair from a /16 the entity never used, that the model finds close to its own',
      withHistory(4, 0.6, 0.5, network(0)),
      'i-0abcd1234ef567890',
      {
        level: 'usual',
        why: 'first time from 54.240.0.0/16 in 1,680 training pairs, but it scores like its usual networks',
      },
    ],
    [
      'a rare pair from a network seen once',
      withHistory(-1, 0.974, 0.991, network(1)),
      'AIDA123456789EXAMPLE',
      {
        level: 'rare',
        label: 'Rare',
        text: "Rare: more unusual than 97% of this principal's own history and 99.1% of the account's normal activity",
        why: 'seen once from 54.240.0.0/16 in training',
      },
    ],
    [
      'an instance never seen from the network',
      withHistory(-6, 1, 1, network(0)),
      'i-0abcd1234ef567890',
      {
        level: 'never-seen',
        label: 'Never seen from this network',
        text: "Never seen from this network: more unusual than all of this instance's own history and all of the account's normal activity",
        why: 'never seen from 54.240.0.0/16 in 1,680 training pairs',
      },
    ],
    [
      'an unusual pair whose network list was cut: rare, never "never seen"',
      withHistory(-6, 1, 1, network(0, false)),
      'AIDA123456789EXAMPLE',
      {
        level: 'rare',
        why: '54.240.0.0/16 is not among the most used networks of its 1,680 training pairs',
      },
    ],
    [
      "an entity with little history, read against the account's activity",
      withHistory(-1, 1, 0.5, network(3), 4),
      'AIDA123456789EXAMPLE',
      { level: 'usual', text: "Usual: more unusual than 50% of the account's normal activity" },
    ],
    [
      'a model without history (format version 1)',
      scored(-3, 0.994),
      'AIDA123456789EXAMPLE',
      { level: 'rare', text: "Rare: more unusual than 99.4% of the account's normal activity" },
    ],
    [
      'an instance the model never saw',
      { kind: 'unscored', reason: 'no history in training', cause: 'unknown-entity' },
      'i-99999999',
      {
        level: 'no-history',
        label: 'No history for this instance — not scored',
        text: 'No history for this instance — not scored',
      },
    ],
    [
      'a principal the model never saw',
      { kind: 'unscored', reason: 'no history in training', cause: 'unknown-entity' },
      'AIDANEVERSEEN',
      { level: 'no-history', text: 'No history for this principal — not scored' },
    ],
    [
      'an endpoint score without calibration: no level',
      { kind: 'scored', score: 1.23456 },
      'AIDA123456789EXAMPLE',
      {
        level: 'uncalibrated',
        text: 'Endpoint score 1.235, no calibration, so no level (higher is more usual)',
      },
    ],
    [
      'an unscored pair',
      { kind: 'unscored', reason: 'no model configured', cause: 'no-model' },
      'AIDA123456789EXAMPLE',
      { level: 'unscored', text: 'Not scored: no model configured' },
    ],
  ])('reads %s', (_name, result, entity, reading) => {
    expect(readScore(result, entity)).toMatchObject(reading);
  });

  it('never reads a number as a level for an unseen entity', () => {
    const reading = readScore(
      { kind: 'unscored', reason: 'no history in training', cause: 'unknown-entity' },
      'AROA123456789EXAMPLE',
    );
    expect(reading.text).not.toMatch(/\d/);
    expect(
      describeScore(
        {
          kind: 'scored',
          score: 2,
          calibration: { unusualVsNormal: 0.2, unusualVsRandom: 0, knownEntity: true },
        },
        'x',
      ),
    ).toBe("Usual: more unusual than 20% of the account's normal activity");
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
