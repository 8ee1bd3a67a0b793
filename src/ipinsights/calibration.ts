import type { Calibration } from './scorer';
import type { IpInsightsModel } from './model';

/** Quantiles kept per distribution: percentiles to 0.1 %, 4 KB each in the model file. */
export const CALIBRATION_QUANTILES = 1001;

/** Sorted quantiles (min … max) of a sample of scores. */
export function quantiles(scores: Float32Array, count = CALIBRATION_QUANTILES): Float32Array {
  const sorted = Float32Array.from(scores).sort();
  const result = new Float32Array(sorted.length === 0 ? 0 : count);
  for (let i = 0; i < result.length; i++) {
    const position = Math.round((i / (count - 1)) * (sorted.length - 1));
    result[i] = sorted[position] ?? 0;
  }
  return result;
}

/** Share of a distribution (given by its sorted quantiles) that scored strictly higher than `score`. */
function shareHigher(sortedQuantiles: Float32Array, score: number): number {
  if (sortedQuantiles.length === 0) return 0;
  let low = 0;
  let high = sortedQuantiles.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sortedQuantiles[mid] ?? 0) <= score) low = mid + 1;
    else high = mid;
  }
  return (sortedQuantiles.length - low) / sortedQuantiles.length;
}

/**
 * A known entity's score against the account's training pairs, random-IP pairs and, when the
 * model keeps history, the entity's own training pairs and networks.
 */
export function calibrate(
  model: IpInsightsModel,
  entity: number,
  score: number,
  ip: number,
): Calibration {
  const table = model.parts.calibration;
  const unusualVsNormal = shareHigher(table.normal, score);
  const unusualVsRandom = shareHigher(table.random, score);
  const history = model.history;
  if (history === undefined) return { unusualVsNormal, unusualVsRandom, knownEntity: true };
  // One literal, not a spread: this runs for every tuple scored.
  return {
    unusualVsNormal,
    unusualVsRandom,
    knownEntity: true,
    unusualVsOwn: history.unusualVsOwn(entity, score),
    history: { pairs: history.pairs(entity), network: history.network(entity, ip) },
  };
}
