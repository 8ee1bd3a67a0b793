import type { AsnTableRange } from './ipinsightsTutorial';
import { networkOf } from '../src/ipinsights/history';
import { randomInt, type Random } from '../src/ipinsights/random';
import { TrainingSetBuilder, type TrainingSet } from '../src/ipinsights/trainingSet';

/**
 * A harder shape of login data than the tutorial's, over the real IPv4 → ASN table:
 * - networks are real autonomous systems with all their (scattered) address blocks, and their
 *   popularity is heavy-tailed (Zipf over networks ranked by address space);
 * - users share mobile carriers (a handful of the biggest networks) and offices (a few fixed
 *   addresses colleagues share), so another user's real IP is often from a network of this user;
 * - users have one to four homes, with sticky addresses that change now and then anywhere in
 *   the home network (often another /16 of it);
 * - travel goes to popular networks, not uniformly random ones.
 * The attack that matters is the shuffled pair: one user's credentials from a network that is
 * normal for other users.
 */

export interface Network {
  readonly blocks: readonly { readonly first: number; readonly size: number }[];
  readonly size: number;
}

/** Real autonomous systems, each with all its blocks, biggest first (the popularity rank). */
export function networksOf(table: readonly AsnTableRange[], count: number): Network[] {
  const byAsn = new Map<number, { first: number; size: number }[]>();
  for (const range of table) {
    if (range.asn <= 0) continue;
    const blocks = byAsn.get(range.asn) ?? [];
    blocks.push({ first: range.first, size: range.size });
    byAsn.set(range.asn, blocks);
  }
  return [...byAsn.values()]
    .map((blocks) => ({ blocks, size: blocks.reduce((sum, b) => sum + b.size, 0) }))
    .sort((a, b) => b.size - a.size)
    .slice(0, count);
}

/** Zipf(s) over ranks 0..n-1, sampled by binary search on the cumulative weights. */
class Zipf {
  private readonly cumulative: Float64Array;

  constructor(n: number, s: number) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / (i + 1) ** s;
      this.cumulative[i] = total;
    }
  }

  draw(random: Random): number {
    const target = random.next() * (this.cumulative[this.cumulative.length - 1] ?? 0);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function ipIn(network: Network, random: Random): number {
  let at = random.next() * network.size;
  for (const block of network.blocks) {
    if (at < block.size) return block.first + Math.floor(at);
    at -= block.size;
  }
  const last = network.blocks[network.blocks.length - 1] ?? { first: 0, size: 1 };
  return last.first + randomInt(random, last.size);
}

type Source =
  | {
      readonly kind: 'home';
      readonly network: Network;
      /** The regional pool (a /16) the home's addresses usually come from. */
      readonly region: number;
      current: number;
    }
  | { readonly kind: 'carrier'; readonly network: Network }
  | { readonly kind: 'office'; readonly ips: readonly number[] }
  | { readonly kind: 'travel' };

export const HARDER = {
  networks: 30_000,
  carriers: 10,
  /** A carrier's public (CGNAT) pool: this many /18 blocks of one network. */
  carrierPoolBlocks: 16,
  usersPerOffice: 25,
  holdOut: 0.1,
  /** Chance that a home address changes at a login (DHCP lease, reconnect). */
  readdress: 0.05,
  /** Chance that a new home address comes from anywhere in the network, not its regional /16. */
  farReaddress: 0.1,
} as const;

/** A carrier's CGNAT pool: a few /18 blocks of one network, which all its users share. */
function carrierPool(network: Network, random: Random): Network {
  const blocks = Array.from({ length: HARDER.carrierPoolBlocks }, () => {
    const start = ipIn(network, random);
    return { first: start - (start % 16_384), size: 16_384 };
  });
  return { blocks, size: blocks.length * 16_384 };
}

/** A random /16 of the network, where a home's addresses are usually handed out. */
function regionOf(network: Network, random: Random): number {
  return networkOf(ipIn(network, random));
}

function ipInRegion(network: Network, region: number, random: Random): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    const ip = ipIn(network, random);
    if (networkOf(ip) === region) return ip;
  }
  // A network with little of its space in the region: any address of the region's blocks.
  return region * 65_536 + randomInt(random, 65_536);
}

export interface HarderData {
  readonly train: TrainingSet;
  readonly test: { readonly entities: readonly string[]; readonly ips: Uint32Array };
  /** Addresses of routed networks drawn by popularity, for the "random routed IP" negatives. */
  readonly randomRoutedIp: (random: Random) => number;
}

export function generateHarderData(
  networks: readonly Network[],
  targetPairs: number,
  random: Random,
): HarderData {
  // Popularity is heavy-tailed but not tied to address space (the biggest holders are clouds
  // and governments, not home ISPs): Zipf over a random order of the networks.
  const order = Uint32Array.from({ length: networks.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  const byPopularity = Array.from(order, (i) => networks[i] ?? networks[0]!);
  const zipf = new Zipf(networks.length, 1.0);
  const popular = { draw: (r: Random) => zipf.draw(r) };
  const carriers = Array.from({ length: HARDER.carriers }, (_, i) =>
    carrierPool(networks[50 + i * 37] ?? networks[0]!, random),
  );
  const carrierPick = new Zipf(HARDER.carriers, 1.0);
  const officeNetworks: Network[] = [];
  const offices: number[][] = [];
  const officePick = new Zipf(
    Math.max(1, Math.round(targetPairs / 200 / HARDER.usersPerOffice)),
    1.0,
  );
  const network = (rank: number) => byPopularity[rank] ?? networks[0]!;
  const popularity = popular;
  const office = (index: number): number[] => {
    while (offices.length <= index) {
      const where = network(popularity.draw(random));
      officeNetworks.push(where);
      const base = ipIn(where, random);
      offices.push([base, base + 1, base + 2, base + 3]);
    }
    return offices[index] ?? [];
  };

  const builder = new TrainingSetBuilder();
  const testEntities: string[] = [];
  const testIps: number[] = [];
  for (let user = 0; builder.size + testIps.length < targetPairs; user++) {
    const sources: Source[] = [];
    const homes =
      1 +
      (random.next() < 0.5 ? 1 : 0) +
      (random.next() < 0.2 ? 1 : 0) +
      (random.next() < 0.1 ? 1 : 0);
    for (let h = 0; h < homes; h++) {
      const where = network(popularity.draw(random));
      const region = regionOf(where, random);
      sources.push({
        kind: 'home',
        network: where,
        region,
        current: ipInRegion(where, region, random),
      });
    }
    if (random.next() < 0.8) {
      sources.push({
        kind: 'carrier',
        network: carriers[carrierPick.draw(random)] ?? carriers[0]!,
      });
    }
    if (random.next() < 0.5) sources.push({ kind: 'office', ips: office(officePick.draw(random)) });
    sources.push({ kind: 'travel' });
    // Dirichlet(1) weights, with travel kept small (Beta(1, 20) on average 5 %).
    const weights = sources.map((s) => (s.kind === 'travel' ? 0 : -Math.log(1 - random.next())));
    const travel = betaOneN(random, 20);
    const total = weights.reduce((sum, w) => sum + w, 0);
    const cumulative: number[] = [];
    let running = 0;
    for (const w of weights) {
      running += (w / total) * (1 - travel);
      cumulative.push(running);
    }
    const name = `user_${user}`;
    const logins = Math.min(5000, Math.floor(30 / (1 - random.next())));
    for (let i = 0; i < logins; i++) {
      const u = random.next();
      let index = cumulative.findIndex((c) => u < c);
      if (index < 0) index = sources.length - 1;
      const source = sources[index] ?? { kind: 'travel' };
      let ip: number;
      switch (source.kind) {
        case 'home':
          if (random.next() < HARDER.readdress) {
            source.current =
              random.next() < HARDER.farReaddress
                ? ipIn(source.network, random)
                : ipInRegion(source.network, source.region, random);
          }
          ip = source.current;
          break;
        case 'carrier':
          ip = ipIn(source.network, random);
          break;
        case 'office':
          ip = source.ips[randomInt(random, source.ips.length)] ?? 0;
          break;
        case 'travel':
          ip = ipIn(network(popularity.draw(random)), random);
          break;
      }
      if (random.next() < HARDER.holdOut) {
        testEntities.push(name);
        testIps.push(ip);
      } else builder.add(name, ip);
    }
  }
  return {
    train: builder.build(),
    test: { entities: testEntities, ips: Uint32Array.from(testIps) },
    randomRoutedIp: (r) => ipIn(network(randomInt(r, networks.length)), r),
  };
}

/** Beta(1, n): 1 - U^(1/n). */
function betaOneN(random: Random, n: number): number {
  return 1 - (1 - random.next()) ** (1 / n);
}

/**
 * The baseline a model has to beat: how often this principal was seen from the IP's /16 in
 * training (its share of the principal's pairs). No learning, no generalisation.
 */
export class SlashSixteenBaseline {
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly totals = new Map<string, number>();

  constructor(set: TrainingSet) {
    set.entityOfPair.forEach((entityIndex, pair) => {
      const entity = set.entities[entityIndex] ?? '';
      let byNetwork = this.counts.get(entity);
      if (byNetwork === undefined) {
        byNetwork = new Map();
        this.counts.set(entity, byNetwork);
      }
      const prefix = networkOf(set.ipOfPair[pair] ?? 0);
      byNetwork.set(prefix, (byNetwork.get(prefix) ?? 0) + 1);
      this.totals.set(entity, (this.totals.get(entity) ?? 0) + 1);
    });
  }

  score(entity: string, ip: number): number {
    const count = this.counts.get(entity)?.get(networkOf(ip)) ?? 0;
    return count / (this.totals.get(entity) ?? 1);
  }
}
