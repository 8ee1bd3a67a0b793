import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import { EmbeddedScorer } from './embeddedScorer';
import type { IpInsightsModel, ModelMetadata } from './model';
import type { ModelInfo } from './modelInfo';
import type { ScoreResult, Scorer, Tuple } from './scorer';

/** Before the first publication: every tuple unscored, saying why. */
class NotPublishedScorer implements Scorer {
  constructor(readonly description: string) {}

  score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    return Promise.resolve(
      tuples.map(() => ({
        kind: 'unscored' as const,
        reason: 'no IP Insights model published yet',
        cause: 'no-model' as const,
      })),
    );
  }
}

export interface ModelSource {
  /** What is published now, from the model's header (a ranged read); undefined: nothing yet. */
  info(): Promise<ModelInfo | undefined>;
  /** The whole model, as published now. */
  load(): Promise<IpInsightsModel>;
}

export const DEFAULT_REFRESH_MS = 15 * 60_000;

/** Which publication a model is: its S3 object version, or its training time where unversioned. */
const identity = (info: { readonly version?: string; readonly metadata: ModelMetadata }) =>
  info.version ?? info.metadata.trainedAt;

/**
 * An embedded scorer that picks up a newly published model without a redeploy: at most every
 * `refreshMs` it reads the model's header (a few kilobytes) and, when another version is
 * published, loads it and scores with it from then on. A failed check or load keeps the model
 * it has (and says so in the log); findings are never held up by it beyond that one read.
 *
 * With `pending` (the stack's own model bucket, which the scheduled retraining fills), no model
 * there yet is not an error: findings go unscored until the first version is published.
 */
export class RefreshingScorer implements Scorer {
  private scorer: EmbeddedScorer | NotPublishedScorer;
  private current: string | undefined;
  private checkedAt: number;
  private checking: Promise<void> | undefined;

  private constructor(
    private readonly source: ModelSource,
    initial: { readonly model: IpInsightsModel; readonly version?: string } | string,
    private readonly options: {
      readonly refreshMs: number;
      readonly clock: () => Date;
      readonly log: Log;
    },
  ) {
    if (typeof initial === 'string') {
      this.scorer = new NotPublishedScorer(initial);
    } else {
      this.scorer = new EmbeddedScorer(initial.model);
      this.current = identity({
        metadata: initial.model.metadata,
        ...(initial.version === undefined ? {} : { version: initial.version }),
      });
      this.version = initial.version;
    }
    this.checkedAt = options.clock().getTime();
  }

  version: string | undefined;

  static async open(
    source: ModelSource,
    options: {
      readonly refreshMs?: number;
      readonly clock?: () => Date;
      readonly log: Log;
      /** Where nothing is published yet, what status says (the retraining publishes the first). */
      readonly pending?: string;
    },
  ): Promise<RefreshingScorer> {
    const settings = {
      refreshMs: options.refreshMs ?? DEFAULT_REFRESH_MS,
      clock: options.clock ?? (() => new Date()),
      log: options.log,
    };
    const info = await source.info();
    if (info === undefined && options.pending !== undefined) {
      return new RefreshingScorer(source, options.pending, settings);
    }
    const model = await source.load();
    return new RefreshingScorer(
      source,
      { model, ...(info?.version === undefined ? {} : { version: info.version }) },
      settings,
    );
  }

  get description(): string {
    return this.scorer.description;
  }

  get metadata(): ModelMetadata | undefined {
    return this.scorer instanceof EmbeddedScorer ? this.scorer.metadata : undefined;
  }

  async score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    await this.refreshIfDue();
    return this.scorer.score(tuples);
  }

  private async refreshIfDue(): Promise<void> {
    const now = this.options.clock().getTime();
    if (now - this.checkedAt < this.options.refreshMs) return;
    // One check at a time; concurrent scores wait for it rather than each reading S3.
    this.checking ??= this.refresh(now).finally(() => (this.checking = undefined));
    await this.checking;
  }

  private async refresh(now: number): Promise<void> {
    this.checkedAt = now;
    try {
      const info = await this.source.info();
      if (info === undefined || identity(info) === this.current) return;
      const model = await this.source.load();
      this.scorer = new EmbeddedScorer(model);
      this.current = identity(info);
      this.version = info.version;
      this.options.log.info('IP Insights model updated', {
        version: info.version ?? null,
        trainedAt: model.metadata.trainedAt,
      });
    } catch (error) {
      this.options.log.warn('IP Insights model not refreshed; scoring with the one loaded', {
        error: errorMessage(error),
      });
    }
  }
}
