import { FindingSchema, type Finding } from '../findings';
import type { FindingStateStore } from '../store/findingState';

/** Where the remediation layer looks a finding up: the findings table, as posted. */
export interface FindingSource {
  get(findingId: string): Promise<Finding | undefined>;
}

/** The finding JSON kept in the store was validated on the way in; parse it the same way back. */
export function parseFindingJson(json: string): Finding {
  return FindingSchema.parse(JSON.parse(json));
}

export function postedFindings(store: FindingStateStore): FindingSource {
  return {
    async get(findingId) {
      const record = await store.get(findingId);
      return record === undefined ? undefined : parseFindingJson(record.finding);
    },
  };
}
