import { randomInt, randomNormal, type Random } from '../../ipinsights/random';

/**
 * Synthetic login activity generated the way the SageMaker IP Insights tutorial does: the IPv4
 * space is split into autonomous systems (ASNs) sorted by address, each user has a home and a
 * work ASN, logs in near one of them (a few ASNs around it) and sometimes travels (any ASN).
 */

/** An autonomous system's address block. */
export interface AsnRange {
  readonly first: number;
  readonly size: number;
}

export interface SyntheticUser {
  readonly home: number;
  readonly work: number;
  /** Probability that a login comes from a random ASN; Beta(1, 30) as in the tutorial. */
  readonly travel: number;
  /** Probability that a non-travelling login is from home rather than work; Beta(3, 5). */
  readonly atHome: number;
  /** Logins of this user; Pareto-distributed as in the tutorial. */
  readonly logins: number;
}

export interface SyntheticUserOptions {
  /** Cap on logins per user (the tutorial's MAX_NUM_OF_EVENTS is 10,000). */
  readonly maxLogins: number;
  /** How far, in ASN positions, work can be from home (the tutorial's window is ~8 % of ASNs). */
  readonly homeWorkWindow: number;
}

/** Address range of the synthetic ASNs: 1.0.0.0 up to the end of 223/8 (unicast). */
const SPACE_START = 2 ** 24;
const SPACE_END = 224 * 2 ** 24;
const MIN_BLOCK_BITS = 8;
const MAX_BLOCK_BITS = 16;
/** The tutorial's HOME_WORK_LOCALITY_WINDOW_SIGMA: logins stray a few ASNs from home or work. */
const LOCALITY_SIGMA = 10;

/** `count` ASNs, sorted by address, each a /16 to /24 block at a random place in unicast space. */
export function syntheticAsns(count: number, random: Random): AsnRange[] {
  const cuts = Array.from(
    { length: count },
    () => SPACE_START + Math.floor(random.next() * (SPACE_END - SPACE_START)),
  ).sort((a, b) => a - b);
  return cuts.map((start, i) => {
    const room = (cuts[i + 1] ?? SPACE_END) - start;
    const bits = MIN_BLOCK_BITS + randomInt(random, MAX_BLOCK_BITS - MIN_BLOCK_BITS + 1);
    const size = Math.max(1, Math.min(2 ** bits, room));
    return { first: start, size };
  });
}

export function syntheticUser(asnCount: number, random: Random, options: SyntheticUserOptions) {
  const home = randomInt(random, asnCount);
  let work = home;
  while (work === home) {
    const offset = randomInt(random, 2 * options.homeWorkWindow + 1) - options.homeWorkWindow;
    work = (((home + offset) % asnCount) + asnCount) % asnCount;
  }
  const logins = Math.min(options.maxLogins, Math.floor(50 / (1 - random.next())));
  return {
    home,
    work,
    travel: randomBeta(random, 1, 30),
    atHome: randomBeta(random, 3, 5),
    logins,
  } satisfies SyntheticUser;
}

function ipInAsn(asn: AsnRange, random: Random): number {
  return asn.first + randomInt(random, asn.size);
}

/** A login IP for a user: a random ASN when travelling, else near home or work. */
export function userLoginIp(
  user: SyntheticUser,
  asns: readonly AsnRange[],
  random: Random,
): number {
  if (random.next() < user.travel) return randomAsnIp(asns, random);
  const base = random.next() < user.atHome ? user.home : user.work;
  const near = Math.trunc(base + randomNormal(random) * LOCALITY_SIGMA);
  const index = ((near % asns.length) + asns.length) % asns.length;
  return ipInAsn(asns[index] ?? { first: SPACE_START, size: 1 }, random);
}

/** The tutorial's `draw_ip`: a random address of a random ASN (the "random IP" negatives). */
export function randomAsnIp(asns: readonly AsnRange[], random: Random): number {
  return ipInAsn(asns[randomInt(random, asns.length)] ?? { first: SPACE_START, size: 1 }, random);
}

/** Beta(a, b) from two Gamma draws (Marsaglia–Tsang; shapes here are ≥ 1). */
function randomBeta(random: Random, a: number, b: number): number {
  const x = randomGamma(random, a);
  const y = randomGamma(random, b);
  return x / (x + y);
}

function randomGamma(random: Random, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = randomNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
