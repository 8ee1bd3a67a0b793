import { S3ObjectReader } from '../aws/s3ObjectReader';
import { SageMakerEndpointInvoker } from '../aws/sageMakerEndpoint';
import type { Config } from '../config';
import { createScorer } from '../ipinsights/factory';
import { readModelInfo } from '../ipinsights/modelInfo';
import { loadModel } from '../ipinsights/modelStore';
import { RefreshingScorer } from '../ipinsights/refreshingScorer';
import type { Scorer } from '../ipinsights/scorer';
import { silentLog, type Log } from '../shared/log';

/**
 * The scorer `IPINSIGHTS_MODEL` / `IPINSIGHTS_ENDPOINT` select; SDK clients only when needed. An
 * embedded model is checked for a newer published version at most every MODEL_REFRESH_MINUTES
 * (15), so a retrained model reaches running functions without a redeploy. In the stack's own
 * model bucket, no model yet (before the retraining's first run) leaves findings unscored.
 */
export async function scorerFromConfig(
  config: Config,
  options: { readonly log?: Log; readonly clock?: () => Date } = {},
): Promise<Scorer> {
  const setting = config.ipInsights;
  if (setting.kind === 'model') {
    const reader = setting.location.startsWith('s3://') ? new S3ObjectReader() : undefined;
    return RefreshingScorer.open(
      {
        info: () => readModelInfo(setting.location, reader),
        load: () => loadModel(setting.location, reader),
      },
      {
        log: options.log ?? silentLog,
        refreshMs: config.retraining.refreshMs,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(config.retraining.publishesModel
          ? {
              pending: `no model published yet at ${setting.location}: the scheduled retraining publishes the first`,
            }
          : {}),
      },
    );
  }
  if (setting.kind === 'endpoint') {
    return createScorer(
      { endpoint: setting.endpointName },
      { invoker: new SageMakerEndpointInvoker() },
    );
  }
  return createScorer({}, {});
}
