import { DynamoFindingRecords } from '../store/dynamoFindingRecords';
import { DynamoRemediationStates } from '../store/dynamoRemediationStates';
import type { OpenedStore } from './store';

/**
 * The finding pipeline's repositories over an open store. Remediation's (intents, audit) are in
 * `./remediationRepositories`, so the findings function's bundle holds no intent or audit code.
 */
export const findingRecords = (store: OpenedStore) =>
  new DynamoFindingRecords(store.client, store.tables.findings);

export const remediationStates = (store: OpenedStore) =>
  new DynamoRemediationStates(store.client, store.tables.idempotency);
