import { mix32 } from './hash';

/**
 * How often training saw this entity, and anyone, at this IP and its networks: the counts the
 * learned embeddings blur (their /32 and /24 rows are hashed into shared buckets). Added to the
 * dot product as a log likelihood ratio, it ranks:
 * - an address the entity itself keeps using (a home, an office) first;
 * - an address other entities keep using and this one never did (another user's home, a shared
 *   office or carrier pool it is not part of) low: that is the stolen-credentials case;
 * - a first visit to a popular network (travel) above an address in a network nobody uses.
 *
 *   score = ln((1 - t)·p_entity(ip) + t·p_networks(ip) + floor) − ln(p_addresses(ip) + p_networks(ip) + 2⁻³²)
 *
 * p_entity backs off from the exact address through its /24 and /16 to its /8, each count spread
 * over the addresses of its prefix; p_networks is everyone's /16 and /8 popularity, p_addresses
 * everyone's exact addresses. Weights chosen on the bench's harder generator (bench/).
 */

/** Weights of the entity's /32, /24, /16 and /8 counts in p_entity. */
const ENTITY_WEIGHTS = [1, 0.3, 0.1, 0.03] as const;
const NETWORK_WEIGHTS = { 16: 1, 8: 0.3 } as const;
/** Share of an entity's activity assumed to go to networks it was never seen from (travel). */
const TRAVEL_SHARE = 0.05;
/** Density floor of the numerator, per address: where neither the entity nor anyone went. */
const FLOOR = 0.01 / 2 ** 32;
const UNIFORM = 1 / 2 ** 32;
/**
 * Exact addresses and /24s seen once carry little evidence and are most of the keys (a carrier's
 * pool, one-off travel): the stored prior keeps counts from 2 at those levels, so the file stays
 * small on data where almost every address is new.
 */
const MIN_FINE_COUNT = 2;

/** Level codes inside the keys: 0 is an entity's total, 1..4 its prefixes, 5..7 everyone's. */
const TOTAL = 0;
const GLOBAL_ENTITY = 0x2545f491;
const KEY_SEED = 0x3c6ef372;
const SLOT_SEED = 0xa54ff53a;

/** Fine levels (exact addresses, /24s) are the ones thinned; their keys are odd, all others even. */
const FINE_LEVELS: readonly boolean[] = [false, true, true, false, false, true, false, false];
const LEVEL_MIX = FINE_LEVELS.map((_, level) => Math.imul(level + 1, 0x01000193));

/** A key is mixed from three parts, so scoring mixes each prefix and the entity only once. */
function prefixMix(prefix: number): number {
  return mix32((prefix ^ KEY_SEED) >>> 0);
}

function entityMix(entity: number): number {
  return Math.imul(entity ^ GLOBAL_ENTITY, 0x9e3779b1);
}

const EVERYONE = entityMix(0);

function keyFrom(prefix: number, entity: number, level: number): number {
  const hash = mix32(prefix ^ entity ^ (LEVEL_MIX[level] ?? 0));
  const key = ((hash & ~1) | (FINE_LEVELS[level] === true ? 1 : 0)) >>> 0;
  return key === 0 ? 2 : key;
}

/** Open addressing over two typed arrays: a 32-bit key (0 = empty) and its count. */
class CountTable {
  keys: Uint32Array;
  counts: Uint32Array;
  private mask: number;
  private used = 0;

  constructor(keys: Uint32Array, counts: Uint32Array) {
    this.keys = keys;
    this.counts = counts;
    this.mask = keys.length - 1;
    for (const key of keys) if (key !== 0) this.used++;
  }

  /** Room for `entries` keys at a load factor of at most 2/3, so probes stay short. */
  static withRoom(entries: number): CountTable {
    let capacity = 1024;
    while (capacity * 2 < entries * 3) capacity *= 2;
    return new CountTable(new Uint32Array(capacity), new Uint32Array(capacity));
  }

  get size(): number {
    return this.used;
  }

  /** The key's slot, or the empty slot it would take (the table always has one). */
  private slot(key: number): number {
    let at = mix32(key ^ SLOT_SEED) & this.mask;
    let here = this.keys[at] ?? 0;
    while (here !== key && here !== 0) {
      at = (at + 1) & this.mask;
      here = this.keys[at] ?? 0;
    }
    return at;
  }

  get(key: number): number {
    return this.counts[this.slot(key)] ?? 0;
  }

  /** Adds `count` to the key's count, growing the table as it fills. */
  add(key: number, count = 1): void {
    let at = this.slot(key);
    if (this.keys[at] === 0) {
      if ((this.used + 1) * 3 > this.keys.length * 2) {
        this.grow();
        at = this.slot(key);
      }
      this.keys[at] = key;
      this.used++;
    }
    this.counts[at] = (this.counts[at] ?? 0) + count;
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.counts = new Uint32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0;
      if (key === 0) continue;
      const at = this.slot(key);
      this.keys[at] = key;
      this.counts[at] = counts[i] ?? 0;
    }
  }
}

export interface FrequencyPriorParts {
  /** Open-addressing table (a power of two long): hashed (entity, prefix) keys, 0 = empty. */
  readonly keys: Uint32Array;
  readonly counts: Uint32Array;
  /** Training pairs in all (the denominator of everyone's densities). */
  readonly pairs: number;
}

/** The counts behind the log likelihood ratio above, as a model keeps them. */
export class FrequencyPrior {
  private readonly table: CountTable;

  constructor(readonly parts: FrequencyPriorParts) {
    this.table = new CountTable(parts.keys, parts.counts);
  }

  /**
   * The log likelihood ratio of `ip` for the entity (by its fingerprint). `leaveOut` 1 scores a
   * training pair as if it had been held out (its own count removed from every level), so the
   * percentiles of training pairs match what a new pair of the same kind scores.
   */
  score(entity: number, ip: number, leaveOut: 0 | 1 = 0): number {
    const table = this.table;
    const e = entityMix(entity);
    const m32 = prefixMix(ip);
    const m24 = prefixMix(Math.floor(ip / 256));
    const m16 = prefixMix(Math.floor(ip / 65_536));
    const m8 = prefixMix(Math.floor(ip / 16_777_216));
    const total = table.get(keyFrom(prefixMix(0), e, TOTAL)) - leaveOut;
    let own = 0;
    if (total > 0) {
      own =
        (ENTITY_WEIGHTS[0] * fine(table.get(keyFrom(m32, e, 1)) - leaveOut) +
          (ENTITY_WEIGHTS[1] * fine(table.get(keyFrom(m24, e, 2)) - leaveOut)) / 2 ** 8 +
          (ENTITY_WEIGHTS[2] * Math.max(0, table.get(keyFrom(m16, e, 3)) - leaveOut)) / 2 ** 16 +
          (ENTITY_WEIGHTS[3] * Math.max(0, table.get(keyFrom(m8, e, 4)) - leaveOut)) / 2 ** 24) /
        (total * ENTITY_WEIGHT_SUM);
    }
    const pairs = Math.max(1, this.parts.pairs - leaveOut);
    const addresses = fine(table.get(keyFrom(m32, EVERYONE, 5)) - leaveOut) / pairs;
    const networks =
      (NETWORK_WEIGHTS[16] * Math.max(0, table.get(keyFrom(m16, EVERYONE, 6)) - leaveOut)) /
        2 ** 16 +
      (NETWORK_WEIGHTS[8] * Math.max(0, table.get(keyFrom(m8, EVERYONE, 7)) - leaveOut)) / 2 ** 24;
    const popularity = networks / (pairs * NETWORK_WEIGHT_SUM);
    return (
      Math.log((1 - TRAVEL_SHARE) * own + TRAVEL_SHARE * popularity + FLOOR) -
      Math.log(addresses + popularity + UNIFORM)
    );
  }

  /** Keys kept in the table. */
  get entries(): number {
    return this.table.size;
  }
}

const ENTITY_WEIGHT_SUM = ENTITY_WEIGHTS.reduce((sum, w) => sum + w, 0);
const NETWORK_WEIGHT_SUM = NETWORK_WEIGHTS[16] + NETWORK_WEIGHTS[8];

/** Counts of exact addresses and /24s below MIN_FINE_COUNT read as 0, stored or not. */
function fine(count: number): number {
  return count < MIN_FINE_COUNT ? 0 : count;
}

/**
 * Counts every training pair at every level. Returns the exact prior (for leave-one-out scoring
 * of the training pairs) and the compact one a model file keeps (fine-level counts below
 * MIN_FINE_COUNT dropped: they read as 0 in both).
 */
export function buildFrequencyPrior(
  entityFingerprintOfPair: (pair: number) => number,
  ipOfPair: Uint32Array,
): { readonly exact: FrequencyPrior; readonly compact: FrequencyPrior } {
  const pairs = ipOfPair.length;
  const table = CountTable.withRoom(1024);
  const totalMix = prefixMix(0);
  for (let i = 0; i < pairs; i++) {
    const e = entityMix(entityFingerprintOfPair(i));
    const ip = ipOfPair[i] ?? 0;
    const m32 = prefixMix(ip);
    const m16 = prefixMix(Math.floor(ip / 65_536));
    const m8 = prefixMix(Math.floor(ip / 16_777_216));
    table.add(keyFrom(totalMix, e, TOTAL));
    table.add(keyFrom(m32, e, 1));
    table.add(keyFrom(prefixMix(Math.floor(ip / 256)), e, 2));
    table.add(keyFrom(m16, e, 3));
    table.add(keyFrom(m8, e, 4));
    table.add(keyFrom(m32, EVERYONE, 5));
    table.add(keyFrom(m16, EVERYONE, 6));
    table.add(keyFrom(m8, EVERYONE, 7));
  }
  const { keys, counts } = table;
  const keep = (i: number) => {
    const key = keys[i] ?? 0;
    return key !== 0 && ((key & 1) === 0 || (counts[i] ?? 0) >= MIN_FINE_COUNT);
  };
  let kept = 0;
  for (let i = 0; i < keys.length; i++) if (keep(i)) kept++;
  const compact = CountTable.withRoom(kept);
  for (let i = 0; i < keys.length; i++) if (keep(i)) compact.add(keys[i] ?? 0, counts[i] ?? 0);
  return {
    exact: new FrequencyPrior({ keys, counts, pairs }),
    compact: new FrequencyPrior({ keys: compact.keys, counts: compact.counts, pairs }),
  };
}
