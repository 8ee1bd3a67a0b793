import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoDataError } from '../../../src/app/demo/errors';
import { freshen, SAMPLES_CLOCK_FILE, samplesClock } from '../../../src/app/demo/freshen';
import { fixtureFinding, fixtureNames } from '../../../harness/fixtures';

const findings = fixtureNames().map(fixtureFinding);
const NEWEST = new Date('2031-05-06T07:08:09.000Z');

describe('sample findings moved to the demo time', () => {
  it('end at the given moment and keep every time between them', () => {
    const moved = freshen(findings, NEWEST);
    const shift = (before: string, after: string) => Date.parse(after) - Date.parse(before);
    const shifts = new Set(
      moved.flatMap((after, i) => {
        const before = findings[i]!;
        return [
          shift(before.createdAt, after.createdAt),
          shift(before.updatedAt, after.updatedAt),
          ...(before.service.eventFirstSeen === undefined
            ? []
            : [shift(before.service.eventFirstSeen, after.service.eventFirstSeen!)]),
          ...(before.service.eventLastSeen === undefined
            ? []
            : [shift(before.service.eventLastSeen, after.service.eventLastSeen!)]),
        ];
      }),
    );
    expect(shifts.size).toBe(1);
    expect(Math.max(...moved.map((f) => Date.parse(f.updatedAt)))).toBe(NEWEST.getTime());
    // Nothing but the times changes.
    expect(
      moved.map((f) => ({
        ...f,
        createdAt: '',
        updatedAt: '',
        service: { ...f.service, eventFirstSeen: '', eventLastSeen: '' },
      })),
    ).toEqual(
      findings.map((f) => ({
        ...f,
        createdAt: '',
        updatedAt: '',
        service: { ...f.service, eventFirstSeen: '', eventLastSeen: '' },
      })),
    );
    expect(freshen([], NEWEST)).toEqual([]);
  });
});

describe('the samples clock of a data folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-clock-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is the first start, kept for every later start', async () => {
    await expect(samplesClock(dir, () => NEWEST)).resolves.toEqual(NEWEST);
    await expect(samplesClock(dir, () => new Date('2040-01-01T00:00:00Z'))).resolves.toEqual(
      NEWEST,
    );
    expect(await readFile(join(dir, SAMPLES_CLOCK_FILE), 'utf8')).toBe(
      '{"newestUpdatedAt":"2031-05-06T07:08:09.000Z"}\n',
    );
  });

  it('refuses a damaged file, naming it', async () => {
    await writeFile(join(dir, SAMPLES_CLOCK_FILE), '{"newestUpdatedAt":"yesterday"}');
    await expect(samplesClock(dir, () => NEWEST)).rejects.toThrow(
      new DemoDataError(
        `${join(dir, SAMPLES_CLOCK_FILE)}: not the demo's samples clock; delete the data folder to start over`,
      ),
    );
  });
});
