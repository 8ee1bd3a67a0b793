import { extractTuples, type Finding } from '../findings';
import type { ScoreResult, Scorer } from '../ipinsights/scorer';
import type { Log } from '../log';
import type { ScoreView } from './render/finding';

function reading(result: ScoreResult): string {
  if (result.kind === 'unscored') return `Unscored: ${result.reason}`;
  const c = result.calibration;
  if (c === undefined) return 'Scored (higher is more usual for this principal)';
  const pct = Math.round((1 - c.unusualVsNormal) * 100);
  const known = c.knownEntity ? '' : '; this principal was never seen in training';
  return `More unusual than ${pct}% of this account's normal activity${known}`;
}

/**
 * Scores every (principal, IP) pair of a finding and keeps the most unusual one (lowest dot
 * product). A failing scorer never stops the finding from being posted: it is shown unscored.
 */
export async function scoreFinding(finding: Finding, scorer: Scorer, log: Log): Promise<ScoreView> {
  const extraction = extractTuples(finding);
  if (!extraction.scorable) return { reading: `Not scorable: ${extraction.reason}` };
  let results: ScoreResult[];
  try {
    results = await scorer.score(extraction.tuples.map(({ entity, ip }) => ({ entity, ip })));
  } catch (error) {
    log.warn('IP Insights scoring failed; posting unscored', {
      findingId: finding.id,
      error: error instanceof Error ? error.message : String(error),
    });
    results = extraction.tuples.map(() => ({ kind: 'unscored', reason: 'the scorer failed' }));
  }
  let best: { index: number; score: number } | undefined;
  for (const [index, result] of results.entries()) {
    if (result.kind === 'scored' && (best === undefined || result.score < best.score)) {
      best = { index, score: result.score };
    }
  }
  if (best === undefined) {
    const first = results[0] ?? { kind: 'unscored', reason: 'no result' };
    const tuple = extraction.tuples[0];
    return tuple === undefined ? { reading: reading(first) } : { tuple, reading: reading(first) };
  }
  const tuple = extraction.tuples[best.index];
  const result = results[best.index];
  if (tuple === undefined || result === undefined) return { reading: 'Unscored: no result' };
  return { tuple, score: best.score, reading: reading(result) };
}
