import type { AuditAnchorHistory } from '../actions/ports/auditAnchors';
import { NO_ANCHORS } from '../actions/ports/auditAnchors';
import { S3AuditAnchorHistory } from '../aws/s3AuditAnchorHistory';
import type { Config } from '../config';
import { DynamoAuditScan } from '../store/dynamoAuditScan';
import { FileAuditAnchors } from '../store/fileAuditAnchors';
import type { OpenedStore } from './store';

/**
 * What `audit verify` reads, and nothing else does: the whole audit table and every anchor
 * version. Kept out of the functions' bundles, so no function's role may scan or list them.
 */
export const auditChains = (store: OpenedStore) =>
  new DynamoAuditScan(store.client, store.tables.audit);

export function auditAnchorHistory(config: Pick<Config, 'auditAnchors'>): AuditAnchorHistory {
  const setting = config.auditAnchors;
  if (setting.kind === 's3') return new S3AuditAnchorHistory(setting.bucket);
  if (setting.kind === 'file') return new FileAuditAnchors(setting.path);
  return NO_ANCHORS;
}
