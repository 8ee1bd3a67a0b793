import { CodedError, ErrorCode } from '../shared/errors';
import { decodedStream } from './logFiles';
import { auc } from './evaluation';
import { ipv4ToNumber } from './ip';
import type { ObjectInventory, ObjectReader, S3Location } from './objectStorage';
import { randomInt, seededRandom } from './random';
import { SageMakerScorer, type EndpointInvoker } from './sageMakerScorer';
import type { Tuple } from './scorer';
import { readTupleCsv } from './tupleCsv';

/**
 * The distributed retraining's quality gate, measured as the embedded gate measures it: the
 * held-out pairs (from the slice Athena wrote) against as many shuffled negatives (each pair's
 * entity with the IP of another entity's pair), scored by each model's endpoint through
 * InvokeEndpoint in CSV batches, AUC by the same evaluation code. Both models score the same
 * pairs and the same negatives, so their AUCs compare; SageMaker's own
 * `validation:discriminator_auc` does not (its negatives are drawn by the algorithm).
 */

/** Enough pairs for an AUC to ±0.01, few enough for a run: 4 InvokeEndpoint calls per model. */
export const GATE_PAIRS = 2_000;

export interface HeldOutSample {
  readonly positives: readonly Tuple[];
  readonly negatives: readonly Tuple[];
}

/**
 * Up to `limit` distinct IPv4 pairs of the held-out slice (Athena's CTAS output: `entity,ip`
 * text, gzip or plain, under the prefix), and their shuffled negatives, drawn with `seed` so a
 * retried gate measures the same sample.
 */
export async function heldOutSample(
  storage: ObjectInventory & ObjectReader,
  prefix: S3Location,
  limit: number,
  seed: number,
): Promise<HeldOutSample> {
  const seen = new Set<string>();
  const positives: Tuple[] = [];
  for await (const object of storage.listSized(prefix)) {
    if (positives.length >= limit) break;
    if (object.bytes === 0) continue;
    const location = { bucket: prefix.bucket, key: object.key };
    const stream = await decodedStream({ name: object.key, open: () => storage.read(location) });
    for await (const tuple of readTupleCsv(stream, `s3://${prefix.bucket}/${object.key}`)) {
      if (positives.length >= limit) break;
      const key = `${tuple.entity}\n${tuple.ip}`;
      if (ipv4ToNumber(tuple.ip) < 0 || seen.has(key)) continue;
      seen.add(key);
      positives.push({ entity: tuple.entity, ip: tuple.ip });
    }
    stream.destroy();
  }
  return { positives, negatives: shuffledNegatives(positives, seed) };
}

/** Each pair's entity with another entity's IP (a random IPv4 when none is found). */
function shuffledNegatives(positives: readonly Tuple[], seed: number): Tuple[] {
  const random = seededRandom(seed ^ 0x5eed);
  return positives.map((pair) => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const other = positives[randomInt(random, positives.length)];
      if (other !== undefined && other.entity !== pair.entity) {
        return { entity: pair.entity, ip: other.ip };
      }
    }
    const ip = randomInt(random, 0x1_0000_0000);
    const octets = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
    return { entity: pair.entity, ip: octets.join('.') };
  });
}

export class GateMeasurementError extends CodedError {
  override readonly name = 'GateMeasurementError';
  readonly code = ErrorCode.SageMakerTrainingFailed;
}

/**
 * The sample's AUC through one endpoint. Any tuple left unscored (a failed or slow call) fails
 * the measurement: a gate on part of the sample would compare different things.
 */
export async function endpointAuc(
  endpointName: string,
  invoker: EndpointInvoker,
  sample: HeldOutSample,
): Promise<number> {
  const scorer = new SageMakerScorer(endpointName, invoker, { batchSize: 1000, timeoutMs: 20_000 });
  const scores = async (tuples: readonly Tuple[]) => {
    const results = await scorer.score(tuples);
    return Float64Array.from(results, (result) => {
      if (result.kind !== 'scored') throw new GateMeasurementError(result.reason);
      return result.score;
    });
  };
  return auc(await scores(sample.positives), await scores(sample.negatives));
}
