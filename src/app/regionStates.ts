import { DynamoRegionStates } from '../store/dynamoRegionStates';
import type { OpenedStore } from './store';

/** Each region's canary state (the health table): the canary writes it, status reads it. */
export const regionStates = (store: OpenedStore) =>
  new DynamoRegionStates(store.client, store.tables.health);
