import type { Planner } from './types';
import { settleAllOrNothing } from './types';

/** Archive / Unarchive: GuardDuty ArchiveFindings / UnarchiveFindings on this one finding. */
export const archivePlanner: Planner<undefined> = {
  assume: () => undefined,
  plan(context) {
    const { finding, intent } = context;
    const archive = intent.kind === 'archive';
    const detectorId = finding.service.detectorId ?? '';
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
