/**
 * The scheduled retraining's quality gate and its record: a new model replaces the current one
 * only if it separates the held-out slice of the new data about as well (AUC no more than
 * `maxAucDrop` below the current model's on the same slice). Pure: the caller trains, scores
 * and publishes (retraining.ts in one function, distributedRetraining.ts with SageMaker).
 */

export const DEFAULT_MAX_AUC_DROP = 0.01;

export type GateVerdict =
  | { readonly publish: true; readonly reason: string }
  | { readonly publish: false; readonly reason: string };

/** `current` undefined: no model is published yet, so any model that learned something goes. */
export function qualityGate(
  candidateAuc: number,
  currentAuc: number | undefined,
  maxAucDrop = DEFAULT_MAX_AUC_DROP,
): GateVerdict {
  if (!Number.isFinite(candidateAuc)) {
    return {
      publish: false,
      reason: 'the held-out slice has no pairs to measure the new model on',
    };
  }
  const candidate = candidateAuc.toFixed(3);
  if (currentAuc === undefined || !Number.isFinite(currentAuc)) {
    return candidateAuc > 0.5
      ? { publish: true, reason: `no current model; the new one scores AUC ${candidate}` }
      : { publish: false, reason: `the new model scores AUC ${candidate}, no better than chance` };
  }
  const current = currentAuc.toFixed(3);
  if (candidateAuc >= currentAuc - maxAucDrop) {
    return {
      publish: true,
      reason: `AUC ${candidate} on the held-out slice against the current model’s ${current}`,
    };
  }
  return {
    publish: false,
    reason: `AUC ${candidate} on the held-out slice is more than ${String(maxAucDrop)} below the current model’s ${current}; the current model stays`,
  };
}
