import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
export { memoryIo, type MemoryIo } from '../helpers/cliIo';
import type { ObjectStorage, S3Location } from '../../src/ipinsights/objectStorage';

export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ipinsights-'));
}

/** An in-memory bucket standing in for S3 behind the ObjectStorage interface. */
export class MemoryStorage implements ObjectStorage {
  readonly objects = new Map<string, Uint8Array>();

  list(prefix: S3Location): AsyncIterable<string> {
    const keys = [...this.objects.keys()]
      .filter((uri) => uri.startsWith(`s3://${prefix.bucket}/${prefix.key}`))
      .map((uri) => uri.slice(`s3://${prefix.bucket}/`.length))
      .sort();
    return Readable.from(keys);
  }

  read(location: S3Location): Promise<Readable> {
    const body = this.objects.get(`s3://${location.bucket}/${location.key}`);
    if (body === undefined) return Promise.reject(new Error(`no object ${location.key}`));
    return Promise.resolve(Readable.from([Buffer.from(body)]));
  }

  write(location: S3Location, body: Uint8Array): Promise<void> {
    this.objects.set(`s3://${location.bucket}/${location.key}`, body);
    return Promise.resolve();
  }
}
