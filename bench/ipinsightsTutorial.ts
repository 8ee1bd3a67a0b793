import { readFile } from 'node:fs/promises';
import {
  randomAsnIp,
  syntheticUser,
  userLoginIp,
  type AsnRange,
} from '../src/app/demo/syntheticLogins';
import { randomInt, type Random } from '../src/ipinsights/random';
import { TrainingSetBuilder, type TrainingSet } from '../src/ipinsights/trainingSet';

/**
 * AWS's IP Insights tutorial benchmark (the SageMaker examples' `ipinsights_login`), reproduced:
 * its `generate_data.py` data shape over a real IPv4 → ASN table, its time split (7 days of 10
 * to train, the last 3 to test) and its test case (100,000 normal test events of training users
 * plus 100,000 `draw_ip` attacks: a random training user from a random address of a random ASN).
 */

export const TUTORIAL = {
  users: 10_000,
  maxEventsPerUser: 10_000,
  /** `HOME_WORK_DISTANCE_UNIFORM_WINDOW`, in positions of the sorted ASN table. */
  homeWorkWindow: 50_000,
  days: 10,
  trainDays: 7,
  testSamples: 100_000,
  /** The false-positive rate SageMaker's published recall (0.9845) was read at. */
  falsePositiveRate: 0.0504,
} as const;

/**
 * The IPv4 ranges of `@ip-location-db/asn` (RouteViews, the five RIRs and DB-IP, CC BY 4.0), in
 * address order, as the tutorial's `ip2asn-v4-u32.tsv` gives them: one entry per routed range.
 */
export interface AsnTableRange extends AsnRange {
  /** The autonomous system number announcing the range. */
  readonly asn: number;
}

export async function loadAsnTable(): Promise<AsnTableRange[]> {
  const path = require.resolve('@ip-location-db/asn/asn-ipv4-num.csv');
  const text = await readFile(path, 'utf8');
  const ranges: AsnTableRange[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const first = text.indexOf(',', start);
    const second = text.indexOf(',', first + 1);
    const third = text.indexOf(',', second + 1);
    const asnEnd = third > second && third < end ? third : end;
    if (first > start && second > first && second < end) {
      const begin = Number(text.slice(start, first));
      const last = Number(text.slice(first + 1, second));
      const asn = Number(text.slice(second + 1, asnEnd));
      if (Number.isInteger(begin) && Number.isInteger(last) && last >= begin) {
        ranges.push({ first: begin, size: last - begin + 1, asn });
      }
    }
    start = end + 1;
  }
  return ranges.sort((a, b) => a.first - b.first);
}

export interface TutorialData {
  readonly asns: readonly AsnRange[];
  readonly events: number;
  readonly train: TrainingSet;
  /** 100,000 test events of users seen in training (the tutorial's "good traffic"). */
  readonly normal: { readonly entities: readonly string[]; readonly ips: Uint32Array };
  /** 100,000 attacks: a uniformly chosen training user with `draw_ip()`. */
  readonly attacks: { readonly entities: readonly string[]; readonly ips: Uint32Array };
}

/** Generates the tutorial's login events and splits them by time as its notebook does. */
export function generateTutorialData(
  asns: readonly AsnRange[],
  random: Random,
  users: number = TUTORIAL.users,
): TutorialData {
  const builder = new TrainingSetBuilder();
  const testEntities: string[] = [];
  const testIps: number[] = [];
  let events = 0;
  for (let user = 0; user < users; user++) {
    const profile = syntheticUser(asns.length, random, {
      maxLogins: TUTORIAL.maxEventsPerUser,
      homeWorkWindow: TUTORIAL.homeWorkWindow,
    });
    const name = `user_${user}`;
    for (let i = 0; i < profile.logins; i++) {
      const ip = userLoginIp(profile, asns, random);
      events++;
      // Uniform timestamps over 10 days: the first 7 train, the last 3 test.
      if (random.next() * TUTORIAL.days < TUTORIAL.trainDays) builder.add(name, ip);
      else {
        testEntities.push(name);
        testIps.push(ip);
      }
    }
  }
  const train = builder.build();
  const trained = new Set(train.entities);
  const candidates = testEntities.flatMap((entity, i) => (trained.has(entity) ? [i] : []));
  const samples = Math.min(TUTORIAL.testSamples, candidates.length);
  // Sample without replacement (a partial Fisher-Yates shuffle).
  for (let i = 0; i < samples; i++) {
    const j = i + randomInt(random, candidates.length - i);
    const swap = candidates[i] ?? 0;
    candidates[i] = candidates[j] ?? 0;
    candidates[j] = swap;
  }
  const chosen = candidates.slice(0, samples);
  const attackEntities = Array.from(
    { length: samples },
    () => train.entities[randomInt(random, train.entities.length)] ?? '',
  );
  return {
    asns,
    events,
    train,
    normal: {
      entities: chosen.map((i) => testEntities[i] ?? ''),
      ips: Uint32Array.from(chosen, (i) => testIps[i] ?? 0),
    },
    attacks: {
      entities: attackEntities,
      ips: Uint32Array.from(attackEntities, () => randomAsnIp(asns, random)),
    },
  };
}
