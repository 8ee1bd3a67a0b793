import type { ScoreResult, Tuple } from './scorer';

/** At or above this share of the entity's own history scoring higher, a pair reads as rare. */
const RARE_FROM = 0.95;
/** Below this many training pairs an entity's own percentiles mean little: the account's are used. */
const MIN_OWN_HISTORY = 10;

/** The level a responder sees first, next to the remote IP. */
export type ReadingLevel =
  'usual' | 'rare' | 'never-seen' | 'no-history' | 'uncalibrated' | 'unscored';

export interface Reading {
  readonly level: ReadingLevel;
  /** A few words that stand out: "Usual", "Rare", "Never seen from this network", … */
  readonly label: string;
  /** The label and the percentiles in one sentence. */
  readonly text: string;
  /** The percentiles alone, when there are any: "more unusual than 97% of …". */
  readonly detail?: string;
  /** Why, where the training data says: "seen 14 times from 54.240.0.0/16 in training". */
  readonly why?: string;
}

/** What kind of thing an entity is, in the reading's words. */
export function entityNoun(entity: string): string {
  if (/^i-[0-9a-f]+$/.test(entity)) return 'instance';
  if (entity.startsWith('rds:')) return 'database user';
  return 'principal';
}

function percent(share: number): string {
  if (share >= 1) return 'all';
  if (share <= 0) return 'none';
  const value = share * 100;
  // Keep one decimal in the far tail (99.4 %), where whole numbers would all read "99 %".
  return value >= 99 ? `${Math.floor(value * 10) / 10}%` : `${Math.floor(value)}%`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n.toLocaleString('en-US')} times`;
}

function calls(n: number): string {
  return `${n.toLocaleString('en-US')} training pair${n === 1 ? '' : 's'}`;
}

/**
 * A score in words a responder acts on. Never a number dressed as a judgement: an entity the
 * model has no history for, or a tuple it cannot score, says so; an endpoint score without
 * calibration gets no level. Pure; the Slack message and `/guardduty score` quote it.
 */
export function readScore(result: ScoreResult, entity: string): Reading {
  const noun = entityNoun(entity);
  if (result.kind === 'unscored') {
    if (result.cause === 'unknown-entity') {
      const label = `No history for this ${noun} — not scored`;
      return { level: 'no-history', label, text: label };
    }
    return {
      level: 'unscored',
      label: 'Not scored',
      text: `Not scored: ${result.reason}`,
      detail: result.reason,
    };
  }
  const calibration = result.calibration;
  if (calibration === undefined) {
    const detail = `${result.score.toFixed(3)}, no calibration, so no level (higher is more usual)`;
    return {
      level: 'uncalibrated',
      label: 'Endpoint score',
      text: `Endpoint score ${detail}`,
      detail,
    };
  }
  const history = calibration.history;
  const own =
    calibration.unusualVsOwn !== undefined && (history?.pairs ?? 0) >= MIN_OWN_HISTORY
      ? calibration.unusualVsOwn
      : undefined;
  const share = own ?? calibration.unusualVsNormal;
  const network = history?.network;
  const neverFromNetwork = network !== undefined && network.complete && network.count === 0;
  const level: ReadingLevel =
    share < RARE_FROM ? 'usual' : neverFromNetwork ? 'never-seen' : 'rare';
  const label = { usual: 'Usual', rare: 'Rare', 'never-seen': 'Never seen from this network' }[
    level
  ];
  const against = [
    own === undefined ? undefined : `${percent(own)} of this ${noun}'s own history`,
    `${percent(calibration.unusualVsNormal)} of the account's normal activity`,
  ].filter((part): part is string => part !== undefined);
  const detail = `more unusual than ${against.join(' and ')}`;
  const text = `${label}: ${detail}`;
  if (history === undefined || network === undefined) return { level, label, text, detail };
  let why: string;
  if (network.count > 0) {
    why = `seen ${times(network.count)} from ${network.network} in training`;
  } else if (!network.complete) {
    why = `${network.network} is not among the most used networks of its ${calls(history.pairs)}`;
  } else if (level === 'usual') {
    why = `first time from ${network.network} in ${calls(history.pairs)}, but it scores like its usual networks`;
  } else {
    why = `never seen from ${network.network} in ${calls(history.pairs)}`;
  }
  return { level, label, text, detail, why };
}

/** The reading as one line: its sentence and, when there is one, why. */
export function describeScore(result: ScoreResult, entity: string): string {
  const reading = readScore(result, entity);
  return reading.why === undefined ? reading.text : `${reading.text}; ${reading.why}`;
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
