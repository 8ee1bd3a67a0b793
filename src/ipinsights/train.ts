import { CALIBRATION_QUANTILES, quantiles } from './calibration';
import type { Hyperparameters } from './hyperparameters';
import { buildFrequencyPrior, type FrequencyPrior } from './frequencyPrior';
import { buildEntityHistory } from './history';
import {
  IP_LEVELS,
  IpInsightsModel,
  binarySearch,
  entityFingerprint,
  entityRow,
  ipRows,
} from './model';
import { randomInt, seededRandom, type Random } from './random';
import type { TrainingSet } from './trainingSet';
import { CodedError, ErrorCode } from '../shared/errors';

export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Pairs done in this epoch. */
  readonly pairsDone: number;
  readonly pairsTotal: number;
  /** Mean log loss so far in this epoch (true pairs and negatives together). */
  readonly loss: number;
}

export interface TrainingOptions {
  readonly hyperparameters: Hyperparameters;
  readonly now: () => Date;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingResult {
  readonly model: IpInsightsModel;
  /** Mean log loss of each epoch. */
  readonly epochLosses: readonly number[];
}

export class EmptyTrainingSetError extends CodedError {
  override readonly name = 'EmptyTrainingSetError';
  readonly code = ErrorCode.TrainingSetEmpty;
}

const PROGRESS_EVERY = 65_536;
const CALIBRATION_SAMPLE = 20_000;
const ADAGRAD_EPSILON = 1e-8;
const INITIAL_IP_SCALE = 0.1;

/**
 * Trains an IP Insights model as SageMaker's algorithm does: every true (entity, IP) pair is a
 * positive, and each brings `random_negative_sampling_rate` pairs with a uniformly random IPv4
 * address and `shuffled_negative_sampling_rate` pairs with the IP of another entity from the
 * same mini-batch as negatives; the loss is binary cross-entropy on the dot product. Updates are
 * sparse (only the rows a pair touches) with row-wise Adagrad, one pair at a time, on one thread,
 * so the same data and seed always give the same model.
 */
export function trainModel(set: TrainingSet, options: TrainingOptions): TrainingResult {
  const pairs = set.ipOfPair.length;
  if (pairs === 0) throw new EmptyTrainingSetError('no (entity, IPv4) pairs to train on');
  const hp = options.hyperparameters;
  const random = seededRandom(hp.seed);
  const trainer = new SparseTrainer(hp, random);
  const rowOfEntity = Uint32Array.from(set.entities, (entity) =>
    entityRow(entity, hp.num_entity_vectors),
  );
  const pairRows = new Uint32Array(pairs * IP_LEVELS);
  for (let i = 0; i < pairs; i++)
    ipRows(set.ipOfPair[i] ?? 0, hp.num_ip_vectors, pairRows, i * IP_LEVELS);

  const order = new Uint32Array(pairs);
  for (let i = 0; i < pairs; i++) order[i] = i;
  const epochLosses: number[] = [];
  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    shuffle(order, random);
    let lossSum = 0;
    let examples = 0;
    for (let batchStart = 0; batchStart < pairs; batchStart += hp.mini_batch_size) {
      const batchEnd = Math.min(pairs, batchStart + hp.mini_batch_size);
      for (let position = batchStart; position < batchEnd; position++) {
        const pair = order[position] ?? 0;
        const entityIndex = set.entityOfPair[pair] ?? 0;
        const row = rowOfEntity[entityIndex] ?? 0;
        lossSum += trainer.step(row, pairRows, pair * IP_LEVELS, 1);
        examples++;
        for (let n = 0; n < hp.random_negative_sampling_rate; n++) {
          lossSum += trainer.stepRandomIp(row);
          examples++;
        }
        for (let n = 0; n < hp.shuffled_negative_sampling_rate; n++) {
          const other = order[batchStart + randomInt(random, batchEnd - batchStart)] ?? 0;
          // Another pair of the same entity is no negative; skip rather than teach a false one.
          if (set.entityOfPair[other] === entityIndex) continue;
          lossSum += trainer.step(row, pairRows, other * IP_LEVELS, 0);
          examples++;
        }
        const done = position + 1;
        if (options.onProgress !== undefined && (done % PROGRESS_EVERY === 0 || done === pairs)) {
          options.onProgress({
            epoch,
            epochs: hp.epochs,
            pairsDone: done,
            pairsTotal: pairs,
            loss: lossSum / examples,
          });
        }
      }
    }
    epochLosses.push(lossSum / examples);
  }

  const { entityVectors, ipVectors } = trainer;
  const fingerprints = Uint32Array.from(set.entities, entityFingerprint);
  const prior =
    hp.frequency_prior_weight > 0
      ? buildFrequencyPrior((pair) => fingerprints[set.entityOfPair[pair] ?? 0] ?? 0, set.ipOfPair)
      : undefined;
  const partial = new IpInsightsModel({
    hyperparameters: hp,
    entityVectors,
    ipVectors,
    knownEntities: knownEntityFingerprints(set.entities),
    calibration: { normal: new Float32Array(0), random: new Float32Array(0) },
    metadata: {
      trainedAt: options.now().toISOString(),
      trainingPairs: pairs,
      entityCount: set.entities.length,
      finalLoss: epochLosses[epochLosses.length - 1] ?? Number.NaN,
    },
  });
  const scores = pairScores(partial, set, fingerprints, prior?.exact);
  const model = new IpInsightsModel({
    ...partial.parts,
    ...(prior === undefined ? {} : { prior: prior.compact.parts }),
    calibration: calibrationTable(scores, set, random),
    history: historyOf(partial, set, scores.ofPair),
  });
  return { model, epochLosses };
}

/**
 * How the finished model scores each training pair and a random address for a training entity.
 * A training pair's own count is left out of the prior, so it scores as a new pair of the same
 * kind would: otherwise every pair would look seen at least once, and a responder's new address
 * from a familiar network would read rarer than the training pairs it is compared with.
 */
function pairScores(
  model: IpInsightsModel,
  set: TrainingSet,
  fingerprints: Uint32Array,
  prior: FrequencyPrior | undefined,
) {
  const weight = model.hyperparameters.frequency_prior_weight;
  const score = (entityIndex: number, ip: number, leaveOut: 0 | 1) => {
    const entity = set.entities[entityIndex] ?? '';
    const dot = model.dotProduct(entity, ip);
    if (prior === undefined) return dot;
    return dot + weight * prior.score(fingerprints[entityIndex] ?? 0, ip, leaveOut);
  };
  const ofPair = new Float32Array(set.ipOfPair.length);
  for (let i = 0; i < ofPair.length; i++) {
    ofPair[i] = score(set.entityOfPair[i] ?? 0, set.ipOfPair[i] ?? 0, 1);
  }
  return { ofPair, ofRandomIp: (entityIndex: number, ip: number) => score(entityIndex, ip, 0) };
}

/** Every training pair's score, grouped by entity (history.ts). */
function historyOf(model: IpInsightsModel, set: TrainingSet, scoreOfPair: Float32Array) {
  const known = model.parts.knownEntities;
  const slotOfEntity = Uint32Array.from(set.entities, (entity) =>
    Math.max(0, binarySearch(known, entityFingerprint(entity))),
  );
  const entityOfPair = Uint32Array.from(set.entityOfPair, (index) => slotOfEntity[index] ?? 0);
  return buildEntityHistory(known.length, entityOfPair, set.ipOfPair, scoreOfPair);
}

/** The optimiser state and the two embedding tables; `step` is the allocation-free hot loop. */
class SparseTrainer {
  readonly entityVectors: Float32Array;
  readonly ipVectors: Float32Array;
  private readonly entityAdagrad: Float32Array;
  private readonly ipAdagrad: Float32Array;
  private readonly ipSum: Float32Array;
  private readonly randomRows = new Uint32Array(IP_LEVELS);
  private readonly dim: number;

  constructor(
    private readonly hp: Hyperparameters,
    private readonly random: Random,
  ) {
    this.dim = hp.vector_dim;
    // Entities start at zero so an entity never seen in training scores exactly 0 (neutral);
    // the IP side starts random so the first gradients are not all zero.
    this.entityVectors = new Float32Array(hp.num_entity_vectors * this.dim);
    this.ipVectors = new Float32Array(hp.num_ip_vectors * this.dim);
    for (let i = 0; i < this.ipVectors.length; i++) {
      this.ipVectors[i] = (random.next() * 2 - 1) * INITIAL_IP_SCALE;
    }
    this.entityAdagrad = new Float32Array(hp.num_entity_vectors);
    this.ipAdagrad = new Float32Array(hp.num_ip_vectors);
    this.ipSum = new Float32Array(this.dim);
  }

  stepRandomIp(entity: number): number {
    ipRows(this.random.nextUint32(), this.hp.num_ip_vectors, this.randomRows, 0);
    return this.step(entity, this.randomRows, 0, 0);
  }

  /** One SGD step on one (entity, IP) example; returns its log loss. */
  step(entity: number, rows: Uint32Array, offset: number, label: 0 | 1): number {
    const { dim, entityVectors: E, ipVectors: V, ipSum } = this;
    const e = entity * dim;
    const r0 = (rows[offset] ?? 0) * dim;
    const r1 = (rows[offset + 1] ?? 0) * dim;
    const r2 = (rows[offset + 2] ?? 0) * dim;
    const r3 = (rows[offset + 3] ?? 0) * dim;
    let dot = 0;
    let entityNorm = 0;
    let ipNorm = 0;
    for (let k = 0; k < dim; k++) {
      const v = (V[r0 + k] ?? 0) + (V[r1 + k] ?? 0) + (V[r2 + k] ?? 0) + (V[r3 + k] ?? 0);
      const x = E[e + k] ?? 0;
      ipSum[k] = v;
      dot += x * v;
      entityNorm += x * x;
      ipNorm += v * v;
    }
    const probability = 1 / (1 + Math.exp(-dot));
    const gradient = probability - label;
    const g2 = gradient * gradient;
    const entityStep = this.adagradStep(this.entityAdagrad, entity, (g2 * ipNorm) / dim);
    const ipGradient = (g2 * entityNorm) / dim;
    const s0 = this.adagradStep(this.ipAdagrad, rows[offset] ?? 0, ipGradient);
    const s1 = this.adagradStep(this.ipAdagrad, rows[offset + 1] ?? 0, ipGradient);
    const s2 = this.adagradStep(this.ipAdagrad, rows[offset + 2] ?? 0, ipGradient);
    const s3 = this.adagradStep(this.ipAdagrad, rows[offset + 3] ?? 0, ipGradient);
    const decay = this.hp.weight_decay;
    for (let k = 0; k < dim; k++) {
      const x = E[e + k] ?? 0;
      E[e + k] = x - entityStep * (gradient * (ipSum[k] ?? 0) + decay * x);
      const gx = gradient * x;
      V[r0 + k] = (V[r0 + k] ?? 0) * (1 - s0 * decay) - s0 * gx;
      V[r1 + k] = (V[r1 + k] ?? 0) * (1 - s1 * decay) - s1 * gx;
      V[r2 + k] = (V[r2 + k] ?? 0) * (1 - s2 * decay) - s2 * gx;
      V[r3 + k] = (V[r3 + k] ?? 0) * (1 - s3 * decay) - s3 * gx;
    }
    // Log loss computed stably from the logit: softplus(dot) - label * dot.
    const softplus = dot > 0 ? dot + Math.log1p(Math.exp(-dot)) : Math.log1p(Math.exp(dot));
    return softplus - label * dot;
  }

  private adagradStep(accumulator: Float32Array, row: number, meanSquaredGradient: number): number {
    const total = (accumulator[row] ?? 0) + meanSquaredGradient;
    accumulator[row] = total;
    return this.hp.learning_rate / Math.sqrt(total + ADAGRAD_EPSILON);
  }
}

function shuffle(order: Uint32Array, random: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
}

function knownEntityFingerprints(entities: readonly string[]): Uint32Array {
  const fingerprints = Uint32Array.from(entities, entityFingerprint).sort();
  return fingerprints.filter((value, i) => i === 0 || value !== fingerprints[i - 1]);
}

/** Scores of sampled training pairs and of the same entities with random IPs, as quantiles. */
function calibrationTable(scores: ReturnType<typeof pairScores>, set: TrainingSet, random: Random) {
  const pairs = set.ipOfPair.length;
  const sample = Math.min(CALIBRATION_SAMPLE, pairs);
  const normal = new Float32Array(sample);
  const randomScores = new Float32Array(sample);
  for (let i = 0; i < sample; i++) {
    const pair = sample === pairs ? i : randomInt(random, pairs);
    normal[i] = scores.ofPair[pair] ?? 0;
    randomScores[i] = scores.ofRandomIp(set.entityOfPair[pair] ?? 0, random.nextUint32());
  }
  return {
    normal: quantiles(normal, CALIBRATION_QUANTILES),
    random: quantiles(randomScores, CALIBRATION_QUANTILES),
  };
}
