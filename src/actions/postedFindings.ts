import { parseStoredFinding, type Finding } from '../findings';
import type { FindingRecordRepository } from './ports/repositories';

/** Where the remediation layer looks a finding up: the findings table, as posted. */
export interface FindingSource {
  get(findingId: string): Promise<Finding | undefined>;
}

export function postedFindings(store: Pick<FindingRecordRepository, 'get'>): FindingSource {
  return {
    async get(findingId) {
      const record = await store.get(findingId);
      return record === undefined ? undefined : parseStoredFinding(record.finding);
    },
  };
}
