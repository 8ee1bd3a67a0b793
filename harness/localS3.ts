import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * A real S3-compatible server on loopback for tests: s3rver (npm), which speaks S3's REST API
 * over HTTP and keeps objects on disk, on an ephemeral port.
 *
 * What s3rver lacks, and how this harness covers it:
 * - Conditional writes: s3rver ignores `If-Match`/`If-None-Match` on PutObject (S3 has honoured
 *   them since 2024). The one middleware below answers S3's 412 PreconditionFailed when the
 *   condition does not hold, from s3rver's own stored ETag, with the check and the write of one
 *   key serialised — S3's documented semantics, so the adapter's retry loop runs against real
 *   lost races. Everything else is s3rver's.
 * - Durable writes: s3rver 3.7.1 answered a PutObject once the body had been handed to the file
 *   stream, not once the file was written, so a read right after could see the old or a
 *   truncated file under the new ETag, and a read-modify-write on it lost entries (1 round in
 *   ~120 of 20 concurrent adds on a loaded core). `patches/s3rver+3.7.1.patch` (patch-package,
 *   on `npm ci`) makes it answer after the file is closed.
 * - Versioning: s3rver answers NotImplemented to PutBucketVersioning and returns no
 *   `x-amz-version-id`; the version ids in audit records are covered at the SDK boundary
 *   (test/aws/s3IpLists.test.ts) instead, and the template's VersioningConfiguration by
 *   test/deploy/template.test.ts.
 */
export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  close(): Promise<void>;
}

interface KoaContext {
  readonly req: NodeJS.ReadableStream;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}
type Next = () => Promise<void>;
type Middleware = (ctx: KoaContext, next: Next) => Promise<void>;

interface StoreLike {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
}

async function preconditionFailed(ctx: KoaContext): Promise<void> {
  // The body is read to its end first, as S3 does: answering mid-upload aborts the client.
  for await (const _chunk of ctx.req) {
    // discarded
  }
  ctx.status = 412;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>';
}

function header(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * S3's conditional PutObject (If-Match: the ETag must match; If-None-Match: * — it must not
 * exist) and its atomic reads: requests on one key run one at a time, and a GET's body is read
 * whole before the next write of the key starts (s3rver rewrites files in place).
 */
function conditionalPut(store: StoreLike): Middleware {
  const tails = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const [, bucket = '', ...keyParts] = decodeURIComponent(ctx.path).split('/');
    const key = keyParts.join('/');
    if (key === '' || !['GET', 'HEAD', 'PUT', 'DELETE'].includes(ctx.method)) {
      await next();
      return;
    }
    const lockKey = `${bucket}/${key}`;
    const previous = tails.get(lockKey) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(lockKey, tail);
    await previous;
    try {
      if (ctx.method === 'PUT' && !(await conditionHolds(ctx, store, bucket, key))) {
        await preconditionFailed(ctx);
        return;
      }
      await next();
      if (ctx.method === 'GET' && isStream(ctx.body)) {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.body) chunks.push(Buffer.from(chunk as Buffer));
        ctx.body = Buffer.concat(chunks);
      }
    } finally {
      release();
      if (tails.get(lockKey) === tail) tails.delete(lockKey);
    }
  };
}

function isStream(value: unknown): value is NodeJS.ReadableStream {
  return typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
}

async function conditionHolds(
  ctx: KoaContext,
  store: StoreLike,
  bucket: string,
  key: string,
): Promise<boolean> {
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return true;
  const etag = await store.getMetadata(bucket, key).then(
    (metadata) => metadata.etag,
    () => undefined,
  );
  const unquote = (value: string) => value.replace(/^"|"$/g, '');
  if (ifMatch !== undefined && (etag === undefined || unquote(etag) !== unquote(ifMatch))) {
    return false;
  }
  return !(ifNoneMatch === '*' && etag !== undefined);
}

export async function startLocalS3(bucket = 'guardduty-chatops-lists-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'gdc-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const koa = server as unknown as { middleware: Middleware[]; store: StoreLike };
  koa.middleware.unshift(conditionalPut(koa.store));
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    client,
    close: () =>
      (closing ??= (async () => {
        client.destroy();
        await server.close();
        await rm(directory, { recursive: true, force: true });
      })()),
  };
}
