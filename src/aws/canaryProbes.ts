import {
  CloudWatchClient,
  PutMetricDataCommand,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import {
  CreateSampleFindingsCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type {
  GuardDutyProbe,
  HealthMetric,
  MetricSink,
  QueueProbe,
  RuleProbe,
} from '../health/ports';
import { RegionalClients, RemediationRetry } from './remediationCalls';

/**
 * The canary's AWS side, one SDK client per region. The only write is CreateSampleFindings: the
 * canary's role holds no other GuardDuty, EventBridge or SQS write (template.yaml, CanaryRole).
 */
export class SdkGuardDutyProbe implements GuardDutyProbe {
  private readonly clients: RegionalClients<GuardDutyClient>;

  constructor(create = (region: string) => new GuardDutyClient({ region, ...RemediationRetry })) {
    this.clients = new RegionalClients(create);
  }

  async detectorIds(region: string): Promise<readonly string[]> {
    const { DetectorIds } = await this.clients.get(region).send(new ListDetectorsCommand({}));
    return DetectorIds ?? [];
  }

  async detectorStatus(region: string, detectorId: string): Promise<string> {
    const { Status } = await this.clients
      .get(region)
      .send(new GetDetectorCommand({ DetectorId: detectorId }));
    return Status ?? 'UNKNOWN';
  }

  async createSampleFindings(
    region: string,
    detectorId: string,
    findingTypes: readonly string[],
  ): Promise<void> {
    await this.clients.get(region).send(
      new CreateSampleFindingsCommand({
        DetectorId: detectorId,
        FindingTypes: [...findingTypes],
      }),
    );
  }
}

export class SdkRuleProbe implements RuleProbe {
  private readonly clients: RegionalClients<EventBridgeClient>;

  constructor(create = (region: string) => new EventBridgeClient({ region, ...RemediationRetry })) {
    this.clients = new RegionalClients(create);
  }

  async ruleState(region: string, ruleName: string): Promise<string | undefined> {
    try {
      const { State } = await this.clients
        .get(region)
        .send(new DescribeRuleCommand({ Name: ruleName }));
      return State ?? 'UNKNOWN';
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}

export class SqsQueueProbe implements QueueProbe {
  constructor(
    // The queues are the stack's own, in its region: the client's endpoint (or
    // AWS_ENDPOINT_URL) is theirs, so the queue URL need not override it.
    private readonly client: SQSClient = new SQSClient({
      ...RemediationRetry,
      useQueueUrlAsEndpoint: false,
    }),
  ) {}

  async depth(queueUrl: string): Promise<number> {
    const { Attributes } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }
}

/** The metric's namespace; the template's alarms and the CanaryRole's condition name it too. */
export const HEALTH_NAMESPACE = 'guardduty-chatops';
export const HEALTH_METRIC = 'Healthy';
/** PutMetricData takes at most 1,000 data points a call. */
const METRICS_PER_CALL = 1000;

/**
 * `Healthy` (1/0) in CloudWatch, always with the stack's name: per check and region, per region,
 * and for the whole stack (the one the alarms watch).
 */
export class CloudWatchMetricSink implements MetricSink {
  constructor(
    private readonly stackName: string,
    private readonly client: CloudWatchClient = new CloudWatchClient({ ...RemediationRetry }),
  ) {}

  async publish(metrics: readonly HealthMetric[]): Promise<void> {
    const data: MetricDatum[] = metrics.map((metric) => ({
      MetricName: HEALTH_METRIC,
      Dimensions: [
        { Name: 'Stack', Value: this.stackName },
        ...(metric.region === undefined ? [] : [{ Name: 'Region', Value: metric.region }]),
        ...(metric.check === undefined ? [] : [{ Name: 'Check', Value: metric.check }]),
      ],
      Timestamp: metric.at,
      Value: metric.value,
      Unit: 'None',
    }));
    for (let start = 0; start < data.length; start += METRICS_PER_CALL) {
      await this.client.send(
        new PutMetricDataCommand({
          Namespace: HEALTH_NAMESPACE,
          MetricData: data.slice(start, start + METRICS_PER_CALL),
        }),
      );
    }
  }
}
