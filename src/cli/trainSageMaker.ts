import { numberToIpv4 } from '../ipinsights/ip';
import type { Hyperparameters } from '../ipinsights/hyperparameters';
import { isS3Uri, parseS3Uri, type ObjectWriter } from '../ipinsights/objectStorage';
import {
  ipInsightsImage,
  runSageMakerTraining,
  sageMakerHyperparameters,
  trainingJobName,
  type SageMakerJobs,
  type TrainingJobPlan,
} from '../ipinsights/sageMakerTraining';
import type { TrainingSet } from '../ipinsights/trainingSet';
import { csvField } from '../ipinsights/sageMakerScorer';
import { UsageError, type CliIo } from './io';

/** What `train --sagemaker` adds to `train`'s options. */
export interface SageMakerOptions {
  readonly roleArn: string;
  /** `s3://…/` prefix the tuples are written to (or already are: `--tuples s3://…/`). */
  readonly data: string;
  readonly output: string;
  readonly instanceType: string;
  readonly region: string;
  readonly jobName?: string;
  readonly maxRuntimeSeconds: number;
  readonly endpoint?: string;
  readonly endpointInstanceType: string;
}

export interface SageMakerCliDeps {
  /** SageMaker's control plane in a region (created only for `--sagemaker`). */
  readonly sageMaker: (region: string) => Promise<SageMakerJobs>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

const DEFAULTS = {
  instanceType: 'ml.p3.2xlarge',
  endpointInstanceType: 'ml.m5.large',
  maxRuntimeSeconds: 86_400,
} as const;

const S3_PREFIX = /^s3:\/\/.+\/$/;

/** Reads the `--sagemaker` flags; every missing or malformed one is a usage error. */
export function sageMakerOptions(
  values: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): SageMakerOptions {
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const roleArn = text('role-arn');
  if (roleArn === undefined || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new UsageError(
      '--sagemaker needs --role-arn arn:aws:iam::ACCOUNT:role/NAME (the job’s role)',
    );
  }
  const data = text('data');
  if (data === undefined || !S3_PREFIX.test(data)) {
    throw new UsageError('--sagemaker needs --data s3://bucket/prefix/ (where the tuples go)');
  }
  const output = text('output') ?? `${data}output/`;
  if (!S3_PREFIX.test(output)) throw new UsageError(`--output ${output} is not an s3://…/ prefix`);
  const region = text('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined) throw new UsageError('--sagemaker needs --region or AWS_REGION');
  ipInsightsImage(region); // a region without the algorithm is refused before anything is uploaded
  const runtime = Number(text('max-runtime') ?? DEFAULTS.maxRuntimeSeconds);
  if (!Number.isInteger(runtime) || runtime < 60) {
    throw new UsageError('--max-runtime: whole seconds, at least 60');
  }
  const jobName = text('job-name');
  const endpoint = text('endpoint');
  return {
    roleArn,
    data,
    output,
    region,
    instanceType: text('instance-type') ?? DEFAULTS.instanceType,
    maxRuntimeSeconds: runtime,
    endpointInstanceType: text('endpoint-instance-type') ?? DEFAULTS.endpointInstanceType,
    ...(jobName === undefined ? {} : { jobName }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/** The training set as SageMaker's `text/csv` channel takes it: `entity,ip` lines. */
export function tuplesCsv(set: TrainingSet): Uint8Array {
  const lines: string[] = [];
  set.entityOfPair.forEach((entity, pair) => {
    lines.push(`${csvField(set.entities[entity] ?? '')},${numberToIpv4(set.ipOfPair[pair] ?? 0)}`);
  });
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/**
 * Uploads the tuples (unless they are already in S3), starts the training job and, with
 * `--endpoint`, waits for it and puts the model behind the endpoint. Prints what it did.
 */
export async function trainWithSageMaker(
  options: SageMakerOptions,
  input: { readonly set: TrainingSet } | { readonly s3: string },
  hyperparameters: Partial<Hyperparameters>,
  storage: ObjectWriter | undefined,
  deps: SageMakerCliDeps,
  io: CliIo,
): Promise<void> {
  let trainData: string;
  let entities: number;
  if ('s3' in input) {
    trainData = input.s3;
    if (hyperparameters.num_entity_vectors === undefined) {
      throw new UsageError(
        '--tuples s3://… with --sagemaker needs --num_entity_vectors (2 × the distinct entities)',
      );
    }
    entities = Math.ceil(hyperparameters.num_entity_vectors / 2);
  } else {
    if (storage === undefined) throw new UsageError('--sagemaker needs S3 access for --data');
    trainData = options.data;
    entities = input.set.entities.length;
    const location = parseS3Uri(`${options.data}tuples.csv`);
    const body = tuplesCsv(input.set);
    await storage.write(location, body);
    io.stdout.write(
      `tuples        ${input.set.ipOfPair.length.toLocaleString('en-US')} written to s3://${location.bucket}/${location.key} (${(body.length / 1e6).toFixed(1)} MB)\n`,
    );
  }
  const plan: TrainingJobPlan = {
    jobName: options.jobName ?? trainingJobName(deps.now()),
    region: options.region,
    roleArn: options.roleArn,
    trainData,
    outputPath: options.output,
    instanceType: options.instanceType,
    hyperparameters: sageMakerHyperparameters(hyperparameters, entities),
    maxRuntimeSeconds: options.maxRuntimeSeconds,
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: { name: options.endpoint, instanceType: options.endpointInstanceType } }),
  };
  const result = await runSageMakerTraining(plan, {
    jobs: await deps.sageMaker(options.region),
    sleep: deps.sleep,
    onStatus: (line) => io.stderr.write(`${line}\n`),
  });
  io.stdout.write(
    [
      `training job  ${result.jobName} (${plan.instanceType}, ${options.region})`,
      `model         ${result.modelArtifacts ?? `${options.output}${result.jobName}/output/model.tar.gz when the job completes`}`,
      ...(result.endpoint === undefined
        ? []
        : [
            `endpoint      ${result.endpoint.name} ${result.endpoint.action}: set IPINSIGHTS_ENDPOINT=${result.endpoint.name}`,
          ]),
      '',
    ].join('\n'),
  );
}

export function isS3Tuples(path: string | undefined): path is string {
  return path !== undefined && isS3Uri(path);
}
