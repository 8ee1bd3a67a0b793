import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { EndpointInvoker, EndpointRequest } from '../ipinsights/sageMakerScorer';

/** EndpointInvoker over the SageMaker runtime client's InvokeEndpoint. */
export class SageMakerEndpointInvoker implements EndpointInvoker {
  constructor(private readonly client: SageMakerRuntimeClient = new SageMakerRuntimeClient({})) {}

  static inRegion(region: string): SageMakerEndpointInvoker {
    return new SageMakerEndpointInvoker(new SageMakerRuntimeClient({ region }));
  }

  async invoke(request: EndpointRequest, signal: AbortSignal): Promise<string> {
    const response = await this.client.send(
      new InvokeEndpointCommand({
        EndpointName: request.endpointName,
        ContentType: request.contentType,
        Accept: request.accept,
        Body: new TextEncoder().encode(request.body),
      }),
      { abortSignal: signal },
    );
    return new TextDecoder().decode(response.Body);
  }
}
