import { S3ObjectReader } from '../aws/s3ObjectReader';
import { SageMakerEndpointInvoker } from '../aws/sageMakerEndpoint';
import type { Config } from '../config';
import { createScorer } from '../ipinsights/factory';
import type { Scorer } from '../ipinsights/scorer';

/** The scorer `IPINSIGHTS_MODEL` / `IPINSIGHTS_ENDPOINT` select; SDK clients only when needed. */
export async function scorerFromConfig(config: Config): Promise<Scorer> {
  const setting = config.ipInsights;
  if (setting.kind === 'model') {
    const storage = setting.location.startsWith('s3://') ? new S3ObjectReader() : undefined;
    return createScorer({ model: setting.location }, storage === undefined ? {} : { storage });
  }
  if (setting.kind === 'endpoint') {
    return createScorer(
      { endpoint: setting.endpointName },
      { invoker: new SageMakerEndpointInvoker() },
    );
  }
  return createScorer({}, {});
}
