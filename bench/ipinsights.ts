import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createScoreCommand } from '../src/cli/score';
import { CloudTrailStats } from '../src/ipinsights/cloudTrail';
import { cloudTrailTuples } from '../src/ipinsights/cloudTrailFiles';
import { writeCloudTrailFiles } from '../src/app/demo/trainDemoModel';
import { EmbeddedScorer } from '../src/ipinsights/embeddedScorer';
import { auc } from '../src/ipinsights/evaluation';
import { resolveHyperparameters } from '../src/ipinsights/hyperparameters';
import { numberToIpv4 } from '../src/ipinsights/ip';
import type { IpInsightsModel } from '../src/ipinsights/model';
import { encodeModel } from '../src/ipinsights/modelFile';
import { saveModel } from '../src/ipinsights/modelStore';
import { randomInt, seededRandom, type Random } from '../src/ipinsights/random';
import { generateSyntheticCloudTrail } from '../src/app/demo/syntheticCloudTrail';
import {
  randomAsnIp,
  syntheticAsns,
  syntheticUser,
  userLoginIp,
  type AsnRange,
} from '../src/app/demo/syntheticLogins';
import { trainModel } from '../src/ipinsights/train';
import { TrainingSetBuilder, type TrainingSet } from '../src/ipinsights/trainingSet';
import { formatNumber, type BenchRow } from './table';

/**
 * IP Insights on synthetic logins generated as the SageMaker tutorial does (users with home and
 * work ASNs, some travelling, IPs drawn from ASN ranges): held-out real pairs against random-IP
 * and shuffled pairs (AUC), training and scoring throughput, model size, peak memory.
 */
const ASNS = 20_000;
const HOLD_OUT = 0.1;
const SEED = 2026;

interface Dataset {
  readonly asns: readonly AsnRange[];
  readonly train: TrainingSet;
  readonly test: { readonly entities: string[]; readonly ips: Uint32Array };
}

function generate(targetPairs: number, random: Random): Dataset {
  const asns = syntheticAsns(ASNS, random);
  const builder = new TrainingSetBuilder();
  const testEntities: string[] = [];
  const testIps: number[] = [];
  for (let user = 0; builder.size + testIps.length < targetPairs; user++) {
    const profile = syntheticUser(asns.length, random, { maxLogins: 10_000, homeWorkWindow: 1600 });
    const name = `user_${user}`;
    for (let i = 0; i < profile.logins; i++) {
      const ip = userLoginIp(profile, asns, random);
      if (random.next() < HOLD_OUT) {
        testEntities.push(name);
        testIps.push(ip);
      } else builder.add(name, ip);
    }
  }
  return {
    asns,
    train: builder.build(),
    test: { entities: testEntities, ips: Uint32Array.from(testIps) },
  };
}

function evaluate(model: IpInsightsModel, data: Dataset, random: Random) {
  const { entities, ips } = data.test;
  const n = ips.length;
  const real = new Float64Array(n);
  const randomAsn = new Float64Array(n);
  const randomUniform = new Float64Array(n);
  const shuffled = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const entity = entities[i] ?? '';
    real[i] = model.scoreIpv4(entity, ips[i] ?? 0);
    randomAsn[i] = model.scoreIpv4(entity, randomAsnIp(data.asns, random));
    randomUniform[i] = model.scoreIpv4(entity, random.nextUint32());
    // Another held-out pair's IP, of a different user: the "shuffled" negatives.
    let other = randomInt(random, n);
    while (entities[other] === entity) other = randomInt(random, n);
    shuffled[i] = model.scoreIpv4(entity, ips[other] ?? 0);
  }
  return {
    randomAsn: auc(real, randomAsn),
    randomUniform: auc(real, randomUniform),
    shuffled: auc(real, shuffled),
  };
}

async function scoringThroughput(model: IpInsightsModel, data: Dataset) {
  const scorer = new EmbeddedScorer(model);
  const tuples = Array.from(data.test.ips, (ip, i) => ({
    entity: data.test.entities[i] ?? '',
    ip: numberToIpv4(ip),
  }));
  await scorer.score(tuples.slice(0, 10_000)); // warm-up
  const started = performance.now();
  const rounds = 3;
  for (let r = 0; r < rounds; r++) await scorer.score(tuples);
  const apiRate = (rounds * tuples.length) / ((performance.now() - started) / 1000);

  // The CLI path: CSV parsing, scoring and output formatting, in-process.
  const path = join(tmpdir(), `ipinsights-bench-${process.pid}.ipim`);
  await saveModel(model, path);
  const csv = tuples.map((t) => `${t.entity},${t.ip}`).join('\n');
  const stdin = new PassThrough();
  let outBytes = 0;
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      outBytes += chunk.length;
      done();
    },
  });
  const command = createScoreCommand({ storage: () => Promise.reject(new Error('no S3 here')) });
  const cliStarted = performance.now();
  const running = command(['--model', path], {
    stdin,
    stdout,
    stderr: process.stderr,
    env: {},
    cwd: process.cwd(),
    interactive: false,
  });
  stdin.end(csv);
  await running;
  const cliRate = tuples.length / ((performance.now() - cliStarted) / 1000);
  await rm(path, { force: true });
  return { apiRate, cliRate, outBytes };
}

async function cloudTrailThroughput(quick: boolean) {
  const folder = join(tmpdir(), `ipinsights-bench-trail-${process.pid}`);
  const files = generateSyntheticCloudTrail(
    { end: new Date('2026-11-25T00:00:00Z'), days: quick ? 3 : 14, extraUsers: quick ? 20 : 120 },
    seededRandom(SEED),
  );
  await writeCloudTrailFiles(folder, files);
  const stats = new CloudTrailStats();
  const started = performance.now();
  let tuples = 0;
  for await (const _tuple of cloudTrailTuples([folder], stats)) tuples++;
  const seconds = (performance.now() - started) / 1000;
  await rm(folder, { recursive: true, force: true });
  return { records: stats.records, tuples, rate: stats.records / seconds, files: stats.files };
}

export async function ipinsightsBench(options: { readonly quick: boolean }): Promise<BenchRow[]> {
  const random = seededRandom(SEED);
  const targetPairs = options.quick ? 110_000 : 1_110_000; // ~1,000,000 after the 10 % hold-out
  const data = generate(targetPairs, random);
  const pairs = data.train.ipOfPair.length;
  const hyperparameters = resolveHyperparameters({ seed: SEED }, data.train.entities.length);
  const started = performance.now();
  const { model, epochLosses } = trainModel(data.train, {
    hyperparameters,
    now: () => new Date(),
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const quality = evaluate(model, data, random);
  const scoring = await scoringThroughput(model, data);
  const trail = await cloudTrailThroughput(options.quick);
  const modelBytes = encodeModel(model).length;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const scaledTo1M = (trainSeconds * 1_000_000) / pairs;

  return [
    {
      metric: 'training pairs (held-out pairs)',
      value: `${formatNumber(pairs)} (${formatNumber(data.test.ips.length)})`,
    },
    { metric: 'entities (users)', value: formatNumber(data.train.entities.length) },
    {
      metric: 'hyperparameters',
      value: `vector_dim ${hyperparameters.vector_dim}, epochs ${hyperparameters.epochs}, rates ${hyperparameters.random_negative_sampling_rate}+${hyperparameters.shuffled_negative_sampling_rate}`,
    },
    {
      metric: 'final training loss',
      value: formatNumber(epochLosses[epochLosses.length - 1] ?? Number.NaN, 4),
    },
    {
      metric: 'AUC real vs random IP (random ASN)',
      value: formatNumber(quality.randomAsn, 4),
      target: '>= 0.95',
      ok: quality.randomAsn >= 0.95,
    },
    {
      metric: 'AUC real vs random IP (uniform IPv4)',
      value: formatNumber(quality.randomUniform, 4),
    },
    { metric: 'AUC real vs shuffled pairs', value: formatNumber(quality.shuffled, 4) },
    { metric: 'training time', value: `${formatNumber(trainSeconds, 1)} s` },
    {
      metric: 'training time per 1M tuples',
      value: `${formatNumber(scaledTo1M, 1)} s`,
      target: '< 300 s',
      ok: scaledTo1M < 300,
    },
    {
      metric: 'training throughput (pairs x epochs / s)',
      value: formatNumber((pairs * hyperparameters.epochs) / trainSeconds),
    },
    {
      metric: 'scoring throughput, Scorer API (tuples/s)',
      value: formatNumber(scoring.apiRate),
      target: '>= 100,000',
      ok: scoring.apiRate >= 100_000,
    },
    {
      metric: 'scoring throughput, score CLI CSV (tuples/s)',
      value: formatNumber(scoring.cliRate),
      target: '>= 100,000',
      ok: scoring.cliRate >= 100_000,
    },
    {
      metric: `CloudTrail reading (records/s, ${formatNumber(trail.files)} .json.gz files)`,
      value: formatNumber(trail.rate),
    },
    { metric: 'model file size', value: `${formatNumber(modelBytes / 1e6, 1)} MB` },
    { metric: 'peak memory (max RSS, whole run)', value: `${formatNumber(peakRssMb)} MB` },
  ];
}
