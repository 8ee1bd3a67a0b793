import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { CloudTrailStats, tupleFromCloudTrailRecord } from '../../ipinsights/cloudTrail';
import { EmbeddedScorer } from '../../ipinsights/embeddedScorer';
import { resolveHyperparameters, type Hyperparameters } from '../../ipinsights/hyperparameters';
import { ipv4ToNumber } from '../../ipinsights/ip';
import type { IpInsightsModel } from '../../ipinsights/model';
import { seededRandom } from '../../ipinsights/random';
import { generateSyntheticCloudTrail, type CloudTrailLogFile } from './syntheticCloudTrail';
import { generateSyntheticFlowLogs, type FlowLogFile } from './syntheticFlowLogs';
import { FlowLogStats, flowLogTextTuples } from '../../ipinsights/flowLogs';
import { trainModel } from '../../ipinsights/train';
import { TrainingSetBuilder } from '../../ipinsights/trainingSet';

/** Small enough to train in well under a second on 2 cores, big enough to separate the demo cases. */
const DEMO_HYPERPARAMETERS: Partial<Hyperparameters> = {
  vector_dim: 16,
  epochs: 8,
  num_ip_vectors: 16_384,
};

export interface DemoModel {
  readonly model: IpInsightsModel;
  readonly scorer: EmbeddedScorer;
  readonly stats: CloudTrailStats;
  readonly files: readonly CloudTrailLogFile[];
  readonly flowStats: FlowLogStats;
  readonly flowFiles: readonly FlowLogFile[];
}

export interface DemoModelOptions {
  readonly now: () => Date;
  readonly seed?: number;
}

/**
 * What `npm run demo` calls at start: generates two weeks of synthetic CloudTrail (with the demo
 * findings' principals) and VPC Flow Logs (with the demo findings' instances), extracts tuples
 * exactly as `train --cloudtrail … --flow-logs …` does, and trains one model of both.
 */
export function trainDemoModel(options: DemoModelOptions): DemoModel {
  const seed = options.seed ?? 42;
  const files = generateSyntheticCloudTrail({ end: options.now() }, seededRandom(seed));
  const stats = new CloudTrailStats();
  const builder = new TrainingSetBuilder();
  for (const file of files) {
    stats.files++;
    for (const record of file.body.Records) {
      const outcome = tupleFromCloudTrailRecord(record);
      stats.count(outcome);
      if (outcome.kind !== 'tuple') continue;
      const ip = ipv4ToNumber(outcome.tuple.ip);
      if (ip >= 0) builder.add(outcome.tuple.entity, ip);
    }
  }
  const flowFiles = generateSyntheticFlowLogs({ end: options.now() }, seededRandom(seed + 1));
  const flowStats = new FlowLogStats();
  for (const file of flowFiles) {
    for (const tuple of flowLogTextTuples(file.text, flowStats))
      builder.add(tuple.entity, tuple.ip);
  }
  const set = builder.build();
  const hyperparameters = resolveHyperparameters(
    { ...DEMO_HYPERPARAMETERS, seed },
    set.entities.length,
  );
  const { model } = trainModel(set, { hyperparameters, now: options.now });
  return { model, scorer: new EmbeddedScorer(model), stats, files, flowStats, flowFiles };
}

/** Writes log files under `folder` the way CloudTrail lays them out in S3 (gzipped JSON). */
export async function writeCloudTrailFiles(
  folder: string,
  files: readonly CloudTrailLogFile[],
): Promise<void> {
  const compress = promisify(gzip);
  for (const file of files) {
    const path = join(folder, ...file.key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, await compress(JSON.stringify(file.body)));
  }
}
