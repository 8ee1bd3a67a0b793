import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SKIP_REASONS, type CloudTrailStats, type SkipReason } from '../ipinsights/cloudTrail';
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
import { addCloudTrail, addTupleCsv, type CsvStats } from '../ipinsights/trainingInput';
import { joinNegativeValues } from './args';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand, type CliIo } from './io';
import {
  argumentError,
  defaultIpInsightsCliDeps,
  openInputFile,
  type IpInsightsCliDeps,
} from './score';

const TRAIN_USAGE =
  'usage: train (--cloudtrail PATH... | --tuples FILE.csv) --out MODEL [--strict] [--epochs N] [--vector_dim N] [--seed N] …';

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
  'seed',
] as const satisfies readonly (keyof Hyperparameters)[];

export interface TrainCommandDeps extends IpInsightsCliDeps {
  /** Wall clock: the model's "trained at". */
  readonly now: () => Date;
  /** Monotonic milliseconds, for the time in the summary. */
  readonly elapsedMs: () => number;
}

const PROGRESS_WIDTH = 24;

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
    const started = deps.elapsedMs();
    const out = isS3Uri(options.out) ? options.out : resolve(io.cwd, options.out);
    await checkModelDestination(out);
    const needsS3 = [...options.cloudtrail, options.out].some(isS3Uri);
    const storage = needsS3 ? await deps.storage() : undefined;
    const progress = new ProgressLine(io);

    const builder = new TrainingSetBuilder();
    const stats = await readTuples(options, io, builder, storage, progress);
    if (builder.size === 0) {
      throw new UsageError(`no (entity, IPv4) pairs in the input (${readSummary(stats)})`);
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
        `tuples read   ${readSummary(stats)}`,
        ...filesSummary(stats.fileCounts),
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
  readonly tuples?: string;
  readonly out: string;
  readonly strict: boolean;
  readonly hyperparameters: Partial<Hyperparameters>;
}

/** What reading saw: CloudTrail's record counts, or the CSV's line counts in the same shape. */
interface ReadStats {
  readonly fileCounts?: FileCounts;
  readonly files: number;
  readonly pairs: number;
  readonly ipv6: number;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

async function readTuples(
  options: TrainOptions,
  io: CliIo,
  builder: TrainingSetBuilder,
  storage: ObjectStorage | undefined,
  progress: ProgressLine,
): Promise<ReadStats> {
  const onProgress = (pairs: number): void => progress.show(`reading… ${number(pairs)} pairs`);
  if (options.tuples !== undefined) {
    const source = options.tuples;
    const input = await openInputFile(resolve(io.cwd, source));
    const csv = await addTupleCsv(builder, input, source, { strict: options.strict, onProgress });
    return csvReadStats(csv);
  }
  const paths = options.cloudtrail.map((p) => (isS3Uri(p) ? p : resolve(io.cwd, p)));
  const stats = await addCloudTrail(builder, paths, {
    ...(storage === undefined ? {} : { storage }),
    strict: options.strict,
    onProgress,
  });
  return cloudTrailReadStats(stats);
}

function cloudTrailReadStats(stats: CloudTrailStats): ReadStats {
  return {
    fileCounts: stats,
    files: stats.files,
    pairs: stats.ipv4,
    ipv6: stats.ipv6,
    skipped: stats.skipped,
  };
}

function csvReadStats(csv: CsvStats): ReadStats {
  return {
    files: 1,
    pairs: csv.pairs,
    ipv6: csv.ipv6,
    skipped: { 'leading-zero': csv.leadingZero, 'not-an-ip': csv.notAnIp },
  };
}

function readSummary(stats: ReadStats): string {
  const skipped = Object.entries(stats.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${number(n)} ${SKIP_REASONS[reason as SkipReason]}`);
  if (stats.ipv6 > 0) skipped.push(`${number(stats.ipv6)} IPv6, not trained`);
  const files = stats.files === 1 ? '1 file' : `${number(stats.files)} files`;
  return `${number(stats.pairs)} from ${files}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`;
}

const NAMED_FILES = 3;

/** "3 files unreadable: a (why), b (why), c (why)" and the files that held no record. */
function filesSummary(counts: FileCounts | undefined): string[] {
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
      `no records    ${plural(withoutRecords.length, 'file')} not empty but held no CloudTrail record: ${named.join('; ')}${more(withoutRecords.length)}`,
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
  const tuples = values.tuples;
  const out = values.out;
  if (cloudtrail.length > 0 === (tuples !== undefined)) {
    throw new UsageError(`give either --cloudtrail PATH... or --tuples FILE.csv (${TRAIN_USAGE})`);
  }
  if (out === undefined || out === '') throw new UsageError(`missing --out MODEL (${TRAIN_USAGE})`);
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
  return { cloudtrail, tuples, out, strict: values.strict === true, hyperparameters };
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
  now: () => new Date(),
  elapsedMs: () => performance.now(),
});
