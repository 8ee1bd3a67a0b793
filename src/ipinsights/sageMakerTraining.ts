import { resolveHyperparameters, type Hyperparameters } from './hyperparameters';
import { CodedError, ErrorCode } from '../shared/errors';

/**
 * Training with SageMaker's built-in IP Insights algorithm, for trails too big for one machine:
 * the tuples go to S3 as `entity,ip` CSV, a training job runs the algorithm's image, and the
 * model can then be put behind the endpoint the SageMaker scorer calls. This module plans the
 * calls and runs them through the `SageMakerJobs` port; src/aws/ implements it.
 */

/** The algorithm's ECR registries (SageMaker Python SDK's `image_uri_config/ipinsights.json`). */
const IMAGE_REGISTRIES: Readonly<Record<string, string>> = {
  'af-south-1': '455444449433',
  'ap-east-1': '286214385809',
  'ap-northeast-1': '351501993468',
  'ap-northeast-2': '835164637446',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '991648021394',
  'ap-southeast-1': '475088953585',
  'ap-southeast-2': '712309505854',
  'ca-central-1': '469771592824',
  'cn-north-1': '390948362332',
  'cn-northwest-1': '387376663083',
  'eu-central-1': '664544806723',
  'eu-north-1': '669576153137',
  'eu-south-1': '257386234256',
  'eu-west-1': '438346466558',
  'eu-west-2': '644912444149',
  'eu-west-3': '749696950732',
  'me-south-1': '249704162688',
  'sa-east-1': '855470959533',
  'us-east-1': '382416733822',
  'us-east-2': '404615174143',
  'us-gov-west-1': '226302683700',
  'us-west-1': '632365934929',
  'us-west-2': '174872318107',
};

export class SageMakerTrainingError extends CodedError {
  override readonly name = 'SageMakerTrainingError';
  readonly code = ErrorCode.SageMakerTrainingFailed;
}

export class SageMakerSetupError extends CodedError {
  override readonly name = 'SageMakerSetupError';
  readonly code = ErrorCode.SageMakerSetupInvalid;
}

/** The built-in IP Insights image of a region, e.g. `382416733822.dkr.ecr.us-east-1.amazonaws.com/ipinsights:1`. */
export function ipInsightsImage(region: string): string {
  const registry = IMAGE_REGISTRIES[region];
  if (registry === undefined) {
    throw new SageMakerSetupError(
      `SageMaker has no IP Insights image in ${region} (regions: ${Object.keys(IMAGE_REGISTRIES).join(', ')})`,
    );
  }
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${registry}.dkr.ecr.${region}.${domain}/ipinsights:1`;
}

/** Our hyperparameters SageMaker's algorithm knows by the same name; ours alone stay out. */
const SAGEMAKER_NAMES = [
  'num_entity_vectors',
  'vector_dim',
  'epochs',
  'mini_batch_size',
  'learning_rate',
  'random_negative_sampling_rate',
  'shuffled_negative_sampling_rate',
  'weight_decay',
] as const satisfies readonly (keyof Hyperparameters)[];

/**
 * The job's hyperparameters as SageMaker takes them (strings): the two it requires
 * (`num_entity_vectors`, 2 × entities by its advice, and `vector_dim`) and whatever was set on
 * the command line. The rest keep SageMaker's own defaults: its optimiser is Adam, so the
 * step size tuned for our Adagrad would not carry over.
 */
export function sageMakerHyperparameters(
  overrides: Partial<Hyperparameters>,
  entities: number,
): Record<string, string> {
  const resolved = resolveHyperparameters(overrides, entities);
  const chosen: Record<string, string> = {
    num_entity_vectors: String(resolved.num_entity_vectors),
    vector_dim: String(resolved.vector_dim),
  };
  for (const name of SAGEMAKER_NAMES) {
    const value = overrides[name];
    if (value !== undefined) chosen[name] = String(value);
  }
  return chosen;
}

export interface TrainingJobPlan {
  readonly jobName: string;
  readonly region: string;
  readonly roleArn: string;
  /** `s3://…/` prefix of the `entity,ip` CSV objects (the `train` channel). */
  readonly trainData: string;
  /**
   * `s3://…/` prefix of a held-out slice (the `validation` channel): the algorithm then reports
   * `validation:discriminator_auc` in the job's final metrics.
   */
  readonly validationData?: string;
  /** `s3://…/` where SageMaker writes `model.tar.gz`. */
  readonly outputPath: string;
  readonly instanceType: string;
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly maxRuntimeSeconds: number;
  /** Put the trained model behind this endpoint (created, or updated when it exists). */
  readonly endpoint?: { readonly name: string; readonly instanceType: string };
}

export type TrainingJobStatus =
  | { readonly status: 'InProgress' | 'Stopping' }
  | {
      readonly status: 'Completed';
      readonly modelArtifacts: string;
      /** FinalMetricDataList by name (`validation:discriminator_auc` with a validation channel). */
      readonly finalMetrics?: Readonly<Record<string, number>>;
    }
  | { readonly status: 'Failed' | 'Stopped'; readonly reason: string };

/** SageMaker's control plane, as much of it as training and deploying need (src/aws/). */
export interface SageMakerJobs {
  createTrainingJob(plan: TrainingJobPlan, image: string): Promise<void>;
  describeTrainingJob(jobName: string): Promise<TrainingJobStatus>;
  createModel(name: string, image: string, modelArtifacts: string, roleArn: string): Promise<void>;
  createEndpointConfig(name: string, modelName: string, instanceType: string): Promise<void>;
  endpointExists(name: string): Promise<boolean>;
  createEndpoint(name: string, configName: string): Promise<void>;
  updateEndpoint(name: string, configName: string): Promise<void>;
  /** DescribeEndpoint's EndpointStatus (`Creating`, `InService`, `Failed`, …); undefined: none. */
  endpointStatus(
    name: string,
  ): Promise<{ readonly status: string; readonly reason?: string } | undefined>;
  deleteEndpoint(name: string): Promise<void>;
}

export interface TrainingRunDeps {
  readonly jobs: SageMakerJobs;
  /** Waits between status polls (injected: tests do not wait). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly onStatus?: (line: string) => void;
  readonly pollMs?: number;
}

export interface TrainingRunResult {
  readonly jobName: string;
  readonly modelArtifacts?: string;
  readonly endpoint?: { readonly name: string; readonly action: 'created' | 'updated' };
}

/**
 * Starts the training job; with an endpoint, waits for it and creates the model, a new
 * endpoint configuration and the endpoint (or updates the existing one to the new config, so
 * the scorer keeps answering while SageMaker swaps the instances).
 */
export async function runSageMakerTraining(
  plan: TrainingJobPlan,
  deps: TrainingRunDeps,
): Promise<TrainingRunResult> {
  const image = ipInsightsImage(plan.region);
  await deps.jobs.createTrainingJob(plan, image);
  deps.onStatus?.(`training job ${plan.jobName} started`);
  if (plan.endpoint === undefined) return { jobName: plan.jobName };
  const status = await finished(plan.jobName, deps);
  if (status.status !== 'Completed') {
    throw new SageMakerTrainingError(
      `training job ${plan.jobName} ${status.status.toLowerCase()}: ${status.reason}`,
    );
  }
  const modelName = plan.jobName;
  await deps.jobs.createModel(modelName, image, status.modelArtifacts, plan.roleArn);
  await deps.jobs.createEndpointConfig(modelName, modelName, plan.endpoint.instanceType);
  const exists = await deps.jobs.endpointExists(plan.endpoint.name);
  if (exists) await deps.jobs.updateEndpoint(plan.endpoint.name, modelName);
  else await deps.jobs.createEndpoint(plan.endpoint.name, modelName);
  const action = exists ? 'updated' : 'created';
  deps.onStatus?.(`endpoint ${plan.endpoint.name} ${action} with ${modelName}`);
  return {
    jobName: plan.jobName,
    modelArtifacts: status.modelArtifacts,
    endpoint: { name: plan.endpoint.name, action },
  };
}

async function finished(
  jobName: string,
  deps: TrainingRunDeps,
): Promise<Extract<TrainingJobStatus, { status: 'Completed' | 'Failed' | 'Stopped' }>> {
  for (;;) {
    const status = await deps.jobs.describeTrainingJob(jobName);
    if (
      status.status === 'Completed' ||
      status.status === 'Failed' ||
      status.status === 'Stopped'
    ) {
      return status;
    }
    await deps.sleep(deps.pollMs ?? 60_000);
  }
}

/** A job name SageMaker accepts (63 characters, letters, digits, hyphens), unique per second. */
export function trainingJobName(now: Date, prefix = 'guardduty-chatops-ipinsights'): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${prefix}-${stamp}`.slice(0, 63);
}
