import { CanarySampleIntake } from '../health/sampleIntake';
import type { Log } from '../shared/log';
import { DynamoSampleArrivals } from '../store/dynamoSampleArrivals';
import type { OpenedStore } from './store';

/** The findings side of the canary: its samples are recorded, never posted. */
export const canarySampleIntake = (store: OpenedStore, clock: () => Date, log: Log) =>
  new CanarySampleIntake({
    ledger: new DynamoSampleArrivals(store.client, store.tables.health),
    clock,
    log,
  });
