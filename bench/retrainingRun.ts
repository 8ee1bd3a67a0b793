import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { resolveHyperparameters } from '../src/ipinsights/hyperparameters';
import type { S3Location } from '../src/ipinsights/objectStorage';
import { retrain, type RetrainingRecord } from '../src/ipinsights/retraining';
import { silentLog } from '../src/shared/log';
import { listObjects } from '../harness/s3Listing';

/**
 * One retraining in a process of its own, as the function runs it, over a trail written to a
 * folder (`bench/retraining.ts` writes it): objects streamed from disk, nothing else in memory,
 * so the process's peak resident set is the retraining's; each read may wait as S3's first byte
 * does. Prints one JSON line.
 */
async function main(dir: string, days: number, end: string, latencyMs: number): Promise<void> {
  const files = new Map<string, number>();
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.set(relative(dir, path), (await stat(path)).size);
    }
  };
  await walk(dir);
  const storage = {
    async *listSized(prefix: S3Location, options: { readonly startAfter?: string } = {}) {
      const listed = listObjects(files, {
        prefix: prefix.key,
        ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
      });
      for (const object of listed.contents) yield await Promise.resolve(object);
    },
    async *folders(prefix: S3Location) {
      const listed = listObjects(files, { prefix: prefix.key, delimiter: '/' });
      for (const folder of listed.commonPrefixes) yield await Promise.resolve(folder);
    },
    // S3's first byte comes a round trip later: `latencyMs` per GetObject.
    read: (location: S3Location) =>
      new Promise<Readable>((done) =>
        setTimeout(() => done(createReadStream(join(dir, location.key))), latencyMs),
      ),
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  let record: RetrainingRecord | undefined;
  await retrain(
    {
      cloudTrail: 's3://trail-bucket/',
      windowDays: days,
      hyperparameters: (entities) => resolveHyperparameters({}, entities),
    },
    {
      storage,
      models: { current: () => Promise.resolve(undefined), publish: () => Promise.resolve('v1') },
      records: { save: (r) => Promise.resolve(void (record = r)) },
      clock: () => new Date(end),
      log: silentLog,
    },
  );
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({
      record,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}

const [dir = '', days = '30', end = '', latencyMs = '0'] = process.argv.slice(2);
void main(dir, Number(days), end, Number(latencyMs));
