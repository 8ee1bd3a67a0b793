import type { HealthView } from '../bot/commands/deps';
import type { Config } from '../config';
import { DynamoRegionStates } from '../store/dynamoRegionStates';
import { DynamoRetrainingRecordReader } from '../store/dynamoRetrainingRecordReader';
import type { OpenedStore } from './store';

/** Each region's canary state (the health table): the canary writes it, status reads it. */
export const regionStates = (store: OpenedStore) =>
  new DynamoRegionStates(store.client, store.tables.health);

/** What `/guardduty status` reads of the canary and the retraining. */
export function healthView(config: Config, store: OpenedStore): HealthView {
  const states = regionStates(store);
  // The retraining function writes it (DynamoRetrainingRecordWriter); status only reads it.
  const retraining = new DynamoRetrainingRecordReader(store.client, store.tables.health);
  return {
    regions: config.canary.regions,
    states: (regions) => states.getMany(regions),
    // Only a stack that retrains has a retraining to report.
    ...(config.retraining.cloudTrail === undefined
      ? {}
      : { lastRetraining: () => retraining.last() }),
  };
}
