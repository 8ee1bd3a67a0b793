import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io';
import type { ObjectStorage, S3Location } from '../../src/ipinsights/object-storage';

export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** A CliIo over strings, so commands run in-process and their output is asserted exactly. */
export function memoryIo(options: {
  stdin?: string;
  cwd: string;
  interactive?: boolean;
}): MemoryIo {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    stdin: options.stdin === undefined ? new PassThrough() : Readable.from([options.stdin]),
    stdout: sink((text) => (out += text)),
    stderr: sink((text) => (err += text)),
    env: {},
    cwd: options.cwd,
    interactive: options.interactive ?? false,
    out: () => out,
    err: () => err,
  };
}

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
