import type { HealthView } from '../bot/commands/deps';
import type { Config } from '../config';
import { DynamoRegionStates } from '../store/dynamoRegionStates';
import type { OpenedStore } from './store';

/** Each region's canary state (the health table): the canary writes it, status reads it. */
export const regionStates = (store: OpenedStore) =>
  new DynamoRegionStates(store.client, store.tables.health);

/** What `/guardduty status` reads of the canary: every configured region's state. */
export function healthView(config: Config, store: OpenedStore): HealthView {
  const states = regionStates(store);
  return {
    regions: config.canary.regions,
    states: (regions) => states.getMany(regions),
  };
}
