import type { ScoreResult, Tuple } from './scorer';

/** At or above this share of normal activity scoring higher, a pair reads as unusual. */
const UNUSUAL_FROM = 0.9;
/** At or above this share of random-IP pairs scoring higher, a pair looks like a random address. */
const RANDOM_LIKE_FROM = 0.05;

function percent(share: number): string {
  const value = share * 100;
  // Keep one decimal in the far tail (99.4 %), where whole numbers would all read "99 %".
  return value >= 99 ? `${Math.floor(value * 10) / 10}%` : `${Math.floor(value)}%`;
}

/**
 * A score in words a responder acts on, e.g. "More unusual than 99% of this account's normal
 * activity; this principal was never seen in training". Pure; the Slack message quotes it.
 */
export function describeScore(result: ScoreResult): string {
  if (result.kind === 'unscored') return `Unscored: ${result.reason}`;
  const calibration = result.calibration;
  if (calibration === undefined) {
    return `Score ${result.score.toFixed(3)} (endpoint score, higher is more usual)`;
  }
  const unseen = calibration.knownEntity ? '' : '; this principal was never seen in training';
  if (calibration.unusualVsNormal < UNUSUAL_FROM) return `Typical for this principal${unseen}`;
  const than =
    calibration.unusualVsNormal >= 1
      ? "any of this account's normal activity"
      : `${percent(calibration.unusualVsNormal)} of this account's normal activity`;
  const randomLike =
    calibration.unusualVsRandom >= RANDOM_LIKE_FROM
      ? '; as unusual as a random internet address'
      : '';
  return `More unusual than ${than}${randomLike}${unseen}`;
}

export interface ScoredTuple<T extends Tuple = Tuple> {
  readonly tuple: T;
  readonly result: ScoreResult;
}

/**
 * The most unusual (lowest-scoring) scored tuple; when none could be scored, the first tuple with
 * its "unscored" result so the message can say why. Undefined only for no tuples at all.
 */
export function mostUnusual<T extends Tuple>(
  results: readonly ScoredTuple<T>[],
): ScoredTuple<T> | undefined {
  let best: ScoredTuple<T> | undefined;
  for (const entry of results) {
    if (entry.result.kind !== 'scored') continue;
    if (best?.result.kind !== 'scored' || entry.result.score < best.result.score) best = entry;
  }
  return best ?? results[0];
}

/** Scores every tuple of a finding in one call and returns the most unusual one. */
export async function scoreMostUnusual<T extends Tuple>(
  scorer: { score(tuples: readonly Tuple[]): Promise<ScoreResult[]> },
  tuples: readonly T[],
): Promise<ScoredTuple<T> | undefined> {
  if (tuples.length === 0) return undefined;
  const results = await scorer.score(tuples);
  return mostUnusual(
    tuples.map((tuple, i) => ({
      tuple,
      result: results[i] ?? { kind: 'unscored' as const, reason: 'the scorer returned no result' },
    })),
  );
}
