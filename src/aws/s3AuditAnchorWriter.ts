import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AuditAnchor, AuditAnchorWriter } from '../actions/ports/auditAnchors';

/** Where in the anchor bucket the anchors are, one object per chain. */
export const ANCHOR_PREFIX = 'audit-anchors/';

export function anchorKey(chain: string): string {
  return `${ANCHOR_PREFIX}${encodeURIComponent(chain)}.json`;
}

/**
 * Audit anchors in the stack's anchor bucket: one object per chain, overwritten as the chain
 * grows. The bucket keeps every version under Object Lock (template.yaml AuditAnchorBucket), so a
 * role that can write the audit table and put objects still cannot remove an anchored head.
 */
export class S3AuditAnchorWriter implements AuditAnchorWriter {
  readonly description: string;

  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({ maxAttempts: 3 }),
  ) {
    this.description = `s3://${bucket}/${ANCHOR_PREFIX}`;
  }

  async anchor(head: AuditAnchor): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: anchorKey(head.chain),
        Body: JSON.stringify(head),
        ContentType: 'application/json',
        // Object Lock requires an integrity checksum on every write.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}
