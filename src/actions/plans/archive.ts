import { assumedDetector, detectorOf, observeDetector, type DetectorFacts } from './adminDetector';
import type { Planner } from './types';
import { settleAllOrNothing } from './types';

/**
 * Archive / Unarchive: GuardDuty ArchiveFindings / UnarchiveFindings on this one finding, in the
 * administrator's detector of the finding's region.
 */
export const archivePlanner: Planner<DetectorFacts | undefined> = {
  assume: assumedDetector,
  observe: observeDetector,
  plan(context, facts) {
    const { finding, intent } = context;
    const archive = intent.kind === 'archive';
    const detectorId = detectorOf(context, facts);
    return {
      calls: [
        {
          service: 'guardduty',
          command: archive ? 'ArchiveFindings' : 'UnarchiveFindings',
          region: finding.region,
          input: { DetectorId: detectorId, FindingIds: [finding.id] },
        },
      ],
      before: { archived: !archive },
      settle: settleAllOrNothing(
        context,
        { archived: archive },
        archive ? { detectorId, region: finding.region } : undefined,
      ),
    };
  },
};
