import type { AuditAnchorWriter } from '../actions/ports/auditAnchors';
import { NO_ANCHORS } from '../actions/ports/auditAnchors';
import { AuditTrail } from '../actions/audit/trail';
import { S3AuditAnchorWriter } from '../aws/s3AuditAnchorWriter';
import type { Config } from '../config';
import type { Log } from '../shared/log';
import { DynamoAuditLog } from '../store/dynamoAuditLog';
import { DynamoFindingsBySubject } from '../store/dynamoFindingsBySubject';
import { DynamoIntents } from '../store/dynamoIntents';
import { DynamoRefusalLimiter } from '../store/dynamoRefusalLimiter';
import { FileAuditAnchors } from '../store/fileAuditAnchors';
import type { OpenedStore } from './store';

/** What remediation adds to the finding pipeline's tables: intents and the audit log. */
export const intents = (store: OpenedStore) =>
  new DynamoIntents(store.client, store.tables.idempotency);

export const auditLog = (store: OpenedStore) =>
  new DynamoAuditLog(store.client, store.tables.audit);

/** Where the audit chains' heads are anchored: the stack's bucket, a file beside the store, or nowhere. */
export function auditAnchorWriter(config: Pick<Config, 'auditAnchors'>): AuditAnchorWriter {
  const setting = config.auditAnchors;
  if (setting.kind === 's3') return new S3AuditAnchorWriter(setting.bucket);
  if (setting.kind === 'file') return new FileAuditAnchors(setting.path);
  return NO_ANCHORS;
}

/** Appending to the audit log: the table, then the anchor of the chain's new head. */
export function auditTrail(store: OpenedStore, config: Pick<Config, 'auditAnchors'>, log: Log) {
  return new AuditTrail(auditLog(store), auditAnchorWriter(config), log);
}

/** Every other message about a subject, for the reporter's redraws. */
export const findingsBySubject = (store: OpenedStore) =>
  new DynamoFindingsBySubject(store.client, store.tables.findings);

/** A few refusal records per user and minute; the rest are counted. */
export const refusalLimiter = (store: OpenedStore, clock: () => Date) =>
  new DynamoRefusalLimiter(store.client, store.tables.idempotency, { clock });
