/**
 * How well scores separate real pairs from negatives. Used by the bench and by anything that must
 * decide whether one model is better than another (a retraining quality gate): pure functions
 * over score arrays, higher score = more usual, as IP Insights scores are.
 */

/**
 * Area under the ROC curve: the chance that a real pair outscores a negative, ties counting
 * half. 0.5 is chance, 1 is perfect separation. O(n log n), no allocation per element.
 */
export function auc(positives: Float64Array, negatives: Float64Array): number {
  const p = positives.length;
  const n = negatives.length;
  if (p === 0 || n === 0) return Number.NaN;
  const scores = new Float64Array(p + n);
  scores.set(positives, 0);
  scores.set(negatives, p);
  const order = Uint32Array.from({ length: p + n }, (_, i) => i).sort(
    (a, b) => (scores[a] ?? 0) - (scores[b] ?? 0),
  );
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    const score = scores[order[i] ?? 0] ?? 0;
    let j = i;
    while (j < order.length && scores[order[j] ?? 0] === score) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((order[k] ?? 0) < p) rankSum += meanRank;
    i = j;
  }
  return (rankSum - (p * (p + 1)) / 2) / (p * n);
}

export interface OperatingPoint {
  /** Pairs scoring below this are flagged. */
  readonly threshold: number;
  /** Share of normal pairs flagged (at most the FPR asked for). */
  readonly falsePositiveRate: number;
  /** Share of attack pairs flagged. */
  readonly recall: number;
}

/**
 * Recall on attacks when the threshold flags at most `falsePositiveRate` of normal pairs: the
 * lowest-scoring pairs are flagged, as a responder would flag the most unusual first.
 */
export function recallAtFalsePositiveRate(
  normal: Float64Array,
  attacks: Float64Array,
  falsePositiveRate: number,
): OperatingPoint {
  const sortedNormal = Float64Array.from(normal).sort();
  const flaggedNormal = Math.floor(falsePositiveRate * sortedNormal.length);
  // Flag scores strictly below the (flaggedNormal)-th lowest normal score.
  const threshold = sortedNormal[flaggedNormal] ?? Number.POSITIVE_INFINITY;
  let fp = 0;
  for (const score of sortedNormal) if (score < threshold) fp++;
  let caught = 0;
  for (const score of attacks) if (score < threshold) caught++;
  return {
    threshold,
    falsePositiveRate: sortedNormal.length === 0 ? 0 : fp / sortedNormal.length,
    recall: attacks.length === 0 ? Number.NaN : caught / attacks.length,
  };
}
