import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { S3ObjectStorage } from '../aws/s3ObjectStorage';
import { ConfigError, loadConfig, type Config } from '../config';
import { resolveHyperparameters, type Hyperparameters } from '../ipinsights/hyperparameters';
import type { IpInsightsModel } from '../ipinsights/model';
import { encodeModel } from '../ipinsights/modelFile';
import { readModelInfo, type ObjectStartReader } from '../ipinsights/modelInfo';
import { loadModel } from '../ipinsights/modelStore';
import { parseS3Uri, type VersionedObjectWriter } from '../ipinsights/objectStorage';
import {
  retrain,
  type RetrainDeps,
  type RetrainingRecord,
  type RetrainingRecords,
} from '../ipinsights/retraining';
import type { Log } from '../shared/log';
import { DynamoRetrainingRecordWriter } from '../store/dynamoRetrainingRecords';
import { coldStartOnce } from './coldStart';
import { createLogger } from './logging';
import { openDynamoStore } from './store';

/** The schedule's input; anything else is refused without reading or writing anything. */
const RetrainingEventSchema = z.object({ trigger: z.literal('schedule') });

export type RetrainingResult =
  | { readonly kind: 'ran'; readonly record: RetrainingRecord }
  | { readonly kind: 'rejected'; readonly reason: string };

/** What one run needs, built once per container. */
export interface RetrainingParts {
  readonly settings: {
    readonly cloudTrail: string;
    readonly windowDays: number;
    readonly maxBytes: number;
    /** Over the defaults (SageMaker's, `train`'s); none on Lambda. */
    readonly hyperparameters?: Partial<Hyperparameters>;
  };
  readonly deps: RetrainDeps;
}

/** The S3 the function reads and writes: the trail's objects in, the model's versions out. */
export type RetrainingStorage = RetrainDeps['storage'] & ObjectStartReader & VersionedObjectWriter;

/**
 * The published model at `location` (the scorers' IPINSIGHTS_MODEL): its S3 version from the
 * header's ranged read, then the whole object; a new one is written as a new object version.
 */
export function publishedModel(
  location: string,
  storage: RetrainingStorage,
): RetrainDeps['models'] {
  return {
    async current() {
      const info = await readModelInfo(location, storage);
      if (info === undefined) return undefined;
      const model = await loadModel(location, storage);
      return { model, ...(info.version === undefined ? {} : { version: info.version }) };
    },
    publish: (model: IpInsightsModel) =>
      storage.writeVersion(parseS3Uri(location), encodeModel(model)),
  };
}

/** The retraining's settings from the configuration, or a one-line ConfigError naming the gap. */
export function retrainingSettings(config: Config): RetrainingParts['settings'] & {
  readonly model: string;
} {
  const problems: string[] = [];
  if (config.retraining.cloudTrail === undefined) {
    problems.push('RETRAINING_CLOUDTRAIL: missing (the s3://bucket/prefix of the trail to read)');
  }
  if (config.ipInsights.kind !== 'model' || !config.ipInsights.location.startsWith('s3://')) {
    problems.push('IPINSIGHTS_MODEL: missing (the s3://bucket/key the retraining publishes to)');
  }
  if (problems.length > 0 || config.ipInsights.kind !== 'model') throw new ConfigError(problems);
  return {
    cloudTrail: config.retraining.cloudTrail ?? '',
    windowDays: config.retraining.windowDays,
    maxBytes: config.retraining.maxBytes,
    model: config.ipInsights.location,
  };
}

export function buildRetrainingParts(
  config: Config,
  io: {
    readonly storage: RetrainingStorage;
    readonly records: Pick<RetrainingRecords, 'save'>;
    readonly clock: () => Date;
    readonly log: Log;
  },
): RetrainingParts {
  const { model, ...settings } = retrainingSettings(config);
  return {
    settings,
    deps: {
      storage: io.storage,
      models: publishedModel(model, io.storage),
      records: io.records,
      clock: io.clock,
      log: io.log,
    },
  };
}

/**
 * One retraining per scheduled invocation: the window read, a model trained, the gate against
 * the published one, the new version published only if it passes; every outcome recorded in the
 * health table for `status` and logged. Only a broken store makes it throw (the record is the
 * run's result); the next schedule is the retry.
 */
export function createRetrainingHandler(parts: () => Promise<RetrainingParts>, log: Log) {
  return async (event: unknown): Promise<RetrainingResult> => {
    const parsed = RetrainingEventSchema.safeParse(event);
    if (!parsed.success) {
      const reason = `not a retraining event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      log.error('rejected retraining event', { reason });
      return { kind: 'rejected', reason };
    }
    const { settings, deps } = await parts();
    const { hyperparameters = {}, ...window } = settings;
    const record = await retrain(
      {
        ...window,
        hyperparameters: (entities) => resolveHyperparameters(hyperparameters, entities),
      },
      deps,
    );
    return { kind: 'ran', record };
  };
}

/** The retraining function as Lambda runs it: S3 and the health table, from the environment. */
export function retrainingFunction() {
  const { logger, log } = createLogger('guardduty-chatops-retraining');
  const parts = coldStartOnce(() => {
    const config = loadConfig(process.env);
    const store = openDynamoStore(config);
    return Promise.resolve(
      buildRetrainingParts(config, {
        storage: new S3ObjectStorage(),
        records: new DynamoRetrainingRecordWriter(store.client, store.tables.health),
        clock: () => new Date(),
        log,
      }),
    );
  });
  const handle = createRetrainingHandler(parts, log);
  return (event: unknown, context: Context): Promise<RetrainingResult> => {
    logger.addContext(context);
    return handle(event);
  };
}
