import { DynamoFindingReader } from '../store/dynamoFindingReader';
import { DynamoSubjectStates } from '../store/dynamoSubjectStates';
import type { OpenedStore } from './store';

/**
 * What every function reads: finding records (read only; the findings function's writer is in
 * `./findingRecordWriter`) and the subjects' remediation states (written by the worker only).
 * Remediation's repositories (intents, audit) are in `./remediationRepositories`, so the findings
 * function's bundle holds no intent or audit code, and the Slack and worker bundles hold no
 * finding-record writes.
 */
export const findingReader = (store: OpenedStore) =>
  new DynamoFindingReader(store.client, store.tables.findings);

export const subjectStates = (store: OpenedStore) =>
  new DynamoSubjectStates(store.client, store.tables.idempotency);
