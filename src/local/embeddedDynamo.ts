import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:PORT`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * DynamoDB in this process (dynalite) on loopback. With `dir` the data is kept in a LevelDB folder
 * and survives a restart; without it the data lives in memory (tests).
 */
export async function startEmbeddedDynamo(options: { dir?: string; port?: number } = {}) {
  if (options.dir !== undefined) mkdirSync(options.dir, { recursive: true });
  const server = dynalite({
    ...(options.dir === undefined ? {} : { path: options.dir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const embedded: EmbeddedDynamo = {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error | null) => (error == null ? resolve() : reject(error)));
      }),
  };
  return embedded;
}
