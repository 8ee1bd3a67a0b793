import { errorMessage } from '../shared/errors';
import { extractTuples, type Finding } from '../findings';
import { readScore, scoreMostUnusual } from '../ipinsights/reading';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import type { ScoreView } from './render/finding';

/**
 * Scores every (principal, IP) pair of a finding and keeps the most unusual one (lowest dot
 * product). A failing scorer never stops the finding from being posted: it is shown unscored.
 */
export async function scoreFinding(finding: Finding, scorer: Scorer, log: Log): Promise<ScoreView> {
  const extraction = extractTuples(finding);
  if (!extraction.scorable) {
    return { level: 'unscored', reading: `Not scorable: ${extraction.reason}` };
  }
  let shown;
  try {
    shown = await scoreMostUnusual(scorer, extraction.tuples);
  } catch (error) {
    log.warn('IP Insights scoring failed; posting unscored', {
      findingId: finding.id,
      error: errorMessage(error),
    });
    const first = extraction.tuples[0];
    const failed = { level: 'unscored', reading: 'Not scored: the scorer failed' } as const;
    return first === undefined ? failed : { ...failed, tuple: first };
  }
  if (shown === undefined) {
    return { level: 'unscored', reading: 'Not scorable: no remote IP address in the finding' };
  }
  const { tuple, result } = shown;
  const { level, label, text, why } = readScore(result, tuple.entity);
  return {
    tuple,
    level,
    label,
    reading: text,
    ...(why === undefined ? {} : { why }),
    ...(result.kind === 'scored' ? { score: result.score } : {}),
  };
}
