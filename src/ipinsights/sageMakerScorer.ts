import * as z from 'zod';
import { ipv4ToNumber } from './ip';
import { unscoredIp } from './embeddedScorer';
import type { ScoreResult, Scorer, Tuple } from './scorer';

/** One InvokeEndpoint call as IP Insights takes it; src/aws/sagemaker.ts sends it. */
export interface EndpointRequest {
  readonly endpointName: string;
  readonly contentType: 'text/csv';
  readonly accept: 'application/json';
  readonly body: string;
}

/** Sends one request and resolves with the response body text; aborts when `signal` fires. */
export interface EndpointInvoker {
  invoke(request: EndpointRequest, signal: AbortSignal): Promise<string>;
}

export interface SageMakerScorerOptions {
  /** Tuples per InvokeEndpoint call (the payload limit is 6 MB; 1,000 short lines is ~50 KB). */
  readonly batchSize?: number;
  /** Per-call timeout; a call that takes longer leaves its tuples unscored. */
  readonly timeoutMs?: number;
}

/** IP Insights' JSON response: one prediction per CSV line, in order. */
const responseSchema = z.object({
  predictions: z.array(z.object({ dot_product: z.number() })),
});

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 5000;

/** CSV field, quoted only when it must be (principal ids never contain commas; be safe anyway). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function endpointCsv(tuples: readonly Tuple[]): string {
  return tuples.map((t) => `${csvField(t.entity)},${csvField(t.ip)}`).join('\n');
}

/**
 * The Scorer over a SageMaker IP Insights endpoint. Never throws: a failed, slow or malformed
 * call leaves its tuples unscored with the reason, so the finding is still posted.
 */
export class SageMakerScorer implements Scorer {
  readonly description: string;
  private readonly batchSize: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly endpointName: string,
    private readonly invoker: EndpointInvoker,
    options: SageMakerScorerOptions = {},
  ) {
    this.description = `SageMaker endpoint ${endpointName}`;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    const results: ScoreResult[] = tuples.map((tuple) =>
      ipv4ToNumber(tuple.ip) < 0 ? unscoredIp(tuple.ip) : { kind: 'unscored', reason: 'pending' },
    );
    // Only IPv4 tuples go to the endpoint: the algorithm rejects anything else for the whole call.
    const sendable = tuples.flatMap((tuple, index) => (ipv4ToNumber(tuple.ip) < 0 ? [] : [index]));
    for (let start = 0; start < sendable.length; start += this.batchSize) {
      const indices = sendable.slice(start, start + this.batchSize);
      const batch = indices.map((i) => tuples[i] ?? { entity: '', ip: '' });
      const scored = await this.invokeBatch(batch);
      indices.forEach((tupleIndex, i) => {
        results[tupleIndex] = scored[i] ?? { kind: 'unscored', reason: 'no prediction' };
      });
    }
    return results;
  }

  private async invokeBatch(batch: readonly Tuple[]): Promise<ScoreResult[]> {
    const failed = (why: string): ScoreResult[] =>
      batch.map(() => ({
        kind: 'unscored',
        reason: `SageMaker endpoint ${this.endpointName} ${why}`,
        cause: 'scorer-failed',
      }));
    let body: string;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      body = await this.invoker.invoke(
        {
          endpointName: this.endpointName,
          contentType: 'text/csv',
          accept: 'application/json',
          body: endpointCsv(batch),
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return failed(`did not answer within ${this.timeoutMs} ms`);
      return failed(
        `failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
    let parsed: z.infer<typeof responseSchema>;
    try {
      parsed = responseSchema.parse(JSON.parse(body));
    } catch {
      return failed('returned a response that is not {"predictions":[{"dot_product":…}]}');
    }
    if (parsed.predictions.length !== batch.length) {
      return failed(`returned ${parsed.predictions.length} predictions for ${batch.length} tuples`);
    }
    return parsed.predictions.map((p) => ({ kind: 'scored', score: p.dot_product }));
  }
}
