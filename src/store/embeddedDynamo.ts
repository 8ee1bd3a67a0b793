import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import dynalite from 'dynalite';
import { Level } from 'level';
import { conditionFailureProxy } from './conditionFailureItems';
import { CodedError, ErrorCode } from '../shared/errors';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:PORT`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The store's folder is open in another process, or already in this one. */
export class EmbeddedStoreLockedError extends CodedError {
  override readonly name = 'EmbeddedStoreLockedError';
  readonly code = ErrorCode.StoreLocked;
}

/**
 * Folders this process has open. LevelDB's lock table is per process, and a failed second open
 * in the same process closes the LOCK file, which silently drops the first open's lock for other
 * processes (fcntl semantics); so a folder open here is refused before LevelDB is asked.
 */
const openFolders = new Set<string>();

/**
 * Takes the folder or throws EmbeddedStoreLockedError. Checked before dynalite starts because
 * dynalite opens LevelDB lazily and throws an open failure from inside a request handler, where
 * nothing can catch it.
 */
async function claimFolder(dir: string): Promise<string> {
  const key = resolve(dir);
  if (openFolders.has(key)) throw new EmbeddedStoreLockedError(`${dir} is already open`);
  const probe = new Level(key);
  try {
    await probe.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new EmbeddedStoreLockedError(`${dir} is locked by another process`);
    }
    throw error;
  }
  await probe.close();
  openFolders.add(key);
  return key;
}

/**
 * DynamoDB in this process (dynalite) on loopback. With `dir` the data is kept in a LevelDB folder
 * and survives a restart; without it the data lives in memory (tests).
 */
export async function startEmbeddedDynamo(options: { dir?: string; port?: number } = {}) {
  if (options.dir !== undefined) mkdirSync(options.dir, { recursive: true });
  const folder = options.dir === undefined ? undefined : await claimFolder(options.dir);
  const release = () => {
    if (folder !== undefined) openFolders.delete(folder);
  };
  const server = dynalite({
    ...(folder === undefined ? {} : { path: folder }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const listen = (target: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      target.once('error', reject);
      target.listen(port, '127.0.0.1', () => {
        target.off('error', reject);
        resolve();
      });
    });
  const closeServer = (target: Server) =>
    new Promise<void>((resolve, reject) => {
      target.close((error?: Error | null) => (error == null ? resolve() : reject(error)));
      target.closeAllConnections();
    });
  let proxy: Server | undefined;
  try {
    await listen(server, 0);
    // What the SDK reaches: dynalite behind a proxy that adds the failed item to a lost condition.
    proxy = conditionFailureProxy((server.address() as AddressInfo).port);
    await listen(proxy, options.port ?? 0);
  } catch (error) {
    if (server.listening) await closeServer(server);
    release();
    throw error;
  }
  const front = proxy;
  const { port } = front.address() as AddressInfo;
  const embedded: EmbeddedDynamo = {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      try {
        await closeServer(front);
        await closeServer(server);
      } finally {
        release();
      }
    },
  };
  return embedded;
}
