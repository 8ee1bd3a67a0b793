import { DynamoSampleLedger } from '../store/dynamoSampleLedger';
import type { OpenedStore } from './store';

/**
 * The health table as the canary writes it: its samples and the region states. The findings
 * function's part is in `./canarySamples`, the readers' in `./regionStates`, so each bundle holds
 * only the writes it makes.
 */
export const sampleLedger = (store: OpenedStore) =>
  new DynamoSampleLedger(store.client, store.tables.health);

export { regionStates } from './regionStates';
