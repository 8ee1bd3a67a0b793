import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SageMakerTrainingJobs } from '../../src/aws/sageMakerJobs';
import { createTrainCommand } from '../../src/cli/train';
import { MemoryStorage, memoryIo, tempDir } from '../ipinsights/support';

const sagemaker = mockClient(SageMakerClient);
beforeEach(() => sagemaker.reset());

const NOW = new Date('2026-11-25T08:00:00Z');
const ROLE = 'arn:aws:iam::123456789012:role/ipinsights-training';
const regions: string[] = [];
const train = (storage = new MemoryStorage()) =>
  createTrainCommand({
    storage: () => Promise.resolve(storage),
    interfaces: () => Promise.reject(new Error('no EC2 here')),
    sageMaker: (region) => {
      regions.push(region);
      return Promise.resolve(new SageMakerTrainingJobs(new SageMakerClient({ region })));
    },
    sleep: () => Promise.resolve(),
    now: () => NOW,
    elapsedMs: () => 0,
  });

async function pairs(): Promise<string> {
  const cwd = await tempDir();
  const lines = [
    'AIDA123456789EXAMPLE,100.20.4.8',
    'AROA123456789EXAMPLE:i-0abcd1234ef567890,54.240.196.10',
    'AIDA123456789EXAMPLE,2001:db8::1',
  ];
  await writeFile(join(cwd, 'pairs.csv'), `${lines.join('\n')}\n`);
  return cwd;
}

const SAGEMAKER_ARGS = [
  '--sagemaker',
  '--role-arn',
  ROLE,
  '--data',
  's3://ipinsights-data/tuples/',
  '--region',
  'eu-west-1',
];

const EXPECTED_JOB = {
  TrainingJobName: 'guardduty-chatops-ipinsights-20261125-080000',
  AlgorithmSpecification: {
    TrainingImage: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/ipinsights:1',
    TrainingInputMode: 'File',
  },
  RoleArn: ROLE,
  HyperParameters: { num_entity_vectors: '4', vector_dim: '128', epochs: '5' },
  InputDataConfig: [
    {
      ChannelName: 'train',
      ContentType: 'text/csv',
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: 's3://ipinsights-data/tuples/',
          S3DataDistributionType: 'FullyReplicated',
        },
      },
    },
  ],
  OutputDataConfig: { S3OutputPath: 's3://ipinsights-data/tuples/output/' },
  ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 86400 },
};

describe('train --sagemaker', () => {
  it('uploads the tuples as entity,ip CSV and starts the built-in algorithm with its hyperparameter names', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:job' });
    const storage = new MemoryStorage();
    const io = memoryIo({ cwd: await pairs() });
    await expect(
      train(storage)(
        [
          '--tuples',
          'pairs.csv',
          ...SAGEMAKER_ARGS,
          '--vector_dim',
          '128',
          '--epochs',
          '5',
          '--seed',
          '3',
        ],
        io,
      ),
    ).resolves.toBe(0);
    expect(
      Buffer.from(storage.objects.get('s3://ipinsights-data/tuples/tuples.csv') ?? []).toString(),
    ).toBe('AIDA123456789EXAMPLE,100.20.4.8\nAROA123456789EXAMPLE,54.240.196.10\n');
    const calls = sagemaker.commandCalls(CreateTrainingJobCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([EXPECTED_JOB]);
    expect(sagemaker.calls()).toHaveLength(1);
    expect(regions.at(-1)).toBe('eu-west-1');
    expect(io.out()).toContain(
      'training job  guardduty-chatops-ipinsights-20261125-080000 (ml.p3.2xlarge, eu-west-1)',
    );
  });

  it('with --endpoint, waits for the job, then creates the model, its config and the endpoint', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({});
    sagemaker
      .on(DescribeTrainingJobCommand)
      .resolvesOnce({ TrainingJobStatus: 'InProgress' })
      .resolves({
        TrainingJobStatus: 'Completed',
        ModelArtifacts: {
          S3ModelArtifacts: 's3://ipinsights-data/tuples/output/job/output/model.tar.gz',
        },
      });
    sagemaker.on(DescribeEndpointCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: 'Could not find endpoint "ipinsights-prod".',
      }),
    );
    const io = memoryIo({ cwd: await pairs() });
    await expect(
      train()(
        [
          '--tuples',
          'pairs.csv',
          ...SAGEMAKER_ARGS,
          '--vector_dim',
          '128',
          '--epochs',
          '5',
          '--endpoint',
          'ipinsights-prod',
        ],
        io,
      ),
    ).resolves.toBe(0);
    const name = 'guardduty-chatops-ipinsights-20261125-080000';
    expect(sagemaker.commandCalls(DescribeTrainingJobCommand)).toHaveLength(2);
    expect(sagemaker.commandCalls(CreateModelCommand).map((c) => c.args[0].input)).toEqual([
      {
        ModelName: name,
        PrimaryContainer: {
          Image: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/ipinsights:1',
          ModelDataUrl: 's3://ipinsights-data/tuples/output/job/output/model.tar.gz',
        },
        ExecutionRoleArn: ROLE,
      },
    ]);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input)).toEqual(
      [
        {
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: name,
              InitialInstanceCount: 1,
              InstanceType: 'ml.m5.large',
            },
          ],
        },
      ],
    );
    expect(sagemaker.commandCalls(CreateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointName: 'ipinsights-prod', EndpointConfigName: name },
    ]);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(io.out()).toContain(
      'endpoint      ipinsights-prod created: set IPINSIGHTS_ENDPOINT=ipinsights-prod',
    );
  });

  it('updates an endpoint that exists to the new config, so the scorer keeps answering', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({});
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: 's3://b/model.tar.gz' },
    });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
    const io = memoryIo({ cwd: await pairs() });
    await expect(
      train()(['--tuples', 'pairs.csv', ...SAGEMAKER_ARGS, '--endpoint', 'ipinsights-prod'], io),
    ).resolves.toBe(0);
    expect(sagemaker.commandCalls(UpdateEndpointCommand).map((c) => c.args[0].input)).toEqual([
      {
        EndpointName: 'ipinsights-prod',
        EndpointConfigName: 'guardduty-chatops-ipinsights-20261125-080000',
      },
    ]);
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });

  it('trains from tuples already in S3 (the Athena output) without uploading anything', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({});
    const storage = new MemoryStorage();
    const io = memoryIo({ cwd: await tempDir() });
    await expect(
      train(storage)(
        [
          '--tuples',
          's3://org-tuples/2026-11/',
          ...SAGEMAKER_ARGS,
          '--num_entity_vectors',
          '200000',
        ],
        io,
      ),
    ).resolves.toBe(0);
    expect(storage.objects.size).toBe(0);
    const [call] = sagemaker.commandCalls(CreateTrainingJobCommand);
    expect(call?.args[0].input).toMatchObject({
      HyperParameters: { num_entity_vectors: '200000', vector_dim: '64' },
      InputDataConfig: [{ DataSource: { S3DataSource: { S3Uri: 's3://org-tuples/2026-11/' } } }],
    });
  });

  it('says why a training job failed, exit 1', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({});
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Failed',
      FailureReason: 'ClientError: no data in channel train',
    });
    const io = memoryIo({ cwd: await pairs() });
    await expect(
      train()(['--tuples', 'pairs.csv', ...SAGEMAKER_ARGS, '--endpoint', 'x'], io).catch(
        (error: unknown) => (error as Error).message,
      ),
    ).resolves.toBe(
      'training job guardduty-chatops-ipinsights-20261125-080000 failed: ClientError: no data in channel train',
    );
    expect(sagemaker.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  it.each([
    [['--role-arn', 'not-an-arn'], '--sagemaker needs --role-arn'],
    [['--region', 'mars-north-1'], 'SageMaker has no IP Insights image in mars-north-1'],
  ])('refuses bad setup before any call or upload: %j', async (extra, message) => {
    const io = memoryIo({ cwd: await pairs() });
    const storage = new MemoryStorage();
    const args = ['--tuples', 'pairs.csv', ...SAGEMAKER_ARGS, ...extra];
    await expect(
      train(storage)(args, io).catch((error: unknown) => (error as Error).message),
    ).resolves.toContain(message);
    expect(sagemaker.calls()).toHaveLength(0);
    expect(storage.objects.size).toBe(0);
  });
});
