import type { Readable } from 'node:stream';
import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import { isCloudTrailFileName } from './cloudTrailFiles';
import {
  advanceDistributed,
  DistributedStateSchema,
  startDistributed,
  type DistributedDeps,
  type DistributedSettings,
  type DistributedState,
  type DistributedStep,
} from './distributedRetraining';
import { auc } from './evaluation';
import { qualityGate } from './qualityGate';
import type { Hyperparameters } from './hyperparameters';
import { IpInsightsModel } from './model';
import {
  parseS3Uri,
  type ObjectInventory,
  type ObjectReader,
  type S3Location,
} from './objectStorage';
import { randomInt, seededRandom } from './random';
import { trainModel } from './train';
import { addCloudTrail } from './trainingInput';
import { TrainingSetBuilder, type TrainingSet } from './trainingSet';

export { DEFAULT_MAX_AUC_DROP, qualityGate, type GateVerdict } from './qualityGate';

/**
 * One scheduled retraining, as status shows it. `too-big`: the window's objects add up to more
 * than one function reads in its time and memory; nothing was read or published.
 */
export interface RetrainingRecord {
  /** When it finished (ISO). */
  readonly at: string;
  /** `running`: a distributed run (Athena, SageMaker) is under way; the next run advances it. */
  readonly outcome: 'published' | 'rejected' | 'failed' | 'too-big' | 'running';
  readonly reason: string;
  /** The CloudTrail days read (ISO dates, inclusive). */
  readonly window?: { readonly from: string; readonly to: string };
  /** The window's CloudTrail objects and their bytes as listed (compressed, as stored). */
  readonly objects?: number;
  readonly bytes?: number;
  /** Objects of the window that could not be read (skipped; the reason names the first). */
  readonly unreadable?: number;
  readonly pairs?: number;
  readonly entities?: number;
  readonly candidateAuc?: number;
  readonly currentAuc?: number;
  /**
   * The S3 object version published (or the one that stayed); on the distributed path, the
   * SageMaker model put behind the endpoint.
   */
  readonly version?: string;
  /** A distributed run's step and its Athena queries or SageMaker job. */
  readonly distributed?: DistributedState;
}

/** Where the runs are kept for `status` (the health table on AWS). */
export interface RetrainingRecords {
  save(record: RetrainingRecord): Promise<void>;
  /** The last run's record; undefined before the first. */
  last(): Promise<RetrainingRecord | undefined>;
}

/** Every tenth pair of the window is held out: the gate measures both models on it. */
const HELD_OUT_EVERY = 10;
const MIN_HELD_OUT = 20;
const DAY_MS = 86_400_000;
const CLOUDTRAIL_DAY = /\/(\d{4})\/(\d{2})\/(\d{2})\//;

export interface RetrainSettings {
  /** `s3://bucket/prefix` of the trail (CloudTrail's `…/YYYY/MM/DD/` keys below it). */
  readonly cloudTrail: string;
  readonly windowDays: number;
  /** Or resolved from the window's distinct entities (the default entity vectors depend on it). */
  readonly hyperparameters: Hyperparameters | ((entities: number) => Hyperparameters);
  readonly maxAucDrop?: number;
  /**
   * The most CloudTrail bytes (as listed) one run reads; a bigger window is refused before any
   * object is read (SageMaker's distributed training is the path for it). Undefined: no limit.
   */
  readonly maxBytes?: number;
  /**
   * A window over `maxBytes` is extracted by Athena and trained by SageMaker instead of refused
   * (a stack that scores with a SageMaker endpoint).
   */
  readonly distributed?: DistributedSettings;
}

export interface RetrainDeps {
  readonly storage: ObjectInventory & ObjectReader;
  readonly models: {
    /** The published model, or undefined before the first. */
    current(): Promise<{ readonly model: IpInsightsModel; readonly version?: string } | undefined>;
    /** Publishes a new version; its S3 object version id when the bucket is versioned. */
    publish(model: IpInsightsModel): Promise<string | undefined>;
  };
  readonly records: Pick<RetrainingRecords, 'save'>;
  readonly clock: () => Date;
  readonly log: Log;
  /** With `settings.distributed`: Athena, SageMaker, and the last record to resume from. */
  readonly distributed?: DistributedDeps & Pick<RetrainingRecords, 'last'>;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A CloudTrail region folder's children are years (`…/CloudTrail/eu-west-1/2026/`). */
const YEAR_FOLDER = /\/\d{4}\/$/;
/** Digest files sign the logs and Insights events are not API calls: neither is training data. */
const NOT_API_CALLS = /\/CloudTrail-(Digest|Insight)\/$/;
/** prefix/AWSLogs/o-org/account/CloudTrail/region/: deeper than this is not a trail. */
const MAX_DEPTH = 8;

const dayOf = (key: string): string | undefined => {
  const day = CLOUDTRAIL_DAY.exec(key);
  return day === null ? undefined : `${day[1] ?? ''}-${day[2] ?? ''}-${day[3] ?? ''}`;
};

/**
 * The window's objects with their sizes, listing only the window: the folders are walked down to
 * each account's region folders (`…/CloudTrail/REGION/`, whose children are years), and each is
 * listed from the window's first day (`StartAfter`) until a key's day is past its last, so a
 * trail's years of history cost nothing and an organization's accounts a few requests each.
 */
async function windowObjects(
  storage: ObjectInventory,
  root: S3Location,
  from: string,
  to: string,
): Promise<{ readonly keys: readonly string[]; readonly bytes: number }> {
  const keys: string[] = [];
  let bytes = 0;
  /** Keys in order: under a region folder, the first key past the window ends it. */
  const take = async (key: string, startAfter?: string): Promise<void> => {
    const options = startAfter === undefined ? {} : { startAfter };
    for await (const object of storage.listSized({ bucket: root.bucket, key }, options)) {
      const day = dayOf(object.key);
      if (day !== undefined && day > to && startAfter !== undefined) break;
      // What the reader would skip is neither counted nor requested.
      if (day === undefined || day < from || day > to || !isCloudTrailFileName(object.key)) {
        continue;
      }
      keys.push(object.key);
      bytes += object.bytes;
    }
  };
  const walk = async (key: string, depth: number): Promise<void> => {
    const children: string[] = [];
    for await (const folder of storage.folders({ bucket: root.bucket, key })) children.push(folder);
    if (children.length > 0 && children.every((child) => YEAR_FOLDER.test(child))) {
      await take(key, `${key}${from.replaceAll('-', '/')}`);
      return;
    }
    // A prefix below the region folders (a year, a day) or a flat copy: its objects, by date.
    if (children.length === 0) {
      await take(key);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const child of children) {
      if (!NOT_API_CALLS.test(child)) await walk(child, depth + 1);
    }
  };
  await walk(root.key, 0);
  return { keys, bytes };
}

/**
 * S3 answers each GetObject after a round trip of tens of milliseconds, and a month of one
 * account's trail is thousands of objects: while the reader parses one, the next ones are
 * already on their way.
 */
const READ_AHEAD = 16;

/**
 * The listed keys, for the reader (which lists the prefix it is given and reads each key in
 * turn), with the next READ_AHEAD objects requested before the reader asks for them. A failed
 * request surfaces when the reader reaches it, as a plain read would.
 */
function listedOnly(storage: ObjectReader, bucket: string, keys: readonly string[]) {
  const position = new Map(keys.map((key, i) => [key, i]));
  const requested = new Map<string, Promise<Readable>>();
  const request = (i: number) => {
    const key = keys[i];
    if (key === undefined || requested.has(key)) return;
    const read = storage.read({ bucket, key });
    read.catch(() => undefined);
    requested.set(key, read);
  };
  return {
    read: (location: S3Location): Promise<Readable> => {
      const at = position.get(location.key);
      if (at === undefined) return storage.read(location);
      for (let i = at; i <= at + READ_AHEAD; i++) request(i);
      const read = requested.get(location.key) ?? storage.read(location);
      requested.delete(location.key);
      return read;
    },
    async *list(): AsyncIterable<string> {
      for (const key of keys) yield await Promise.resolve(key);
    },
  };
}

function split(set: TrainingSet): { train: TrainingSet; heldOut: TrainingSet } {
  const pairs = set.ipOfPair.length;
  const held = Math.floor((pairs + HELD_OUT_EVERY - 1) / HELD_OUT_EVERY);
  const part = (count: number, keep: (i: number) => boolean): TrainingSet => {
    const entityOfPair = new Uint32Array(count);
    const ipOfPair = new Uint32Array(count);
    let n = 0;
    for (let i = 0; i < pairs; i++) {
      if (!keep(i)) continue;
      entityOfPair[n] = set.entityOfPair[i] ?? 0;
      ipOfPair[n] = set.ipOfPair[i] ?? 0;
      n++;
    }
    return { entities: set.entities, entityOfPair, ipOfPair };
  };
  return {
    heldOut: part(held, (i) => i % HELD_OUT_EVERY === 0),
    train: part(pairs - held, (i) => i % HELD_OUT_EVERY !== 0),
  };
}

/**
 * The negative of each held-out pair, the same for every model measured: the IP of another
 * entity's held-out pair (what IP Insights must tell apart: this principal from that one's
 * network), or a random IPv4 when no other entity is there.
 */
function heldOutNegatives(heldOut: TrainingSet, seed: number): Uint32Array {
  const random = seededRandom(seed ^ 0x5eed);
  const n = heldOut.ipOfPair.length;
  return Uint32Array.from(heldOut.ipOfPair, (_, i) => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const j = randomInt(random, n);
      if (heldOut.entityOfPair[j] !== heldOut.entityOfPair[i]) return heldOut.ipOfPair[j] ?? 0;
    }
    return randomInt(random, 0x1_0000_0000);
  });
}

/** AUC of the real held-out pairs against their negatives. */
function heldOutAuc(model: IpInsightsModel, heldOut: TrainingSet, negatives: Uint32Array): number {
  const n = heldOut.ipOfPair.length;
  const positives = new Float64Array(n);
  const negative = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const entity = heldOut.entities[heldOut.entityOfPair[i] ?? 0] ?? '';
    positives[i] = model.scoreIpv4(entity, heldOut.ipOfPair[i] ?? 0);
    negative[i] = model.scoreIpv4(entity, negatives[i] ?? 0);
  }
  return auc(positives, negative);
}

/**
 * The scheduled retraining: the window's CloudTrail days streamed through the existing reader
 * into a training set, every tenth pair held out, a model trained on the rest, and the quality
 * gate against the published model on the held-out slice. The new model is published (a new S3
 * object version, which running scorers pick up) only if the gate passes; either way the run
 * is recorded for `status`, and a rejected model is logged.
 */
export async function retrain(
  settings: RetrainSettings,
  deps: RetrainDeps,
): Promise<RetrainingRecord> {
  const started = deps.clock();
  let window = {
    from: isoDay(started.getTime() - settings.windowDays * DAY_MS),
    to: isoDay(started.getTime()),
  };
  const finish = async (record: Omit<RetrainingRecord, 'at' | 'window'>) => {
    const full: RetrainingRecord = { at: deps.clock().toISOString(), window, ...record };
    await deps.records.save(full);
    if (record.outcome === 'published' || record.outcome === 'running') {
      deps.log.info('IP Insights retraining published', { ...full });
    } else {
      deps.log.warn(`IP Insights retraining ${record.outcome}`, { ...full });
    }
    return full;
  };
  try {
    const distributed = distributedPath(settings, deps);
    const last = await distributed?.deps.last();
    const resumed = DistributedStateSchema.safeParse(last?.distributed);
    if (distributed !== undefined && last?.outcome === 'running' && resumed.success) {
      // A distributed run is under way: this run advances it, over the window it started with.
      window = last.window ?? window;
      const step = await advanceDistributed(resumed.data, distributed.settings, distributed.deps);
      return await finish({ ...distributedCounts(last), ...step });
    }
    return await trainAndGate(settings, deps, window, finish);
  } catch (error) {
    // Recorded for status; the schedule's next run is the retry.
    return finish({ outcome: 'failed', reason: `retraining failed: ${errorMessage(error)}` });
  }
}

type Finish = (record: Omit<RetrainingRecord, 'at' | 'window'>) => Promise<RetrainingRecord>;

function distributedPath(settings: RetrainSettings, deps: RetrainDeps) {
  return settings.distributed === undefined || deps.distributed === undefined
    ? undefined
    : { settings: settings.distributed, deps: deps.distributed };
}

/** The window's listing, carried from step to step of a distributed run. */
const distributedCounts = (record: RetrainingRecord) => ({
  ...(record.objects === undefined ? {} : { objects: record.objects }),
  ...(record.bytes === undefined ? {} : { bytes: record.bytes }),
});

async function trainAndGate(
  settings: RetrainSettings,
  deps: RetrainDeps,
  window: { readonly from: string; readonly to: string },
  finish: Finish,
): Promise<RetrainingRecord> {
  const listed = await windowObjects(
    deps.storage,
    parseS3Uri(settings.cloudTrail),
    window.from,
    window.to,
  );
  const size = { objects: listed.keys.length, bytes: listed.bytes };
  if (settings.maxBytes !== undefined && listed.bytes > settings.maxBytes) {
    const distributed = distributedPath(settings, deps);
    if (distributed !== undefined) {
      const save = (step: DistributedStep) => finish({ ...size, ...step }).then(() => undefined);
      const step = await startDistributed(distributed.settings, window, distributed.deps, save);
      return finish({ ...size, ...step });
    }
    return finish({
      outcome: 'too-big',
      reason: `window too big for one function: ${String(listed.bytes)} bytes > ${String(settings.maxBytes)}; run train --sagemaker`,
      ...size,
    });
  }
  const builder = new TrainingSetBuilder();
  const stats = await addCloudTrail(builder, [settings.cloudTrail], {
    storage: listedOnly(deps.storage, parseS3Uri(settings.cloudTrail).bucket, listed.keys),
  });
  const set = builder.build();
  const { train, heldOut } = split(set);
  // An object that cannot be read (no permission, truncated gzip) is skipped, never silently.
  const first = stats.unreadable[0];
  const unreadable =
    first === undefined
      ? ''
      : `${String(stats.unreadable.length)} of ${String(listed.keys.length)} CloudTrail objects could not be read (${first.name}: ${first.reason})`;
  const counts = {
    ...size,
    ...(first === undefined ? {} : { unreadable: stats.unreadable.length }),
    pairs: set.ipOfPair.length,
    entities: set.entities.length,
  };
  if (heldOut.ipOfPair.length < MIN_HELD_OUT || train.ipOfPair.length === 0) {
    return finish({
      outcome: 'failed',
      reason: `only ${String(counts.pairs)} CloudTrail pairs in the window: too few to train and measure a model${unreadable === '' ? '' : `; ${unreadable}`}`,
      ...counts,
    });
  }
  const hyperparameters =
    typeof settings.hyperparameters === 'function'
      ? settings.hyperparameters(set.entities.length)
      : settings.hyperparameters;
  const negatives = heldOutNegatives(heldOut, hyperparameters.seed);
  const trained = trainModel(train, { hyperparameters, now: deps.clock });
  const candidateAuc = heldOutAuc(trained.model, heldOut, negatives);
  const candidate = new IpInsightsModel({
    ...trained.model.parts,
    metadata: {
      ...trained.model.metadata,
      window,
      source: settings.cloudTrail,
      heldOutAuc: candidateAuc,
    },
  });
  const current = await deps.models.current();
  const currentAuc =
    current === undefined ? undefined : heldOutAuc(current.model, heldOut, negatives);
  const verdict = qualityGate(candidateAuc, currentAuc, settings.maxAucDrop);
  const scores = {
    ...counts,
    candidateAuc,
    ...(currentAuc === undefined ? {} : { currentAuc }),
  };
  const reason = unreadable === '' ? verdict.reason : `${verdict.reason}; ${unreadable}`;
  if (!verdict.publish) {
    return finish({
      outcome: 'rejected',
      reason,
      ...scores,
      ...(current?.version === undefined ? {} : { version: current.version }),
    });
  }
  const version = await deps.models.publish(candidate);
  return finish({
    outcome: 'published',
    reason,
    ...scores,
    ...(version === undefined ? {} : { version }),
  });
}
