import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SKIP_REASONS, type CloudTrailStats } from '../ipinsights/cloudTrail';
import {
  FLOW_SKIP_REASONS,
  type FlowLogStats,
  type NetworkInterface,
  type NetworkInterfaceLister,
} from '../ipinsights/flowLogs';
import { seededRandom } from '../ipinsights/random';
import { readTupleCsv } from '../ipinsights/tupleCsv';
import type { FileCounts } from '../ipinsights/logFiles';
import {
  HyperparameterError,
  resolveHyperparameters,
  type Hyperparameters,
} from '../ipinsights/hyperparameters';
import { MODEL_FORMAT_VERSION } from '../ipinsights/modelFile';
import { checkModelDestination, saveModel } from '../ipinsights/modelStore';
import { isS3Uri, type ObjectStorage } from '../ipinsights/objectStorage';
import { trainModel, type TrainingProgress } from '../ipinsights/train';
import { TrainingSetBuilder } from '../ipinsights/trainingSet';
import {
  addCloudTrail,
  addFlowLogs,
  addTupleCsv,
  type CsvStats,
} from '../ipinsights/trainingInput';
import { joinNegativeValues } from './args';
import {
  isS3Tuples,
  sageMakerOptions,
  trainWithSageMaker,
  type SageMakerCliDeps,
  type SageMakerOptions,
} from './trainSageMaker';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand, type CliIo } from './io';
import {
  argumentError,
  defaultIpInsightsCliDeps,
  openInputFile,
  type IpInsightsCliDeps,
} from './score';

const TRAIN_USAGE =
  'usage: train (--cloudtrail PATH... [--flow-logs PATH... [--eni-map FILE.csv] [--private-peers] [--sample RATE]] | --tuples FILE.csv) (--out MODEL | --sagemaker --role-arn ARN --data s3://…/ [--endpoint NAME] [--region R] [--instance-type T]) [--strict] [--epochs N] [--vector_dim N] [--seed N] …';

/** Hyperparameters settable on the command line, under their SageMaker names. */
const HYPERPARAMETER_FLAGS = [
  'num_entity_vectors',
  'vector_dim',
  'epochs',
  'mini_batch_size',
  'learning_rate',
  'random_negative_sampling_rate',
  'shuffled_negative_sampling_rate',
  'weight_decay',
  'num_ip_vectors',
  'frequency_prior_weight',
  'seed',
] as const satisfies readonly (keyof Hyperparameters)[];

export interface TrainCommandDeps extends IpInsightsCliDeps, SageMakerCliDeps {
  /** The account's ENIs (EC2), for flow logs without `instance-id`; created only when listed. */
  readonly interfaces: () => Promise<NetworkInterfaceLister>;
  /** Wall clock: the model's "trained at". */
  readonly now: () => Date;
  /** Monotonic milliseconds, for the time in the summary. */
  readonly elapsedMs: () => number;
}

const PROGRESS_WIDTH = 24;

/** `train --sagemaker`: the same reading, then SageMaker's built-in algorithm instead of ours. */
async function sageMakerTraining(
  options: TrainOptions,
  sageMaker: SageMakerOptions,
  deps: TrainCommandDeps,
  io: CliIo,
): Promise<void> {
  if (isS3Tuples(options.tuples)) {
    await trainWithSageMaker(
      sageMaker,
      { s3: options.tuples },
      options.hyperparameters,
      undefined,
      deps,
      io,
    );
    return;
  }
  const storage = await deps.storage();
  const builder = new TrainingSetBuilder();
  const summaries = await readTuples(options, io, deps, builder, storage, new ProgressLine(io));
  if (builder.size === 0) {
    const said = summaries.map((summary) => readSummary(summary)).join('; ');
    throw new UsageError(`no (entity, IPv4) pairs in the input (${said})`);
  }
  io.stdout.write(
    summaries.map((summary) => `${summary.label.padEnd(14)}${readSummary(summary)}\n`).join(''),
  );
  const set = builder.build();
  await trainWithSageMaker(sageMaker, { set }, options.hyperparameters, storage, deps, io);
}

/** `train`: reads tuples (CloudTrail or CSV), trains the embedded model, writes the model file. */
export function createTrainCommand(deps: TrainCommandDeps): CliCommand {
  return async (args, io) => {
    const options = parseTrainArgs(args);
    if (options === 'help') {
      io.stdout.write(`${TRAIN_USAGE}\n`);
      return ExitCode.ok;
    }
    // Out-of-range values are named before anything is read (the entity count comes later).
    withDefaults(options.hyperparameters, 1);
    if (options.sagemaker !== undefined) {
      await sageMakerTraining(options, sageMakerOptions(options.sagemaker, io.env), deps, io);
      return ExitCode.ok;
    }
    const started = deps.elapsedMs();
    const out = isS3Uri(options.out) ? options.out : resolve(io.cwd, options.out);
    await checkModelDestination(out);
    const needsS3 = [...options.cloudtrail, ...options.flowLogs, options.out].some(isS3Uri);
    const storage = needsS3 ? await deps.storage() : undefined;
    const progress = new ProgressLine(io);

    const builder = new TrainingSetBuilder();
    const summaries = await readTuples(options, io, deps, builder, storage, progress);
    if (builder.size === 0) {
      const said = summaries.map((summary) => readSummary(summary)).join('; ');
      throw new UsageError(`no (entity, IPv4) pairs in the input (${said})`);
    }
    const set = builder.build();
    const readSeconds = (deps.elapsedMs() - started) / 1000;
    const hyperparameters = withDefaults(options.hyperparameters, set.entities.length);
    const { model, epochLosses } = trainModel(set, {
      hyperparameters,
      now: deps.now,
      onProgress: (p) => progress.show(trainingBar(p)),
    });
    progress.clear();
    const trainSeconds = (deps.elapsedMs() - started) / 1000 - readSeconds;
    const bytes = await saveModel(model, out, storage);

    const first = epochLosses[0] ?? Number.NaN;
    const last = epochLosses[epochLosses.length - 1] ?? Number.NaN;
    io.stdout.write(
      [
        ...summaries.flatMap((summary) => [
          `${summary.label.padEnd(14)}${readSummary(summary)}`,
          ...filesSummary(summary.fileCounts, summary.records),
        ]),
        `entities      ${number(set.entities.length)}`,
        `epochs        ${hyperparameters.epochs} (loss ${first.toFixed(4)} → ${last.toFixed(4)})`,
        `time          ${readSeconds.toFixed(1)} s reading, ${trainSeconds.toFixed(1)} s training`,
        `model         ${options.out} (${(bytes / 1e6).toFixed(1)} MB, format v${MODEL_FORMAT_VERSION})`,
        '',
      ].join('\n'),
    );
    return ExitCode.ok;
  };
}

interface TrainOptions {
  readonly cloudtrail: readonly string[];
  readonly flowLogs: readonly string[];
  readonly eniMap?: string;
  readonly privatePeers: boolean;
  readonly sample?: number;
  readonly tuples?: string;
  readonly out: string;
  readonly strict: boolean;
  readonly hyperparameters: Partial<Hyperparameters>;
  /** The raw `--sagemaker` flags, read with the environment (the region) by sageMakerOptions. */
  readonly sagemaker?: Readonly<Record<string, unknown>>;
}

/** What reading one kind of source saw, in the same shape for CloudTrail, flow logs and CSV. */
interface ReadStats {
  readonly label: string;
  /** What the files held ("CloudTrail record", "flow log record"), for "held no …". */
  readonly records: string;
  readonly fileCounts?: FileCounts;
  readonly files: number;
  readonly pairs: number;
  readonly ipv6: number;
  /** Skipped records, already in words. */
  readonly skipped: readonly (readonly [string, number])[];
}

async function readTuples(
  options: TrainOptions,
  io: CliIo,
  deps: TrainCommandDeps,
  builder: TrainingSetBuilder,
  storage: ObjectStorage | undefined,
  progress: ProgressLine,
): Promise<ReadStats[]> {
  const onProgress = (pairs: number): void => progress.show(`reading… ${number(pairs)} pairs`);
  const here = (p: string) => (isS3Uri(p) ? p : resolve(io.cwd, p));
  if (options.tuples !== undefined) {
    const source = options.tuples;
    const input = await openInputFile(resolve(io.cwd, source));
    const csv = await addTupleCsv(builder, input, source, { strict: options.strict, onProgress });
    return [csvReadStats(csv)];
  }
  const summaries: ReadStats[] = [];
  const s3 = storage === undefined ? {} : { storage };
  if (options.cloudtrail.length > 0) {
    const stats = await addCloudTrail(builder, options.cloudtrail.map(here), {
      ...s3,
      strict: options.strict,
      onProgress,
    });
    summaries.push(cloudTrailReadStats(stats));
  }
  if (options.flowLogs.length > 0) {
    const interfaces =
      options.eniMap === undefined
        ? lazyInterfaces(deps)
        : await interfacesFromCsv(resolve(io.cwd, options.eniMap), options.eniMap);
    const stats = await addFlowLogs(builder, options.flowLogs.map(here), {
      ...s3,
      interfaces,
      includePrivatePeers: options.privatePeers,
      ...(options.sample === undefined
        ? {}
        : { sample: options.sample, random: seededRandom(options.hyperparameters.seed ?? 1) }),
      strict: options.strict,
      onProgress,
    });
    summaries.push(flowLogReadStats(stats));
  }
  return summaries;
}

/** EC2 is asked only when a flow log without `instance-id` is read. */
function lazyInterfaces(deps: TrainCommandDeps): NetworkInterfaceLister {
  return {
    async *list() {
      yield* (await deps.interfaces()).list();
    },
  };
}

/** `interface-id,instance-id` lines: the ENI map without calling EC2. */
async function interfacesFromCsv(path: string, source: string): Promise<NetworkInterfaceLister> {
  const enis: NetworkInterface[] = [];
  for await (const line of readTupleCsv(await openInputFile(path), source)) {
    enis.push({ interfaceId: line.entity, instanceId: line.ip, privateIps: [] });
  }
  return {
    async *list() {
      yield* enis;
      await Promise.resolve();
    },
  };
}

function words<R extends string>(
  skipped: Readonly<Record<R, number>>,
  labels: Readonly<Record<R, string>>,
): (readonly [string, number])[] {
  return (Object.keys(skipped) as R[]).map((reason) => [labels[reason], skipped[reason]] as const);
}

function cloudTrailReadStats(stats: CloudTrailStats): ReadStats {
  return {
    label: 'tuples read',
    records: 'CloudTrail record',
    fileCounts: stats,
    files: stats.files,
    pairs: stats.ipv4,
    ipv6: stats.ipv6,
    skipped: words(stats.skipped, SKIP_REASONS),
  };
}

function flowLogReadStats(stats: FlowLogStats): ReadStats {
  return {
    label: 'flow logs',
    records: 'flow log record',
    fileCounts: stats,
    files: stats.files,
    pairs: stats.ipv4,
    ipv6: stats.ipv6,
    skipped: words(stats.skipped, FLOW_SKIP_REASONS),
  };
}

function csvReadStats(csv: CsvStats): ReadStats {
  return {
    label: 'tuples read',
    records: 'line',
    files: 1,
    pairs: csv.pairs,
    ipv6: csv.ipv6,
    skipped: [
      [SKIP_REASONS['leading-zero'], csv.leadingZero],
      [SKIP_REASONS['not-an-ip'], csv.notAnIp],
    ],
  };
}

function readSummary(stats: ReadStats): string {
  const skipped = stats.skipped.filter(([, n]) => n > 0).map(([what, n]) => `${number(n)} ${what}`);
  if (stats.ipv6 > 0) skipped.push(`${number(stats.ipv6)} IPv6, not trained`);
  const files = stats.files === 1 ? '1 file' : `${number(stats.files)} files`;
  return `${number(stats.pairs)} from ${files}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`;
}

const NAMED_FILES = 3;

/** "3 files unreadable: a (why), b (why), c (why)" and the files that held no record. */
function filesSummary(counts: FileCounts | undefined, records: string): string[] {
  if (counts === undefined) return [];
  const lines: string[] = [];
  const { unreadable, withoutRecords } = counts;
  if (unreadable.length > 0) {
    const named = unreadable.slice(0, NAMED_FILES).map((f) => `${f.name} (${f.reason})`);
    lines.push(
      `files skipped ${plural(unreadable.length, 'file')} unreadable: ${named.join('; ')}${more(unreadable.length)}`,
    );
  }
  if (withoutRecords.length > 0) {
    const named = withoutRecords.slice(0, NAMED_FILES);
    lines.push(
      `no records    ${plural(withoutRecords.length, 'file')} not empty but held no ${records}: ${named.join('; ')}${more(withoutRecords.length)}`,
    );
  }
  return lines;
}

function plural(n: number, word: string): string {
  return `${number(n)} ${word}${n === 1 ? '' : 's'}`;
}

function more(total: number): string {
  return total > NAMED_FILES ? ` and ${number(total - NAMED_FILES)} more` : '';
}

function withDefaults(overrides: Partial<Hyperparameters>, entities: number): Hyperparameters {
  try {
    return resolveHyperparameters(overrides, entities);
  } catch (error) {
    if (error instanceof HyperparameterError) throw new UsageError(`--${error.message}`);
    throw error;
  }
}

function parseTrainArgs(args: readonly string[]): TrainOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, HYPERPARAMETER_FLAGS),
      options: {
        cloudtrail: { type: 'string', multiple: true },
        tuples: { type: 'string' },
        out: { type: 'string' },
        strict: { type: 'boolean' },
        'flow-logs': { type: 'string', multiple: true },
        'eni-map': { type: 'string' },
        'private-peers': { type: 'boolean' },
        sample: { type: 'string' },
        sagemaker: { type: 'boolean' },
        'role-arn': { type: 'string' },
        data: { type: 'string' },
        output: { type: 'string' },
        region: { type: 'string' },
        'instance-type': { type: 'string' },
        'job-name': { type: 'string' },
        'max-runtime': { type: 'string' },
        endpoint: { type: 'string' },
        'endpoint-instance-type': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(HYPERPARAMETER_FLAGS.map((name) => [name, { type: 'string' }])),
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw argumentError(error, TRAIN_USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const cloudtrail = [...(values.cloudtrail ?? []), ...positionals];
  const flowLogs = values['flow-logs'] ?? [];
  const tuples = values.tuples;
  const out = values.out;
  if (cloudtrail.length + flowLogs.length > 0 === (tuples !== undefined)) {
    throw new UsageError(
      `give either --cloudtrail PATH... and/or --flow-logs PATH..., or --tuples FILE.csv (${TRAIN_USAGE})`,
    );
  }
  const sampleText = values.sample;
  const sample = sampleText === undefined ? undefined : Number(sampleText);
  if (sample !== undefined && !(sample > 0 && sample <= 1)) {
    throw new UsageError(`--sample: a share of records to keep, in (0, 1]: "${sampleText ?? ''}"`);
  }
  const sagemaker = values.sagemaker === true;
  if (!sagemaker && (out === undefined || out === '')) {
    throw new UsageError(`missing --out MODEL (${TRAIN_USAGE})`);
  }
  const hyperparameters: Partial<Record<keyof Hyperparameters, number>> = {};
  const flags: Readonly<Record<string, unknown>> = values;
  for (const name of HYPERPARAMETER_FLAGS) {
    const text = flags[name];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new UsageError(`--${name}: not a number: "${text}"`);
    }
    hyperparameters[name] = value;
  }
  return {
    cloudtrail,
    flowLogs,
    ...(values['eni-map'] === undefined ? {} : { eniMap: values['eni-map'] }),
    privatePeers: values['private-peers'] === true,
    ...(sample === undefined ? {} : { sample }),
    tuples,
    out: out ?? '',
    strict: values.strict === true,
    hyperparameters,
    ...(sagemaker ? { sagemaker: values } : {}),
  };
}

function trainingBar(p: TrainingProgress): string {
  const share = (p.epoch - 1 + p.pairsDone / p.pairsTotal) / p.epochs;
  const filled = Math.round(share * PROGRESS_WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(PROGRESS_WIDTH - filled)}`;
  return `[${bar}] epoch ${p.epoch}/${p.epochs} ${Math.floor(share * 100)}% loss ${p.loss.toFixed(4)}`;
}

/** One self-overwriting status line on stderr, drawn only when stderr is a terminal. */
class ProgressLine {
  constructor(private readonly io: CliIo) {}

  show(text: string): void {
    if (this.io.interactive) this.io.stderr.write(`\r\x1b[K${text}`);
  }

  clear(): void {
    if (this.io.interactive) this.io.stderr.write('\r\x1b[K');
  }
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

export const train: CliCommand = createTrainCommand({
  ...defaultIpInsightsCliDeps,
  interfaces: async () => (await import('../app/networkInterfaces')).ec2NetworkInterfaces(),
  sageMaker: async (region) => (await import('../app/sageMaker')).sageMakerJobs(region),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  now: () => new Date(),
  elapsedMs: () => performance.now(),
});
