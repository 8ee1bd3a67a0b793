import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { AuditAnchor, AuditAnchorHistory } from '../actions/ports/auditAnchors';
import { ANCHOR_PREFIX } from './s3AuditAnchorWriter';

const AnchorBody = z.object({
  chain: z.string().min(1),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
});

/**
 * Every version of every anchor in the anchor bucket, for `audit verify` (run by an operator,
 * never by a Lambda function: no function's role may list or read the bucket).
 */
export class S3AuditAnchorHistory implements AuditAnchorHistory {
  readonly description: string;

  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({ maxAttempts: 3 }),
  ) {
    this.description = `s3://${bucket}/${ANCHOR_PREFIX}`;
  }

  async history(): Promise<ReadonlyMap<string, readonly AuditAnchor[]>> {
    const history = new Map<string, AuditAnchor[]>();
    let page: ListObjectVersionsCommandOutput | undefined;
    do {
      page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: ANCHOR_PREFIX,
          ...(page?.NextKeyMarker === undefined ? {} : { KeyMarker: page.NextKeyMarker }),
          ...(page?.NextVersionIdMarker === undefined
            ? {}
            : { VersionIdMarker: page.NextVersionIdMarker }),
        }),
      );
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined || version.VersionId === undefined) continue;
        const object = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: version.Key,
            VersionId: version.VersionId,
          }),
        );
        const body = AnchorBody.safeParse(
          JSON.parse((await object.Body?.transformToString()) ?? ''),
        );
        if (!body.success) {
          throw new Error(
            `s3://${this.bucket}/${version.Key} (${version.VersionId}): not an audit anchor`,
          );
        }
        const anchors = history.get(body.data.chain) ?? [];
        anchors.push(body.data);
        history.set(body.data.chain, anchors);
      }
    } while (page.IsTruncated === true);
    for (const anchors of history.values()) anchors.sort((a, b) => a.seq - b.seq);
    return history;
  }
}
