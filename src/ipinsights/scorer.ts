import type { NetworkSeen } from './history';
import type { ModelMetadata } from './model';

/** One (entity, IP address) pair, as IP Insights scores it. */
export interface Tuple {
  readonly entity: string;
  readonly ip: string;
}

/** How a raw dot product compares with what the model saw in training. */
export interface Calibration {
  /** Share of the training (normal) pairs that scored higher than this one, 0..1. */
  readonly unusualVsNormal: number;
  /** Share of random-IP pairs that scored higher than this one, 0..1. */
  readonly unusualVsRandom: number;
  /** False when the entity never appeared in training: its embedding is untrained. */
  readonly knownEntity: boolean;
  /** Share of this entity's own training pairs that scored higher, 0..1 (models with history). */
  readonly unusualVsOwn?: number;
  /** What the entity did in training (models with history). */
  readonly history?: {
    /** Its training pairs. */
    readonly pairs: number;
    /** How often it was seen from this IP's /16. */
    readonly network: NetworkSeen;
  };
}

/** Why a tuple has no score, for the words of the reading. */
export type UnscoredCause = 'unknown-entity' | 'ipv6' | 'not-an-ip' | 'no-model' | 'scorer-failed';

export type ScoreResult =
  | {
      readonly kind: 'scored';
      /** Raw dot product as SageMaker IP Insights returns it: higher = more usual. */
      readonly score: number;
      readonly calibration?: Calibration;
    }
  | { readonly kind: 'unscored'; readonly reason: string; readonly cause?: UnscoredCause };

/** Scores tuples in one call; the result has one entry per tuple, in order. Never throws for a bad tuple. */
export interface Scorer {
  readonly description: string;
  /** The model a scorer holds in memory (training date, pairs, entities); none for an endpoint. */
  readonly metadata?: ModelMetadata;
  /** The S3 object version of the model held, when the bucket is versioned. */
  readonly version?: string;
  score(tuples: readonly Tuple[]): Promise<ScoreResult[]>;
}

/** Used until a model or endpoint is configured: every tuple is reported as unscored. */
export class NoModelScorer implements Scorer {
  readonly description = 'no model configured';

  score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    return Promise.resolve(
      tuples.map(() => ({ kind: 'unscored', reason: 'no model configured', cause: 'no-model' })),
    );
  }
}
