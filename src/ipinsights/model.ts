import { hashString, mix32 } from './hash';
import { FrequencyPrior, type FrequencyPriorParts } from './frequencyPrior';
import { EntityHistory, type EntityHistoryParts } from './history';
import type { Hyperparameters } from './hyperparameters';

/** The prefixes the IP encoder embeds: a new address in a familiar /16 or /24 still scores usual. */
export const IP_PREFIX_LENGTHS = [8, 16, 24, 32] as const;
export const IP_LEVELS = IP_PREFIX_LENGTHS.length;
const LEVEL_SALTS = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced2a5b] as const;

const ENTITY_ROW_SEED = 0x1b873593;
const ENTITY_FINGERPRINT_SEED = 0x68e31da4;

/** What a model knows about its own training, shown by `/guardduty status` and the CLI. */
export interface ModelMetadata {
  readonly trainedAt: string;
  readonly trainingPairs: number;
  readonly entityCount: number;
  readonly finalLoss: number;
  /** A scheduled retraining's window of CloudTrail days (ISO dates), and where it read them. */
  readonly window?: { readonly from: string; readonly to: string };
  readonly source?: string;
  /** AUC on the held-out slice of the data it was trained on (the retraining quality gate). */
  readonly heldOutAuc?: number;
}

/** Sorted score quantiles of training pairs and random-IP pairs, for percentiles (calibration.ts). */
export interface CalibrationTable {
  readonly normal: Float32Array;
  readonly random: Float32Array;
}

export interface ModelParts {
  readonly hyperparameters: Hyperparameters;
  readonly entityVectors: Float32Array;
  readonly ipVectors: Float32Array;
  /** Sorted fingerprints of the entities seen in training (hash-collision-free "known" check). */
  readonly knownEntities: Uint32Array;
  readonly calibration: CalibrationTable;
  readonly metadata: ModelMetadata;
  /** Per-entity history, in `knownEntities` order; absent in models of format version 1. */
  readonly history?: EntityHistoryParts;
  /** Training counts added to the dot product (frequencyPrior.ts); absent before version 3. */
  readonly prior?: FrequencyPriorParts;
}

export function entityRow(entity: string, numEntityVectors: number): number {
  return hashString(entity, ENTITY_ROW_SEED) % numEntityVectors;
}

export function entityFingerprint(entity: string): number {
  return hashString(entity, ENTITY_FINGERPRINT_SEED);
}

/** Writes the embedding rows of `ip`'s prefixes into `out[offset..offset+IP_LEVELS)`. No allocation. */
export function ipRows(ip: number, numIpVectors: number, out: Uint32Array, offset: number): void {
  for (let level = 0; level < IP_LEVELS; level++) {
    const bits = IP_PREFIX_LENGTHS[level] ?? 32;
    const prefix = bits === 32 ? ip : Math.floor(ip / 2 ** (32 - bits));
    out[offset + level] = mix32((prefix ^ (LEVEL_SALTS[level] ?? 0)) + bits) % numIpVectors;
  }
}

/**
 * Dot product of an entity row with the sum of the IP's prefix rows: the raw IP Insights score,
 * higher = more usual. Rows are indices into the flat Float32Arrays (row * dim).
 */
function dotProduct(
  entityVectors: Float32Array,
  ipVectors: Float32Array,
  dim: number,
  entity: number,
  rows: Uint32Array,
  rowsOffset: number,
): number {
  const e = entity * dim;
  const a = (rows[rowsOffset] ?? 0) * dim;
  const b = (rows[rowsOffset + 1] ?? 0) * dim;
  const c = (rows[rowsOffset + 2] ?? 0) * dim;
  const d = (rows[rowsOffset + 3] ?? 0) * dim;
  let sum = 0;
  for (let k = 0; k < dim; k++) {
    const ipValue =
      (ipVectors[a + k] ?? 0) +
      (ipVectors[b + k] ?? 0) +
      (ipVectors[c + k] ?? 0) +
      (ipVectors[d + k] ?? 0);
    sum += (entityVectors[e + k] ?? 0) * ipValue;
  }
  return sum;
}

/** A trained model: pure scoring over its arrays; load/save live in model-file.ts. */
export class IpInsightsModel {
  private readonly rows = new Uint32Array(IP_LEVELS);
  /** What each known entity did in training, when the model file has it. */
  readonly history: EntityHistory | undefined;
  readonly prior: FrequencyPrior | undefined;

  constructor(readonly parts: ModelParts) {
    this.history = parts.history === undefined ? undefined : new EntityHistory(parts.history);
    this.prior = parts.prior === undefined ? undefined : new FrequencyPrior(parts.prior);
  }

  get hyperparameters(): Hyperparameters {
    return this.parts.hyperparameters;
  }

  get metadata(): ModelMetadata {
    return this.parts.metadata;
  }

  isKnownEntity(entity: string): boolean {
    return this.entityIndex(entity) >= 0;
  }

  /** The entity's position among the known entities (its history), or -1 when never seen. */
  entityIndex(entity: string): number {
    return binarySearch(this.parts.knownEntities, entityFingerprint(entity));
  }

  /**
   * The score of an entity and an IPv4 address given as a 32-bit number: the dot product plus,
   * when the model keeps training counts, their log likelihood ratio (`frequency_prior_weight`
   * times it). Higher = more usual.
   */
  scoreIpv4(entity: string, ip: number): number {
    const dot = this.dotProduct(entity, ip);
    const prior = this.prior;
    const weight = this.parts.hyperparameters.frequency_prior_weight;
    if (prior === undefined || weight === 0) return dot;
    return dot + weight * prior.score(entityFingerprint(entity), ip);
  }

  /** The learned part alone: the entity's embedding dotted with the IP's prefix embeddings. */
  dotProduct(entity: string, ip: number): number {
    const { num_entity_vectors, num_ip_vectors, vector_dim } = this.parts.hyperparameters;
    ipRows(ip, num_ip_vectors, this.rows, 0);
    return dotProduct(
      this.parts.entityVectors,
      this.parts.ipVectors,
      vector_dim,
      entityRow(entity, num_entity_vectors),
      this.rows,
      0,
    );
  }
}

export function binarySearch(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid] ?? 0;
    if (at === value) return mid;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
