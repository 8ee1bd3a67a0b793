import * as z from 'zod';
import { errorMessage } from '../shared/errors';
import { tuplesQuery, type QueryRunner, type QueryState } from './athenaTuples';
import {
  ipInsightsImage,
  sageMakerHyperparameters,
  trainingJobName,
  type SageMakerJobs,
  type TrainingJobPlan,
} from './sageMakerTraining';
import { GATE_PAIRS, endpointAuc, heldOutSample } from './endpointGate';
import type { Hyperparameters } from './hyperparameters';
import { parseS3Uri, type ObjectInventory, type ObjectReader } from './objectStorage';
import { qualityGate } from './qualityGate';
import type { EndpointInvoker } from './sageMakerScorer';

/**
 * The distributed path of the scheduled retraining, for a window too big for one function: a
 * resumable state machine kept in the retraining record. Each run looks at where the last one
 * left off, makes the calls of one step and records the result; it never waits for Athena or
 * SageMaker (a query or a job takes minutes to hours, a run seconds).
 *
 * 1. `querying`: two CTAS over the trail's Athena table, the window's train pairs and a held-out
 *    slice split by a hash of the pair (deterministic: the same pairs are held out every time);
 * 2. `training`: when both succeeded, a SageMaker training job with a `train` and a
 *    `validation` channel (its `validation:discriminator_auc` is recorded);
 * 3. `trained` → `candidate`: the job completed; its model is put behind a candidate endpoint
 *    of its own, and once that is in service both endpoints score the same held-out sample
 *    (endpointGate.ts). Passed: the stack's endpoint is updated to the new configuration;
 *    rejected: it is untouched. The candidate endpoint is deleted either way.
 *
 * SageMaker's discriminator AUC is not the gate: the algorithm measures it against negatives it
 * draws itself (random and shuffled, at its sampling rates), so it does not compare with the
 * current model's AUC measured by scoring the slice.
 */

export interface DistributedSettings {
  readonly region: string;
  /** The organization trail's Athena table (`tuples --athena`). */
  readonly athena: {
    readonly database: string;
    readonly table: string;
    readonly workGroup: string;
    readonly resultsLocation?: string;
    readonly partitionColumn?: string;
  };
  /** `s3://bucket/prefix/` where each run's tuples and model artifacts go (`runs/RUN/…`). */
  readonly staging: string;
  /** The SageMaker execution role (reads the tuples, writes the model). */
  readonly roleArn: string;
  readonly instanceType: string;
  readonly maxRuntimeSeconds: number;
  /**
   * How many entities the window is expected to hold: SageMaker's `num_entity_vectors` is
   * twice that (the CTAS does not count them; a hash collision shares a vector).
   */
  readonly expectedEntities: number;
  readonly hyperparameters?: Partial<Hyperparameters>;
  /** The endpoint the stack scores with (`IpInsightsEndpoint`) and its instance type. */
  readonly endpoint: { readonly name: string; readonly instanceType: string };
  readonly maxAucDrop?: number;
}

export interface DistributedDeps {
  readonly queries: QueryRunner;
  readonly jobs: SageMakerJobs;
  /** InvokeEndpoint, for the gate. */
  readonly invoker: EndpointInvoker;
  /** The held-out slice Athena wrote, for the gate's sample. */
  readonly storage: ObjectInventory & ObjectReader;
  readonly clock: () => Date;
}

interface Slices {
  /** `s3://…/` of the train pairs and of the held-out slice. */
  readonly trainData: string;
  readonly heldOutData: string;
}

/** Where a distributed run is, as kept in the retraining record between runs. */
export type DistributedState =
  | (Slices & {
      readonly phase: 'querying';
      readonly run: string;
      /** The window's days (ISO dates, inclusive), for a start that has to be made again. */
      readonly window: { readonly from: string; readonly to: string };
      readonly trainQuery: string;
      /** Absent until it is started (each start is recorded before the next call). */
      readonly heldOutQuery?: string;
    })
  | (Slices & {
      readonly phase: 'training';
      readonly run: string;
      readonly scannedBytes: number;
      readonly jobName: string;
    })
  | (Slices & {
      /** Completed; `candidate`: its model behind an endpoint of the job's name. */
      readonly phase: 'trained' | 'candidate';
      readonly run: string;
      readonly scannedBytes: number;
      readonly jobName: string;
      readonly modelArtifacts: string;
      readonly discriminatorAuc?: number;
    });

const slicesShape = {
  run: z.string().regex(/^\d{8}T\d{6}$/),
  trainData: z.string(),
  heldOutData: z.string(),
};

/**
 * The state as read back from the record (a store anyone with the table could have edited):
 * anything else starts a new run instead of being acted on.
 */
export const DistributedStateSchema = z.discriminatedUnion('phase', [
  z.object({
    ...slicesShape,
    phase: z.literal('querying'),
    window: z.object({ from: z.iso.date(), to: z.iso.date() }),
    trainQuery: z.string().min(1),
    heldOutQuery: z.string().min(1).optional(),
  }),
  z.object({
    ...slicesShape,
    phase: z.literal('training'),
    scannedBytes: z.number(),
    jobName: z.string().min(1),
  }),
  z.object({
    ...slicesShape,
    phase: z.enum(['trained', 'candidate']),
    scannedBytes: z.number(),
    jobName: z.string().min(1),
    modelArtifacts: z.string(),
    discriminatorAuc: z.number().optional(),
  }),
]);

/** One step's result: the state to keep (or none: the run ended) and what the record says. */
export interface DistributedStep {
  readonly outcome: 'running' | 'published' | 'rejected' | 'failed';
  readonly reason: string;
  readonly distributed: DistributedState;
  readonly candidateAuc?: number;
  readonly currentAuc?: number;
  /** The SageMaker model now behind the stack's endpoint (published), or the one that stayed. */
  readonly version?: string;
}

const DISCRIMINATOR_AUC = 'validation:discriminator_auc';

/** `20261201T030000`: the run's id in table names, S3 prefixes and the job's name. */
const runId = (now: Date) => now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');

const prefix = (staging: string) => (staging.endsWith('/') ? staging : `${staging}/`);

/** Step 1: the two CTAS queries of the window, the train one recorded before the second. */
export async function startDistributed(
  settings: DistributedSettings,
  window: { readonly from: string; readonly to: string },
  deps: DistributedDeps,
  save: (step: DistributedStep) => Promise<void>,
): Promise<DistributedStep> {
  const run = runId(deps.clock());
  const base = `${prefix(settings.staging)}runs/${run}/`;
  const slices: Slices = { trainData: `${base}train/`, heldOutData: `${base}validation/` };
  const start = (slice: 'train' | 'held-out', outputLocation: string) =>
    deps.queries.start(ctasRequest(settings, run, window, slice, outputLocation));
  const trainQuery = await start('train', slices.trainData);
  const started: DistributedStep = {
    outcome: 'running',
    reason: `distributed retraining: Athena query ${trainQuery} extracting the window's train pairs`,
    distributed: { phase: 'querying', run, window, trainQuery, ...slices },
  };
  await save(started);
  let heldOutQuery: string;
  try {
    heldOutQuery = await start('held-out', slices.heldOutData);
  } catch (error) {
    // The train query runs on: the next run starts only the held-out one.
    return {
      ...started,
      reason: `${started.reason}; the held-out query could not be started (${errorMessage(error)}), retried on the next run`,
    };
  }
  return {
    outcome: 'running',
    reason: `distributed retraining: Athena queries ${trainQuery} (train) and ${heldOutQuery} (held-out slice) running`,
    distributed: { phase: 'querying', run, window, trainQuery, heldOutQuery, ...slices },
  };
}

const ended = (state: QueryState) => state.state === 'FAILED' || state.state === 'CANCELLED';

/** Steps 2 and 3: one look at what the last run started, and the next call when it is done. */
export async function advanceDistributed(
  state: DistributedState,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  try {
    return await advance(state, settings, deps);
  } catch (error) {
    // A throttled or refused call: the state stays, the next run tries the same step again.
    return {
      outcome: 'running',
      reason: `distributed retraining (${state.phase}): ${errorMessage(error)}; retried on the next run`,
      distributed: state,
    };
  }
}

async function advance(
  state: DistributedState,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  switch (state.phase) {
    case 'querying':
      return afterQueries(state, settings, deps);
    case 'training':
      return afterTraining(state, settings, deps);
    case 'trained':
      return createCandidate(state, settings, deps);
    case 'candidate':
      return gate(state, settings, deps);
  }
}

async function afterQueries(
  state: Extract<DistributedState, { phase: 'querying' }>,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  if (state.heldOutQuery === undefined) {
    // The last run stopped between the two starts.
    const heldOutQuery = await deps.queries.start(
      ctasRequest(settings, state.run, state.window, 'held-out', state.heldOutData),
    );
    return {
      outcome: 'running',
      reason: `distributed retraining: Athena queries ${state.trainQuery} (train) and ${heldOutQuery} (held-out slice) running`,
      distributed: { ...state, heldOutQuery },
    };
  }
  const train = await deps.queries.state(state.trainQuery);
  const heldOut = await deps.queries.state(state.heldOutQuery);
  for (const [query, result] of [
    [state.trainQuery, train],
    [state.heldOutQuery, heldOut],
  ] as const) {
    if (ended(result) && 'reason' in result) {
      return {
        outcome: 'failed',
        reason: `distributed retraining: Athena query ${query} ${result.state.toLowerCase()}: ${result.reason}`,
        distributed: state,
      };
    }
  }
  if (train.state !== 'SUCCEEDED' || heldOut.state !== 'SUCCEEDED') {
    return {
      outcome: 'running',
      reason: `distributed retraining: Athena queries ${state.trainQuery} ${train.state.toLowerCase()}, ${state.heldOutQuery} ${heldOut.state.toLowerCase()}`,
      distributed: state,
    };
  }
  const scannedBytes = train.scannedBytes + heldOut.scannedBytes;
  const jobName = trainingJobName(deps.clock(), 'guardduty-chatops-retraining');
  const plan: TrainingJobPlan = {
    jobName,
    region: settings.region,
    roleArn: settings.roleArn,
    trainData: state.trainData,
    validationData: state.heldOutData,
    outputPath: `${prefix(settings.staging)}runs/${state.run}/model/`,
    instanceType: settings.instanceType,
    hyperparameters: sageMakerHyperparameters(
      settings.hyperparameters ?? {},
      settings.expectedEntities,
    ),
    maxRuntimeSeconds: settings.maxRuntimeSeconds,
  };
  await deps.jobs.createTrainingJob(plan, ipInsightsImage(settings.region));
  return {
    outcome: 'running',
    reason: `distributed retraining: SageMaker training job ${jobName} started (Athena scanned ${String(scannedBytes)} bytes)`,
    distributed: {
      phase: 'training',
      run: state.run,
      trainData: state.trainData,
      heldOutData: state.heldOutData,
      scannedBytes,
      jobName,
    },
  };
}

/** One slice's CTAS: its own table and S3 prefix per run, so a run never mixes with another. */
function ctasRequest(
  settings: DistributedSettings,
  run: string,
  window: { readonly from: string; readonly to: string },
  slice: 'train' | 'held-out',
  outputLocation: string,
) {
  const { athena } = settings;
  return {
    query: tuplesQuery({
      database: athena.database,
      table: athena.table,
      targetTable: `guardduty_chatops_${slice === 'train' ? 'train' : 'validation'}_${run.toLowerCase()}`,
      outputLocation,
      from: window.from,
      to: window.to,
      slice,
      uncompressed: true,
      ...(athena.partitionColumn === undefined ? {} : { partitionColumn: athena.partitionColumn }),
    }),
    database: athena.database,
    workGroup: athena.workGroup,
    ...(athena.resultsLocation === undefined ? {} : { resultsLocation: athena.resultsLocation }),
  };
}

async function afterTraining(
  state: Extract<DistributedState, { phase: 'training' }>,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  const job = await deps.jobs.describeTrainingJob(state.jobName);
  switch (job.status) {
    case 'InProgress':
    case 'Stopping':
      return {
        outcome: 'running',
        reason: `distributed retraining: SageMaker training job ${state.jobName} ${job.status === 'InProgress' ? 'in progress' : 'stopping'}`,
        distributed: state,
      };
    case 'Failed':
    case 'Stopped':
      return {
        outcome: 'failed',
        reason: `distributed retraining: SageMaker training job ${state.jobName} ${job.status.toLowerCase()}: ${job.reason}`,
        distributed: state,
      };
    case 'Completed': {
      const discriminatorAuc = job.finalMetrics?.[DISCRIMINATOR_AUC];
      const trained: TrainedState = {
        ...state,
        phase: 'trained',
        modelArtifacts: job.modelArtifacts,
        ...(discriminatorAuc === undefined ? {} : { discriminatorAuc }),
      };
      // Recorded as trained if the candidate cannot be created now: the next run creates it.
      try {
        return await createCandidate(trained, settings, deps);
      } catch (error) {
        return {
          outcome: 'running',
          reason: `${trainedReason(trained)}; its candidate endpoint could not be created (${errorMessage(error)}), retried on the next run`,
          distributed: trained,
        };
      }
    }
  }
}

type TrainedState = Extract<DistributedState, { phase: 'trained' | 'candidate' }>;

function trainedReason(state: TrainedState): string {
  const auc =
    state.discriminatorAuc === undefined
      ? 'no validation:discriminator_auc reported'
      : `validation:discriminator_auc ${state.discriminatorAuc.toFixed(3)}`;
  return `distributed retraining: SageMaker training job ${state.jobName} completed (${auc})`;
}

/**
 * The job's model, an endpoint configuration of the stack's instance type, and a candidate
 * endpoint, all named after the job (a retried call finds what an interrupted one created).
 */
async function createCandidate(
  state: TrainedState,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  const image = ipInsightsImage(settings.region);
  await deps.jobs.createModel(state.jobName, image, state.modelArtifacts, settings.roleArn);
  await deps.jobs.createEndpointConfig(
    state.jobName,
    state.jobName,
    settings.endpoint.instanceType,
  );
  await deps.jobs.createEndpoint(state.jobName, state.jobName);
  return {
    outcome: 'running',
    reason: `${trainedReason(state)}; candidate endpoint ${state.jobName} being created for the gate`,
    distributed: { ...state, phase: 'candidate' },
  };
}

/** Deleted whatever the gate decided: an idle endpoint costs its instance by the hour. */
async function withoutCandidate(
  step: DistributedStep,
  name: string,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  try {
    await deps.jobs.deleteEndpoint(name);
    return step;
  } catch (error) {
    return {
      ...step,
      reason: `${step.reason}; the candidate endpoint ${name} could not be deleted (${errorMessage(error)}): delete it by hand`,
    };
  }
}

/** Step 3: both endpoints score the same held-out sample; the stack's is updated only if it passes. */
async function gate(
  state: TrainedState,
  settings: DistributedSettings,
  deps: DistributedDeps,
): Promise<DistributedStep> {
  const candidate = await deps.jobs.endpointStatus(state.jobName);
  if (candidate === undefined || candidate.status === 'Failed') {
    const why = candidate?.reason ?? 'it is gone';
    const failed: DistributedStep = {
      outcome: 'failed',
      reason: `${trainedReason(state)}; candidate endpoint ${state.jobName} failed: ${why}; the stack's endpoint is unchanged`,
      distributed: state,
    };
    return candidate === undefined ? failed : withoutCandidate(failed, state.jobName, deps);
  }
  if (candidate.status !== 'InService') {
    return {
      outcome: 'running',
      reason: `${trainedReason(state)}; candidate endpoint ${state.jobName} ${candidate.status}`,
      distributed: state,
    };
  }
  const sample = await heldOutSample(
    deps.storage,
    parseS3Uri(state.heldOutData),
    GATE_PAIRS,
    seedOf(state.run),
  );
  const candidateAuc = await endpointAuc(state.jobName, deps.invoker, sample);
  const live = await deps.jobs.endpointStatus(settings.endpoint.name);
  const currentAuc =
    live === undefined
      ? undefined
      : await endpointAuc(settings.endpoint.name, deps.invoker, sample);
  const verdict = qualityGate(candidateAuc, currentAuc, settings.maxAucDrop);
  const measured = {
    distributed: state,
    candidateAuc,
    ...(currentAuc === undefined ? {} : { currentAuc }),
  };
  const pairs = `${String(sample.positives.length)} held-out pairs and as many shuffled negatives`;
  if (!verdict.publish) {
    return withoutCandidate(
      {
        outcome: 'rejected',
        reason: `${verdict.reason} (${pairs}); endpoint ${settings.endpoint.name} unchanged`,
        ...measured,
      },
      state.jobName,
      deps,
    );
  }
  if (live === undefined) await deps.jobs.createEndpoint(settings.endpoint.name, state.jobName);
  else await deps.jobs.updateEndpoint(settings.endpoint.name, state.jobName);
  return withoutCandidate(
    {
      outcome: 'published',
      reason: `${verdict.reason} (${pairs}); endpoint ${settings.endpoint.name} ${live === undefined ? 'created' : 'updated'} with ${state.jobName}`,
      ...measured,
      version: state.jobName,
    },
    state.jobName,
    deps,
  );
}

/** The run's id as the sample's seed: a retried gate draws the same negatives. */
const seedOf = (run: string) => Number(run.replace(/\D/g, '').slice(-9));
