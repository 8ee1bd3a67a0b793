import { CanarySampleIntake } from '../health/sampleIntake';
import type { Log } from '../shared/log';
import { DEFAULT_CANARY_FINDING_TYPE } from '../config';
import { DynamoSampleArrivals } from '../store/dynamoSampleArrivals';
import type { OpenedStore } from './store';

/** The findings side of the canary: its samples are recorded, never posted. */
export const canarySampleIntake = (
  store: OpenedStore,
  clock: () => Date,
  log: Log,
  findingType: string = DEFAULT_CANARY_FINDING_TYPE,
) =>
  new CanarySampleIntake({
    findingType,
    ledger: new DynamoSampleArrivals(store.client, store.tables.health),
    clock,
    log,
  });
