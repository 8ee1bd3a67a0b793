import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { Finding } from '../../findings';
import { parseJsonOrUndefined, readDataFile } from './dataFile';
import { DemoDataError } from './errors';

/**
 * The sample findings carry the dates they were collected with; shown as they are, a demo run a
 * month later would have nothing "in the last 7 days" for `/guardduty list`. So they are moved
 * forward, spacing kept, to end at the moment the data folder was first used; that moment is
 * kept in the folder, so a restart moves them exactly the same way and changes no message.
 */

export const SAMPLES_CLOCK_FILE = 'samples.json';

const SamplesClockSchema = z.object({ newestUpdatedAt: z.iso.datetime() });

/** When the newest sample finding is shown as updated, fixed at the folder's first start. */
export async function samplesClock(dataDir: string, now: () => Date): Promise<Date> {
  const path = join(dataDir, SAMPLES_CLOCK_FILE);
  const text = await readDataFile(path);
  if (text === undefined) {
    const newestUpdatedAt = now().toISOString();
    await writeFile(path, `${JSON.stringify({ newestUpdatedAt })}\n`, { flag: 'wx' });
    return new Date(newestUpdatedAt);
  }
  const parsed = SamplesClockSchema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) {
    throw new DemoDataError(
      `${path}: not the demo's samples clock; delete the data folder to start over`,
    );
  }
  return new Date(parsed.data.newestUpdatedAt);
}

function shifted(iso: string, shiftMs: number): string {
  return new Date(Date.parse(iso) + shiftMs).toISOString();
}

/** The findings moved in time so the newest update is `newest`; the times between stay. */
export function freshen(findings: readonly Finding[], newest: Date): Finding[] {
  if (findings.length === 0) return [];
  const latest = Math.max(...findings.map((f) => Date.parse(f.updatedAt)));
  const shiftMs = newest.getTime() - latest;
  return findings.map((finding) => {
    const { eventFirstSeen: first, eventLastSeen: last } = finding.service;
    return {
      ...finding,
      createdAt: shifted(finding.createdAt, shiftMs),
      updatedAt: shifted(finding.updatedAt, shiftMs),
      service: {
        ...finding.service,
        ...(first === undefined ? {} : { eventFirstSeen: shifted(first, shiftMs) }),
        ...(last === undefined ? {} : { eventLastSeen: shifted(last, shiftMs) }),
      },
    };
  });
}
