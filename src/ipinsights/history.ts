/**
 * What each entity did in training, kept in the model so a reading can say it in words: how its
 * own training pairs scored (quantiles) and which /16 networks it was seen from, how often.
 * Entities are addressed by their position in the model's sorted fingerprint list.
 */

/** The probabilities the per-entity quantiles are kept at: fine in the low tail, where it matters. */
export const HISTORY_PROBABILITIES = [0, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1] as const;
const Q = HISTORY_PROBABILITIES.length;

/** Networks kept per entity (the most used); beyond them only a count is kept. */
export const NETWORKS_PER_ENTITY = 64;

/** The prefix length the history counts networks at. */
export const NETWORK_PREFIX_BITS = 16;

export interface EntityHistoryParts {
  /** Training pairs per entity. */
  readonly pairs: Uint32Array;
  /** `HISTORY_PROBABILITIES.length` quantiles of each entity's own training-pair scores. */
  readonly quantiles: Float32Array;
  /** Entity i's networks are `prefixes[offsets[i] .. offsets[i+1])`, sorted. */
  readonly networkOffsets: Uint32Array;
  readonly networkPrefixes: Uint32Array;
  readonly networkCounts: Uint32Array;
  /** Pairs of entity i in networks beyond the ones kept (0: the list is complete). */
  readonly networkOther: Uint32Array;
}

export interface NetworkSeen {
  /** The /16 in CIDR notation, e.g. `54.240.0.0/16`. */
  readonly network: string;
  /** Training pairs of this entity from that network. */
  readonly count: number;
  /** False when the entity had more networks than the model keeps: absence proves nothing. */
  readonly complete: boolean;
}

export function networkOf(ip: number): number {
  return Math.floor(ip / 2 ** (32 - NETWORK_PREFIX_BITS));
}

export function networkCidr(prefix: number): string {
  return `${(prefix >>> 8) & 255}.${prefix & 255}.0.0/${NETWORK_PREFIX_BITS}`;
}

export class EntityHistory {
  constructor(readonly parts: EntityHistoryParts) {}

  pairs(entity: number): number {
    return this.parts.pairs[entity] ?? 0;
  }

  /** Share of the entity's own training pairs that scored higher than `score` (0..1). */
  unusualVsOwn(entity: number, score: number): number {
    const q = this.parts.quantiles;
    const base = entity * Q;
    const lowest = q[base] ?? 0;
    if (score < lowest) return 1;
    for (let i = 1; i < Q; i++) {
      const upper = q[base + i] ?? 0;
      if (score < upper) {
        const lower = q[base + i - 1] ?? 0;
        const p0 = HISTORY_PROBABILITIES[i - 1] ?? 0;
        const p1 = HISTORY_PROBABILITIES[i] ?? 1;
        const within = upper > lower ? (score - lower) / (upper - lower) : 0;
        return 1 - (p0 + within * (p1 - p0));
      }
    }
    return 0;
  }

  network(entity: number, ip: number): NetworkSeen {
    const prefix = networkOf(ip);
    const { networkOffsets, networkPrefixes, networkCounts, networkOther } = this.parts;
    let low = networkOffsets[entity] ?? 0;
    let high = (networkOffsets[entity + 1] ?? low) - 1;
    let count = 0;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = networkPrefixes[mid] ?? 0;
      if (at === prefix) {
        count = networkCounts[mid] ?? 0;
        break;
      }
      if (at < prefix) low = mid + 1;
      else high = mid - 1;
    }
    return { network: networkCidr(prefix), count, complete: (networkOther[entity] ?? 0) === 0 };
  }
}

/**
 * Builds the history from every training pair's entity (already as its position in the model's
 * entity list) and score.
 */
export function buildEntityHistory(
  entityCount: number,
  entityOfPair: Uint32Array,
  ipOfPair: Uint32Array,
  scoreOfPair: Float32Array,
): EntityHistoryParts {
  const pairs = new Uint32Array(entityCount);
  for (const entity of entityOfPair) pairs[entity] = (pairs[entity] ?? 0) + 1;
  // Pair indices grouped by entity (counting sort), then each group's scores sorted.
  const start = new Uint32Array(entityCount + 1);
  for (let e = 0; e < entityCount; e++) start[e + 1] = (start[e] ?? 0) + (pairs[e] ?? 0);
  const fill = start.slice(0, entityCount);
  const grouped = new Uint32Array(entityOfPair.length);
  entityOfPair.forEach((entity, pair) => {
    const at = fill[entity] ?? 0;
    grouped[at] = pair;
    fill[entity] = at + 1;
  });

  const quantiles = new Float32Array(entityCount * Q);
  const offsets = new Uint32Array(entityCount + 1);
  const prefixes: number[] = [];
  const counts: number[] = [];
  const other = new Uint32Array(entityCount);
  for (let e = 0; e < entityCount; e++) {
    const from = start[e] ?? 0;
    const to = start[e + 1] ?? from;
    const members = grouped.subarray(from, to);
    const scores = Float32Array.from(members, (pair) => scoreOfPair[pair] ?? 0).sort();
    HISTORY_PROBABILITIES.forEach((p, i) => {
      quantiles[e * Q + i] = scores[Math.round(p * (scores.length - 1))] ?? 0;
    });
    const byNetwork = new Map<number, number>();
    for (const pair of members) {
      const prefix = networkOf(ipOfPair[pair] ?? 0);
      byNetwork.set(prefix, (byNetwork.get(prefix) ?? 0) + 1);
    }
    const kept = [...byNetwork.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, NETWORKS_PER_ENTITY)
      .sort((a, b) => a[0] - b[0]);
    let keptPairs = 0;
    for (const [prefix, count] of kept) {
      prefixes.push(prefix);
      counts.push(count);
      keptPairs += count;
    }
    other[e] = members.length - keptPairs;
    offsets[e + 1] = prefixes.length;
  }
  return {
    pairs,
    quantiles,
    networkOffsets: offsets,
    networkPrefixes: Uint32Array.from(prefixes),
    networkCounts: Uint32Array.from(counts),
    networkOther: other,
  };
}
