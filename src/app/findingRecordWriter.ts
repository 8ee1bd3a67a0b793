import { DynamoBurstGroups } from '../store/dynamoBurstGroups';
import { DynamoFindingRecords } from '../store/dynamoFindingRecords';
import type { OpenedStore } from './store';

/** The finding records with their writes: for whatever publishes findings (not Slack, not the worker). */
export const findingRecords = (store: OpenedStore) =>
  new DynamoFindingRecords(store.client, store.tables.findings);

/** The bursts' counters and messages, beside the finding records they thread. */
export const burstGroups = (store: OpenedStore) =>
  new DynamoBurstGroups(store.client, store.tables.findings);
