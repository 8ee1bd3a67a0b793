import {
  type Channel,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type ProductionVariantInstanceType,
  type TrainingInstanceType,
} from '@aws-sdk/client-sagemaker';
import type {
  SageMakerJobs,
  TrainingJobPlan,
  TrainingJobStatus,
} from '../ipinsights/sageMakerTraining';

/** An `entity,ip` CSV channel of S3 objects under a prefix. */
const csvChannel = (name: string, uri: string): Channel => ({
  ChannelName: name,
  ContentType: 'text/csv',
  DataSource: {
    S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' },
  },
});

/**
 * SageMaker's control plane for `train --sagemaker`. The caller needs `sagemaker:
 * CreateTrainingJob`, `DescribeTrainingJob`, and with an endpoint `CreateModel`,
 * `CreateEndpointConfig`, `DescribeEndpoint`, `CreateEndpoint`, `UpdateEndpoint`, plus
 * `iam:PassRole` on the job's role (which reads the tuples and writes the model in S3).
 */
export class SageMakerTrainingJobs implements SageMakerJobs {
  constructor(private readonly client: SageMakerClient) {}

  static inRegion(region: string): SageMakerTrainingJobs {
    return new SageMakerTrainingJobs(new SageMakerClient({ region }));
  }

  async createTrainingJob(plan: TrainingJobPlan, image: string): Promise<void> {
    await this.client.send(
      new CreateTrainingJobCommand({
        TrainingJobName: plan.jobName,
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
        RoleArn: plan.roleArn,
        HyperParameters: { ...plan.hyperparameters },
        InputDataConfig: [
          csvChannel('train', plan.trainData),
          ...(plan.validationData === undefined
            ? []
            : [csvChannel('validation', plan.validationData)]),
        ],
        OutputDataConfig: { S3OutputPath: plan.outputPath },
        // SageMaker names the instance type it does not know in a ValidationException.
        ResourceConfig: {
          InstanceType: plan.instanceType as TrainingInstanceType,
          InstanceCount: 1,
          VolumeSizeInGB: 30,
        },
        StoppingCondition: { MaxRuntimeInSeconds: plan.maxRuntimeSeconds },
      }),
    );
  }

  async describeTrainingJob(jobName: string): Promise<TrainingJobStatus> {
    const job = await this.client.send(
      new DescribeTrainingJobCommand({ TrainingJobName: jobName }),
    );
    switch (job.TrainingJobStatus) {
      case 'Completed': {
        const artifacts = job.ModelArtifacts?.S3ModelArtifacts;
        if (artifacts === undefined) {
          return { status: 'Failed', reason: 'completed without model artifacts' };
        }
        const metrics = Object.fromEntries(
          (job.FinalMetricDataList ?? []).flatMap((metric) =>
            metric.MetricName === undefined || metric.Value === undefined
              ? []
              : [[metric.MetricName, metric.Value]],
          ),
        );
        return {
          status: 'Completed',
          modelArtifacts: artifacts,
          ...(Object.keys(metrics).length === 0 ? {} : { finalMetrics: metrics }),
        };
      }
      case 'Failed':
      case 'Stopped':
        return { status: job.TrainingJobStatus, reason: job.FailureReason ?? 'no reason given' };
      case 'Stopping':
        return { status: 'Stopping' };
      default:
        return { status: 'InProgress' };
    }
  }

  /** A retried step finds what the interrupted one created: SageMaker names it, nothing is lost. */
  private async createOnce(create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (error) {
      if (error instanceof Error && /Cannot create already existing/i.test(error.message)) return;
      throw error;
    }
  }

  async createModel(
    name: string,
    image: string,
    modelArtifacts: string,
    roleArn: string,
  ): Promise<void> {
    await this.createOnce(() =>
      this.client.send(
        new CreateModelCommand({
          ModelName: name,
          PrimaryContainer: { Image: image, ModelDataUrl: modelArtifacts },
          ExecutionRoleArn: roleArn,
        }),
      ),
    );
  }

  async createEndpointConfig(name: string, modelName: string, instanceType: string): Promise<void> {
    await this.createOnce(() =>
      this.client.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: modelName,
              InitialInstanceCount: 1,
              InstanceType: instanceType as ProductionVariantInstanceType,
            },
          ],
        }),
      ),
    );
  }

  async endpointExists(name: string): Promise<boolean> {
    return (await this.endpointStatus(name)) !== undefined;
  }

  async endpointStatus(
    name: string,
  ): Promise<{ readonly status: string; readonly reason?: string } | undefined> {
    try {
      const endpoint = await this.client.send(new DescribeEndpointCommand({ EndpointName: name }));
      return {
        status: endpoint.EndpointStatus ?? 'Creating',
        ...(endpoint.FailureReason === undefined ? {} : { reason: endpoint.FailureReason }),
      };
    } catch (error) {
      // SageMaker answers a missing endpoint with a ValidationException "Could not find endpoint".
      if (error instanceof Error && /Could not find endpoint/i.test(error.message))
        return undefined;
      throw error;
    }
  }

  async deleteEndpoint(name: string): Promise<void> {
    await this.client.send(new DeleteEndpointCommand({ EndpointName: name }));
  }

  async createEndpoint(name: string, configName: string): Promise<void> {
    await this.createOnce(() =>
      this.client.send(
        new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: configName }),
      ),
    );
  }

  async updateEndpoint(name: string, configName: string): Promise<void> {
    await this.client.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: configName }),
    );
  }
}
