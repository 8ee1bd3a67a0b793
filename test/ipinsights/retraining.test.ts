import { memoryBucket } from '../../harness/s3Listing';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { parseIp } from '../../src/ipinsights/ip';
import type { IpInsightsModel } from '../../src/ipinsights/model';
import {
  qualityGate,
  retrain,
  type RetrainDeps,
  type RetrainingRecord,
} from '../../src/ipinsights/retraining';
import { trainModel } from '../../src/ipinsights/train';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';
import { silentLog } from '../../src/shared/log';
import { entityForPrincipal } from '../../src/shared/principalEntity';

/**
 * The scheduled retraining over a window of CloudTrail days, with its quality gate: CloudTrail
 * in an in-memory bucket behind the same ports the S3 adapters implement, a controlled clock.
 */

const NOW = new Date('2026-11-21T03:00:00Z');
const TRAIL = 's3://trail-bucket/org';
const PRINCIPALS = Array.from({ length: 16 }, (_, i) => `AIDA${String(i).padStart(16, '0')}`);

/** Each principal calls from its own /24, as people at their desks do. */
function records(day: number, principals: readonly string[]) {
  return principals.flatMap((principal, p) =>
    Array.from({ length: 12 }, (_, i) => ({
      eventTime: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`,
      userIdentity: { type: 'IAMUser', principalId: principal },
      sourceIPAddress: `203.${String(p + 10)}.${String(day)}.${String(i + 1)}`,
    })),
  );
}

/** The trail's bucket: one file per day, under CloudTrail's `YYYY/MM/DD/` keys. */
function bucket(days: readonly number[], principals = PRINCIPALS) {
  const objects = new Map<string, string>();
  for (const day of days) {
    const dd = String(day).padStart(2, '0');
    objects.set(
      `org/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/${dd}/123456789012_CloudTrail_us-east-1_202611${dd}T1000Z_a.json`,
      JSON.stringify({ Records: records(day, principals) }),
    );
  }
  return Object.assign(memoryBucket(objects), { objects });
}

const GOOD = resolveHyperparameters({ vector_dim: 8, epochs: 3 }, PRINCIPALS.length);

function modelFrom(principals: readonly string[], hyperparameters = GOOD): IpInsightsModel {
  const builder = new TrainingSetBuilder();
  for (let day = 1; day <= 20; day++) {
    for (const r of records(day, principals)) {
      const ip = parseIp(r.sourceIPAddress);
      if (ip.kind === 'ipv4') builder.add(entityForPrincipal(r.userIdentity.principalId), ip.value);
    }
  }
  return trainModel(builder.build(), { hyperparameters, now: () => NOW }).model;
}

function deps(
  storage: ReturnType<typeof bucket>,
  current: IpInsightsModel | undefined,
): RetrainDeps & { published: IpInsightsModel[]; saved: RetrainingRecord[] } {
  const published: IpInsightsModel[] = [];
  const saved: RetrainingRecord[] = [];
  return {
    storage,
    published,
    saved,
    models: {
      current: () =>
        Promise.resolve(current === undefined ? undefined : { model: current, version: 'v1' }),
      publish: (model) => {
        published.push(model);
        return Promise.resolve('v2');
      },
    },
    records: {
      save: (record) => {
        saved.push(record);
        return Promise.resolve();
      },
    },
    clock: () => NOW,
    log: silentLog,
  };
}

describe('the quality gate', () => {
  it.each([
    [0.9, 0.9, true],
    [0.891, 0.9, true],
    [0.889, 0.9, false],
    [0.6, undefined, true],
    [0.5, undefined, false],
    [Number.NaN, 0.9, false],
  ])('candidate %p against current %p: publish %p', (candidate, current, publish) => {
    expect(qualityGate(candidate, current).publish).toBe(publish);
  });
});

describe('scheduled retraining', () => {
  it('reads only the window’s days, publishes a better model than a stale one, with its window and AUC', async () => {
    // 40 days of CloudTrail: the default window reads the last 30.
    const storage = bucket(Array.from({ length: 21 }, (_, i) => i + 1));
    storage.objects.set(
      'org/AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/01/old_CloudTrail.json',
      JSON.stringify({ Records: records(1, ['AIDAOLD0000000000000']) }),
    );
    // The current model knows other people: it cannot tell this month's pairs from random ones.
    const stale = modelFrom(PRINCIPALS.map((p) => p.replace('AIDA', 'AROA')));
    const d = deps(storage, stale);
    const record = await retrain({ cloudTrail: TRAIL, windowDays: 30, hyperparameters: GOOD }, d);
    expect(record).toMatchObject({
      at: NOW.toISOString(),
      outcome: 'published',
      window: { from: '2026-10-22', to: '2026-11-21' },
      pairs: 21 * 16 * 12,
      entities: 16,
      version: 'v2',
    });
    expect(record.candidateAuc).toBeGreaterThan(0.8);
    expect(record.currentAuc).toBeLessThan(0.6);
    expect(d.published).toHaveLength(1);
    expect(d.published[0]!.metadata).toMatchObject({
      window: { from: '2026-10-22', to: '2026-11-21' },
      source: TRAIL,
      heldOutAuc: record.candidateAuc,
      trainingPairs: 21 * 16 * 12 - Math.ceil((21 * 16 * 12) / 10),
    });
    expect(d.saved).toEqual([record]);
  });

  it('rejects a worse model: the current one stays, the rejection is recorded', async () => {
    const storage = bucket([18, 19, 20]);
    const current = modelFrom(PRINCIPALS);
    const weak = resolveHyperparameters(
      // Every principal hashed onto one row, and no training counts to fall back on: it cannot
      // tell one principal's network from another's.
      { vector_dim: 4, epochs: 1, num_entity_vectors: 1, frequency_prior_weight: 0 },
      PRINCIPALS.length,
    );
    const d = deps(storage, current);
    const record = await retrain({ cloudTrail: TRAIL, windowDays: 30, hyperparameters: weak }, d);
    expect(record).toMatchObject({ outcome: 'rejected', version: 'v1' });
    expect(record.currentAuc! - record.candidateAuc!).toBeGreaterThan(0.01);
    expect(record.reason).toMatch(
      /is more than 0\.01 below the current model’s \d\.\d{3}; the current model stays/,
    );
    expect(d.published).toEqual([]);
    expect(d.saved).toEqual([record]);
  });

  it('reads an organization trail’s accounts and regions, listing only the window, without digests', async () => {
    const objects = new Map<string, string>();
    const body = (day: number, principals: readonly string[]) =>
      JSON.stringify({ Records: records(day, principals) });
    const accounts = ['111122223333', '444455556666'];
    for (const [a, account] of accounts.entries()) {
      for (const region of ['eu-west-1', 'us-east-1']) {
        const base = `org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}`;
        // Years of history before the window, never listed.
        objects.set(
          `${base}/2024/03/02/${account}_CloudTrail_old.json`,
          body(2, ['AIDAOLD0000000000000']),
        );
        for (const day of [19, 20, 21]) {
          const principals = PRINCIPALS.slice(a * 8, a * 8 + 8);
          objects.set(
            `${base}/2026/11/${String(day)}/${account}_CloudTrail_${region}.json`,
            body(day, principals),
          );
        }
      }
      // Digest files sign the logs: no records, not training data, not counted.
      objects.set(
        `org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail-Digest/eu-west-1/2026/11/20/${account}_CloudTrail-Digest_x.json.gz`,
        JSON.stringify({ digestStartTime: '2026-11-20T00:00:00Z' }),
      );
    }
    const storage = memoryBucket(objects);
    const listed: { key: string; startAfter?: string }[] = [];
    const listSized = storage.listSized.bind(storage);
    const recording = {
      ...storage,
      listSized: (prefix: { bucket: string; key: string }, options?: { startAfter?: string }) => {
        listed.push({
          key: prefix.key,
          ...(options?.startAfter === undefined ? {} : { startAfter: options.startAfter }),
        });
        return listSized(prefix, options);
      },
    };
    const d = { ...deps(Object.assign(storage, { objects }), undefined), storage: recording };
    const record = await retrain({ cloudTrail: TRAIL, windowDays: 30, hyperparameters: GOOD }, d);
    const windowBytes = [...objects]
      .filter(([key]) => key.includes('/CloudTrail/') && key.includes('/2026/'))
      .reduce((sum, [, b]) => sum + Buffer.byteLength(b), 0);
    expect(record).toMatchObject({
      outcome: 'published',
      objects: 2 * 2 * 3,
      bytes: windowBytes,
      pairs: 2 * 2 * 3 * 8 * 12,
      entities: 16,
    });
    expect(listed).toEqual(
      accounts.flatMap((account) =>
        ['eu-west-1', 'us-east-1'].map((region) => ({
          key: `org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/`,
          startAfter: `org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/2026/10/22`,
        })),
      ),
    );
  });

  it('reads a trail prefix below the region folders too (a month), by the keys’ dates', async () => {
    const storage = bucket(Array.from({ length: 21 }, (_, i) => i + 1));
    const record = await retrain(
      {
        cloudTrail: `${TRAIL}/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/`,
        windowDays: 5,
        hyperparameters: GOOD,
      },
      deps(storage, undefined),
    );
    // 2026-11-16 to 2026-11-21: six days of the trail's 21.
    expect(record).toMatchObject({ objects: 6, pairs: 6 * 16 * 12 });
  });

  it('requests the next 16 objects while one is parsed, and each object once', async () => {
    const storage = bucket(Array.from({ length: 21 }, (_, i) => i + 1));
    let outstanding = 0;
    let most = 0;
    const reads: string[] = [];
    const slow = {
      ...storage,
      read: async (location: { bucket: string; key: string }) => {
        reads.push(location.key);
        most = Math.max(most, ++outstanding);
        await new Promise((done) => setTimeout(done, 5));
        outstanding--;
        return storage.read(location);
      },
    };
    const d = { ...deps(storage, undefined), storage: slow };
    const record = await retrain({ cloudTrail: TRAIL, windowDays: 30, hyperparameters: GOOD }, d);
    expect(record.outcome).toBe('published');
    expect(most).toBe(17);
    expect(reads).toEqual([...storage.objects.keys()].sort());
  });

  it('says so when the window holds too few pairs, and publishes nothing', async () => {
    const d = deps(bucket([]), undefined);
    const record = await retrain({ cloudTrail: TRAIL, windowDays: 30, hyperparameters: GOOD }, d);
    expect(record).toMatchObject({ outcome: 'failed', pairs: 0, entities: 0 });
    expect(d.published).toEqual([]);
  });
});
