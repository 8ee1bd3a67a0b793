import { DynamoAuditLog } from '../store/dynamoAuditLog';
import { DynamoIntents } from '../store/dynamoIntents';
import type { OpenedStore } from './store';

/** What remediation adds to the finding pipeline's tables: intents and the audit log. */
export const intents = (store: OpenedStore) =>
  new DynamoIntents(store.client, store.tables.idempotency);

export const auditLog = (store: OpenedStore) =>
  new DynamoAuditLog(store.client, store.tables.audit);
