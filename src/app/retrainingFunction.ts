import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AthenaQueries } from '../aws/athenaQueries';
import { S3ObjectStorage } from '../aws/s3ObjectStorage';
import { SageMakerEndpointInvoker } from '../aws/sageMakerEndpoint';
import { SageMakerTrainingJobs } from '../aws/sageMakerJobs';
import type { DistributedSettings } from '../ipinsights/distributedRetraining';
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
import { DynamoRetrainingRecordReader } from '../store/dynamoRetrainingRecordReader';
import { DynamoRetrainingRecordWriter } from '../store/dynamoRetrainingRecords';
import { coldStartOnce } from './coldStart';
import { createLogger } from './logging';
import { openDynamoStore } from './store';

/**
 * The schedules' input; anything else is refused without reading or writing anything.
 * `schedule` retrains (or advances a distributed run under way); `follow-up`, the short schedule
 * of a stack that retrains with SageMaker, only advances a run under way.
 */
const RetrainingEventSchema = z.object({ trigger: z.enum(['schedule', 'follow-up']) });

export type RetrainingResult =
  | { readonly kind: 'ran'; readonly record: RetrainingRecord }
  | { readonly kind: 'idle'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

/** What one run needs, built once per container. */
export interface RetrainingParts {
  readonly settings: {
    readonly cloudTrail: string;
    readonly windowDays: number;
    readonly maxBytes: number;
    /** Over the defaults (SageMaker's, `train`'s); none on Lambda. */
    readonly hyperparameters?: Partial<Hyperparameters>;
    readonly distributed?: DistributedSettings;
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

/**
 * A stack that scores with a SageMaker endpoint has no embedded model: every window is trained
 * on the distributed path, however small, so this is never asked for.
 */
const noEmbeddedModel: RetrainDeps['models'] = {
  current: () => Promise.reject(new ConfigError(['the stack scores with a SageMaker endpoint'])),
  publish: () => Promise.reject(new ConfigError(['the stack scores with a SageMaker endpoint'])),
};

type Settings = RetrainingParts['settings'] &
  ({ readonly model: string } | { readonly distributed: DistributedSettings });

/** The retraining's settings from the configuration, or a one-line ConfigError naming the gap. */
export function retrainingSettings(config: Config): Settings {
  const problems: string[] = [];
  const { retraining, ipInsights } = config;
  if (retraining.cloudTrail === undefined) {
    problems.push('RETRAINING_CLOUDTRAIL: missing (the s3://bucket/prefix of the trail to read)');
  }
  if (ipInsights.kind === 'endpoint') {
    const d = retraining.distributed;
    if (d === undefined) {
      problems.push(
        'RETRAINING_ATHENA_DATABASE, RETRAINING_ATHENA_TABLE, RETRAINING_STAGING, RETRAINING_SAGEMAKER_ROLE: all needed to retrain the endpoint IPINSIGHTS_ENDPOINT names',
      );
      throw new ConfigError(problems);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
      cloudTrail: retraining.cloudTrail ?? '',
      windowDays: retraining.windowDays,
      // Every window goes to Athena and SageMaker: there is no embedded model to train.
      maxBytes: 0,
      distributed: {
        region: d.region,
        athena: {
          database: d.database,
          table: d.table,
          workGroup: d.workGroup,
          resultsLocation: `${d.staging}athena-results/`,
          ...(d.partitionColumn === undefined ? {} : { partitionColumn: d.partitionColumn }),
        },
        staging: d.staging,
        roleArn: d.roleArn,
        instanceType: d.trainingInstanceType,
        maxRuntimeSeconds: 86_400,
        expectedEntities: d.expectedEntities,
        endpoint: { name: ipInsights.endpointName, instanceType: d.endpointInstanceType },
      },
    };
  }
  if (ipInsights.kind !== 'model' || !ipInsights.location.startsWith('s3://')) {
    problems.push('IPINSIGHTS_MODEL: missing (the s3://bucket/key the retraining publishes to)');
  }
  if (problems.length > 0 || ipInsights.kind !== 'model') throw new ConfigError(problems);
  return {
    cloudTrail: retraining.cloudTrail ?? '',
    windowDays: retraining.windowDays,
    maxBytes: retraining.maxBytes,
    model: ipInsights.location,
  };
}

/** Athena, SageMaker, InvokeEndpoint and the record to resume from: the distributed path's. */
export type DistributedIo = Omit<NonNullable<RetrainDeps['distributed']>, 'clock' | 'storage'>;

export function buildRetrainingParts(
  config: Config,
  io: {
    readonly storage: RetrainingStorage;
    readonly records: Pick<RetrainingRecords, 'save'>;
    readonly clock: () => Date;
    readonly log: Log;
    /** Built only for a stack that scores with an endpoint. */
    readonly distributed?: (region: string) => DistributedIo;
  },
): RetrainingParts {
  const settings = retrainingSettings(config);
  const base = { storage: io.storage, records: io.records, clock: io.clock, log: io.log };
  if ('model' in settings) {
    const { model, ...embedded } = settings;
    return { settings: embedded, deps: { ...base, models: publishedModel(model, io.storage) } };
  }
  const { distributed } = settings;
  if (io.distributed === undefined) {
    throw new ConfigError(['no Athena or SageMaker to call']);
  }
  return {
    settings,
    deps: {
      ...base,
      models: noEmbeddedModel,
      distributed: { ...io.distributed(distributed.region), storage: io.storage, clock: io.clock },
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
    if (parsed.data.trigger === 'follow-up') {
      // Between scheduled runs only a distributed run under way has anything to do.
      const last = await deps.distributed?.last();
      if (last?.outcome !== 'running') {
        return { kind: 'idle', reason: 'no distributed retraining under way' };
      }
    }
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
        distributed: (region) => ({
          queries: AthenaQueries.inRegion(region),
          jobs: SageMakerTrainingJobs.inRegion(region),
          invoker: SageMakerEndpointInvoker.inRegion(region),
          last: () => new DynamoRetrainingRecordReader(store.client, store.tables.health).last(),
        }),
      }),
    );
  });
  const handle = createRetrainingHandler(parts, log);
  return (event: unknown, context: Context): Promise<RetrainingResult> => {
    logger.addContext(context);
    return handle(event);
  };
}
