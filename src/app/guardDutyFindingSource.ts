import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import type { FindingSource } from '../actions/postedFindings';
import { detectorResolver } from '../bot/commands/queries';

/** A finding straight from GuardDuty (the region's detector, or the pinned one). */
export function guardDutyFindingSource(
  reader: GuardDutyReader,
  detectorId?: string,
): FindingSource {
  const detector = detectorResolver(reader, detectorId);
  return {
    async get(findingId) {
      const { findings } = await reader.getFindings(await detector(), [findingId]);
      return findings.find((finding) => finding.id === findingId);
    },
  };
}
