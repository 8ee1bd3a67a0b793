import { errorMessage } from '../shared/errors';
import { extractTuples, type Finding } from '../findings';
import { describeScore, scoreMostUnusual } from '../ipinsights/reading';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import type { ScoreView } from './render/finding';

/**
 * Scores every (principal, IP) pair of a finding and keeps the most unusual one (lowest dot
 * product). A failing scorer never stops the finding from being posted: it is shown unscored.
 */
export async function scoreFinding(finding: Finding, scorer: Scorer, log: Log): Promise<ScoreView> {
  const extraction = extractTuples(finding);
  if (!extraction.scorable) return { reading: `Not scorable: ${extraction.reason}` };
  let shown;
  try {
    shown = await scoreMostUnusual(scorer, extraction.tuples);
  } catch (error) {
    log.warn('IP Insights scoring failed; posting unscored', {
      findingId: finding.id,
      error: errorMessage(error),
    });
    const first = extraction.tuples[0];
    const reading = 'Unscored: the scorer failed';
    return first === undefined ? { reading } : { tuple: first, reading };
  }
  if (shown === undefined) return { reading: 'Not scorable: no remote IP address in the finding' };
  const { tuple, result } = shown;
  return result.kind === 'scored'
    ? { tuple, score: result.score, reading: describeScore(result) }
    : { tuple, reading: describeScore(result) };
}
