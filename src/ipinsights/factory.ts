import { EmbeddedScorer } from './embeddedScorer';
import { loadModel } from './modelStore';
import type { ObjectReader } from './objectStorage';
import {
  SageMakerScorer,
  type EndpointInvoker,
  type SageMakerScorerOptions,
} from './sageMakerScorer';
import { NoModelScorer, type Scorer } from './scorer';
import { CodedError, ErrorCode } from '../shared/errors';

export interface ScorerOptions {
  /** Path or `s3://` URI of an embedded model (`IPINSIGHTS_MODEL`). */
  readonly model?: string;
  /** SageMaker endpoint name (`IPINSIGHTS_ENDPOINT`). */
  readonly endpoint?: string;
  readonly endpointOptions?: SageMakerScorerOptions;
}

/** Side effects the scorers need; each is only required when its option is used. */
export interface ScorerDeps {
  /** S3 access, for an `s3://` model. */
  readonly storage?: ObjectReader;
  /** SageMaker runtime access, for an endpoint. */
  readonly invoker?: EndpointInvoker;
}

export class ScorerConfigError extends CodedError {
  override readonly name = 'ScorerConfigError';
  readonly code = ErrorCode.ScorerConfigInvalid;
}

/** Picks the scorer the configuration names: a model, an endpoint, or none (unscored findings). */
export async function createScorer(options: ScorerOptions, deps: ScorerDeps): Promise<Scorer> {
  const model = options.model?.trim() || undefined;
  const endpoint = options.endpoint?.trim() || undefined;
  if (model !== undefined && endpoint !== undefined) {
    throw new ScorerConfigError(
      'IPINSIGHTS_MODEL and IPINSIGHTS_ENDPOINT are both set; set only one of them',
    );
  }
  if (model !== undefined) return new EmbeddedScorer(await loadModel(model, deps.storage));
  if (endpoint !== undefined) {
    if (deps.invoker === undefined) {
      throw new ScorerConfigError(
        'IPINSIGHTS_ENDPOINT is set but no SageMaker runtime client was given',
      );
    }
    return new SageMakerScorer(endpoint, deps.invoker, options.endpointOptions);
  }
  return new NoModelScorer();
}
