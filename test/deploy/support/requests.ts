import { condition, type Stack } from '../../../harness/deploy/cfn';
import { valueOf } from '../../../harness/deploy/functions';
import type { Context } from './iamSimulation';

/**
 * Every request each function sends, with the resource it names and the condition keys it
 * carries, as AWS would see it: the IAM simulation requires each to be Allowed (and, for a
 * remediation write, Denied in a dry-run stack), every derived SDK action to have one, and every
 * granted action and resource to be used by one. A new grant is one line here.
 */

export interface FunctionRequest {
  readonly action: string;
  /** The ARN named; omitted for actions without a resource type (the reference says "*"). */
  readonly resource?: (stack: Stack) => string;
  readonly context?: (stack: Stack) => Context;
  /** What sends it. */
  readonly why: string;
  /** A remediation write: only a live stack (DryRun=false) may send it. */
  readonly live?: true;
  /** The request exists only when the stack's condition holds (e.g. a configured scorer). */
  readonly when?: string;
  /**
   * Sent by AWS itself with the function's role: Lambda (logs, failed asynchronous events), and
   * GuardDuty, which puts its service-linked role's policy for an IP list with the caller's
   * permission when the worker creates or updates a set.
   */
  readonly platform?: true;
}

export const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
/** A region other than the stack's, whose findings a forwarder sends home. */
const OTHER_REGION = 'ap-southeast-2';
export const OUR_FILTER = 'guardduty-chatops-0f1e2d3c4b5a6978';
export const FINDING_ID = 'ecc123c8c8c3e4a5b6c7d8e9f0a1b2c3';
const REVOKE_POLICY = 'guardduty-chatops-revoke-0123456789abcdef0123';

export const arnOf = {
  table: (stack: Stack, id: string) => valueOf(stack, id, 'Arn'),
  guardduty: (stack: Stack, resource: string) =>
    `arn:aws:guardduty:${stack.region}:${stack.accountId}:${resource}`,
  iam: (stack: Stack, resource: string) => `arn:aws:iam::${stack.accountId}:${resource}`,
  ec2: (stack: Stack, resource: string) =>
    `arn:aws:ec2:${stack.region}:${stack.accountId}:${resource}`,
  snapshot: (stack: Stack) => `arn:aws:ec2:${stack.region}::snapshot/snap-0a1b2c3d4e5f60718`,
  logStream: (stack: Stack, group: string) =>
    `arn:aws:logs:${stack.region}:${stack.accountId}:log-group:/guardduty-chatops/${stack.stackName}/${group}:log-stream:2026/11/21/[$LATEST]0123456789abcdef`,
} as const;

/** The boundary a revocation creates, under the worker's policy path. */
export const revocationPolicyArn = (stack: Stack) =>
  arnOf.iam(stack, `policy/guardduty-chatops/revoked-sessions/${REVOKE_POLICY}`);

const leading =
  (...keys: string[]) =>
  () => ({ 'dynamodb:LeadingKeys': keys });
const intentKey = `intent#archive#finding:${FINDING_ID}#v0`;
const runKey = `run#${intentKey}`;
const subjectKey = `subject#archive#finding:${FINDING_ID}`;
const refusalKey = 'ratelimit#refusal#U0BOB#29399000';
const seenKey = 'org#seen#2026-11-21';
const assumeFailuresKey = 'org#assume-failures';
const QUARANTINE_TAG = 'guardduty-chatops:quarantine-group';
const INSTANCE_TAG_KEYS = [
  'guardduty-chatops:quarantined-by',
  'guardduty-chatops:quarantined-at',
  'guardduty-chatops:quarantined-finding',
];

const platform = (group: string, queue?: string): FunctionRequest[] => [
  {
    action: 'logs:CreateLogStream',
    resource: (s) => arnOf.logStream(s, group),
    why: 'Lambda writes the logs',
    platform: true,
  },
  {
    action: 'logs:PutLogEvents',
    resource: (s) => arnOf.logStream(s, group),
    why: 'Lambda writes the logs',
    platform: true,
  },
  ...(queue === undefined
    ? []
    : [
        {
          action: 'sqs:SendMessage',
          resource: (s: Stack) => valueOf(s, queue, 'Arn'),
          why: 'a failed asynchronous event goes to the dead-letter queue',
          platform: true as const,
        },
      ]),
];

const slackSecret: FunctionRequest = {
  action: 'secretsmanager:GetSecretValue',
  resource: (s) => valueOf(s, 'SlackSecret'),
  why: 'Slack credentials at cold start',
};

/** The routing file, read at cold start by the functions that route or list the routes. */
const routesParameter: FunctionRequest = {
  action: 'ssm:GetParameter',
  resource: (s) =>
    `arn:aws:ssm:${s.region}:${s.accountId}:parameter/guardduty-chatops/${s.stackName}/routes`,
  why: 'the routing file at cold start',
};

/** A page request for the pager function (the findings, Slack and worker functions send them). */
const pageRequest: FunctionRequest = {
  action: 'sqs:SendMessage',
  resource: (s) => valueOf(s, 'PageQueue', 'Arn'),
  why: 'a page request (route, Page on-call, Acknowledge, resolve after remediation)',
};

/** The accounts file, read at cold start by the functions that draw messages or act. */
const accountsParameter: FunctionRequest = {
  action: 'ssm:GetParameter',
  resource: (s) =>
    `arn:aws:ssm:${s.region}:${s.accountId}:parameter/guardduty-chatops/${s.stackName}/accounts`,
  why: 'the accounts file at cold start',
};

/** Account names and OUs, when the stack may read AWS Organizations. */
const organization: FunctionRequest[] = [
  {
    action: 'organizations:ListAccounts',
    why: 'account names on messages',
    when: 'ReadsOrganization',
  },
  ...[
    'arn:aws:organizations::210987654321:account/o-a1b2c3d4e5/111122223333',
    'arn:aws:organizations::210987654321:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56',
  ].map((arn): FunctionRequest => ({
    action: 'organizations:ListParents',
    resource: () => arn,
    why: 'the OUs above an account (an allow-list of OUs)',
    when: 'ReadsOrganization',
  })),
];

export const MEMBER_ACCOUNT = '111122223333';
export const MEMBER_ROLE = 'guardduty-chatops-member';

/** The stack's own model bucket (no IpInsightsModel, a trail to retrain from). */
const stackModel = (s: Stack) => `${valueOf(s, 'ModelBucket', 'Arn')}/ipinsights/model.ipim`;
/** The model the retraining publishes to: the user's, or the stack's bucket's. */
const publishedModel = (s: Stack) =>
  condition(s, 'HasModel') ? 'arn:aws:s3:::models-bucket/ipinsights/model.ipi' : stackModel(s);
export const TRAIL_BUCKET = 'org-trail-bucket';
export const TRAIL_PREFIX = 'org/';
export const ATHENA_DATABASE = 'security';
export const ATHENA_TABLE = 'cloudtrail_org';
export const RETRAINING_JOB = 'guardduty-chatops-retraining-20261121-040000';

const glue = (s: Stack, resource: string) => `arn:aws:glue:${s.region}:${s.accountId}:${resource}`;
const sageMakerArn = (s: Stack, resource: string) =>
  `arn:aws:sagemaker:${s.region}:${s.accountId}:${resource}`;
const stagingBucket = (s: Stack) => valueOf(s, 'RetrainingStagingBucket', 'Arn');
const RUN = 'retraining/runs/20261121T030000';

/** The distributed retraining (a trail and an endpoint): Athena, Glue, S3 staging, SageMaker. */
const distributedRetraining: FunctionRequest[] = (
  [
    {
      action: 'dynamodb:GetItem',
      resource: (s) => valueOf(s, 'HealthTable', 'Arn'),
      context: leading('retraining'),
      why: 'the last run’s record, to resume the step it left off at',
    },
    ...['athena:StartQueryExecution', 'athena:GetQueryExecution'].map((action) => ({
      action,
      resource: (s: Stack) => `arn:aws:athena:${s.region}:${s.accountId}:workgroup/primary`,
      why: 'the window’s two CTAS queries (train, held-out slice), then their state',
    })),
    ...(['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'] as const).flatMap((action) =>
      [
        'catalog',
        `database/${ATHENA_DATABASE}`,
        ...(action === 'glue:GetDatabase' ? [] : [`table/${ATHENA_DATABASE}/${ATHENA_TABLE}`]),
      ].map((resource) => ({
        action,
        resource: (s: Stack) => glue(s, resource),
        why: 'Athena reads the trail’s table with the caller’s permissions',
      })),
    ),
    ...[
      'catalog',
      `database/${ATHENA_DATABASE}`,
      `table/${ATHENA_DATABASE}/guardduty_chatops_train_20261121t030000`,
    ].flatMap((resource) =>
      ['glue:CreateTable', 'glue:BatchCreatePartition'].map((action) => ({
        action,
        resource: (s: Stack) => glue(s, resource),
        why: 'each CTAS creates the run’s table and registers its day partitions',
      })),
    ),
    {
      action: 's3:GetBucketLocation',
      resource: () => `arn:aws:s3:::${TRAIL_BUCKET}`,
      why: 'Athena finds the trail bucket’s region',
    },
    {
      action: 's3:GetBucketLocation',
      resource: stagingBucket,
      why: 'Athena finds the output bucket’s region',
    },
    {
      action: 's3:PutObject',
      resource: (s) => `${stagingBucket(s)}/${RUN}/train/day=2026-11-03/20261121_030000_a.gz`,
      why: 'the CTAS writes the run’s tuples',
    },
    {
      action: 's3:AbortMultipartUpload',
      resource: (s) => `${stagingBucket(s)}/${RUN}/train/day=2026-11-03/20261121_030000_a.gz`,
      why: 'Athena abandons a failed multipart write',
    },
    {
      action: 's3:GetObject',
      resource: (s) => `${stagingBucket(s)}/${RUN}/validation/day=2026-11-03/20261121_030000_b.gz`,
      why: 'the held-out slice, sampled for the gate',
    },
    {
      action: 's3:ListBucket',
      resource: stagingBucket,
      context: () => ({ 's3:prefix': `${RUN}/validation/` }),
      why: 'the held-out slice’s objects',
    },
    ...['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob'].map((action) => ({
      action,
      resource: (s: Stack) => sageMakerArn(s, `training-job/${RETRAINING_JOB}`),
      why: 'the run’s training job with train and validation channels, then its state',
    })),
    {
      action: 'iam:PassRole',
      resource: (s) => valueOf(s, 'SageMakerRole', 'Arn'),
      context: () => ({ 'iam:PassedToService': 'sagemaker.amazonaws.com' }),
      why: 'the job and the model run as the stack’s SageMaker role',
    },
    {
      action: 'sagemaker:CreateModel',
      resource: (s) => sageMakerArn(s, `model/${RETRAINING_JOB}`),
      why: 'the trained model',
    },
    {
      action: 'sagemaker:CreateEndpointConfig',
      resource: (s) => sageMakerArn(s, `endpoint-config/${RETRAINING_JOB}`),
      why: 'its endpoint configuration',
    },
    ...[
      'sagemaker:CreateEndpoint',
      'sagemaker:DescribeEndpoint',
      'sagemaker:InvokeEndpoint',
      'sagemaker:DeleteEndpoint',
    ].map((action) => ({
      action,
      resource: (s: Stack) => sageMakerArn(s, `endpoint/${RETRAINING_JOB}`),
      why: 'the candidate endpoint: created, waited for, scored by the gate, deleted',
    })),
    ...[
      'sagemaker:DescribeEndpoint',
      'sagemaker:InvokeEndpoint',
      'sagemaker:UpdateEndpoint',
      'sagemaker:CreateEndpoint',
    ].map((action) => ({
      action,
      resource: (s: Stack) => sageMakerArn(s, 'endpoint/ip-insights'),
      why: 'the stack’s endpoint: scored by the gate, updated (or created) when it passes',
    })),
    ...['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'].map((action) => ({
      action,
      resource: (s: Stack) => sageMakerArn(s, `endpoint-config/${RETRAINING_JOB}`),
      why: 'an endpoint created or updated with the run’s configuration',
    })),
  ] as FunctionRequest[]
).map((request) => ({ ...request, when: 'RetrainsEndpoint' }));

const scoring: FunctionRequest[] = [
  {
    action: 's3:GetObject',
    resource: () => 'arn:aws:s3:::models-bucket/ipinsights/model.ipi',
    why: 'the IP Insights model at cold start',
    when: 'HasModel',
  },
  {
    action: 's3:GetObject',
    resource: stackModel,
    why: 'the model the retraining published, at cold start and every MODEL_REFRESH_MINUTES',
    when: 'CreatesModelBucket',
  },
  {
    action: 's3:ListBucket',
    resource: (s) => valueOf(s, 'ModelBucket', 'Arn'),
    context: () => ({ 's3:prefix': 'ipinsights/model.ipim' }),
    why: 'a model not published yet reads as missing (404), not forbidden',
    when: 'CreatesModelBucket',
  },
  {
    action: 'sagemaker:InvokeEndpoint',
    resource: (s) => `arn:aws:sagemaker:${s.region}:${s.accountId}:endpoint/ip-insights`,
    why: 'scoring on the SageMaker endpoint',
    when: 'HasEndpoint',
  },
];

const findingsTable = (s: Stack) => arnOf.table(s, 'FindingsTable');
const auditTable = (s: Stack) => arnOf.table(s, 'AuditTable');
const idempotencyTable = (s: Stack) => arnOf.table(s, 'IdempotencyTable');

const auditIndex = (s: Stack, index: string) => `${auditTable(s)}/index/${index}`;
const anchorObject = (s: Stack) =>
  `${valueOf(s, 'AuditAnchorBucket', 'Arn')}/audit-anchors/${FINDING_ID}.json`;

/** What both the Slack function and the worker do: findings read, the audit log, intents read. */
const remediationBookkeeping: FunctionRequest[] = [
  slackSecret,
  {
    action: 'dynamodb:GetItem',
    resource: findingsTable,
    context: leading(FINDING_ID),
    why: 'the posted finding',
  },
  { action: 'dynamodb:PutItem', resource: auditTable, why: 'an audit record' },
  { action: 'dynamodb:Query', resource: auditTable, why: 'the audit chain head, /guardduty audit' },
  ...['byFinding', 'byUser', 'byDay'].map((index): FunctionRequest => ({
    action: 'dynamodb:Query',
    resource: (s) => auditIndex(s, index),
    why: '/guardduty audit (by finding, by user, newest first)',
  })),
  {
    action: 's3:PutObject',
    resource: anchorObject,
    why: 'the audit chain head anchored outside the table',
  },
  ...['GetItem', 'BatchGetItem'].map((operation): FunctionRequest => ({
    action: `dynamodb:${operation}`,
    resource: idempotencyTable,
    context: leading(intentKey, runKey, subjectKey),
    why: 'an intent with its run, the subjects’ states',
  })),
];

const healthTable = (s: Stack) => arnOf.table(s, 'HealthTable');
/** A run's sample in a region, and the region's state (the canary's records). */
const sampleKey = 'samples#eu-west-1';
const regionStateKey = 'region#eu-west-1';
/** The canary's regions in the simulated stacks: its own, and one watched through a forwarder. */
export const CANARY_OTHER_REGION = 'us-east-1';
const inRegion = (region: string) => () => ({ 'aws:RequestedRegion': region });

export const REQUESTS: Readonly<Record<string, readonly FunctionRequest[]>> = {
  CanaryFunction: [
    ...platform('canary'),
    slackSecret,
    ...['GetItem', 'BatchGetItem', 'PutItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: healthTable,
      context: leading(regionStateKey),
      why: 'the region’s canary state, replaced conditionally on its version',
    })),
    ...['PutItem', 'Query'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: healthTable,
      context: leading(sampleKey),
      why: 'the run’s sample, recorded before it is asked for; whether it arrived',
    })),
    ...[
      { region: (s: Stack) => s.region },
      { region: () => CANARY_OTHER_REGION, when: 'HasCanaryRegions' },
    ].flatMap(({ region, when }): FunctionRequest[] => {
      const only = when === undefined ? {} : { when };
      return [
        {
          action: 'guardduty:ListDetectors',
          context: (s) => inRegion(region(s))(),
          why: 'the region’s detector',
          ...only,
        },
        {
          action: 'guardduty:CreateSampleFindings',
          context: (s) => inRegion(region(s))(),
          why: 'the canary’s one sample finding',
          ...only,
        },
        {
          action: 'guardduty:GetDetector',
          resource: (s) => `arn:aws:guardduty:${region(s)}:${s.accountId}:detector/${DETECTOR}`,
          context: (s) => inRegion(region(s))(),
          why: 'the detector is ENABLED',
          ...only,
        },
      ];
    }),
    {
      action: 'events:DescribeRule',
      resource: (s) => valueOf(s, 'FindingsRule', 'Arn'),
      why: 'the stack’s GuardDuty rule is ENABLED',
    },
    {
      action: 'events:DescribeRule',
      resource: (s) =>
        `arn:aws:events:${CANARY_OTHER_REGION}:${s.accountId}:rule/guardduty-chatops-forwarder`,
      context: inRegion(CANARY_OTHER_REGION),
      why: 'the forwarding rule of another watched region is ENABLED',
      when: 'HasCanaryRegions',
    },
    ...[
      'FindingsDeadLetterQueue',
      'WorkerDeadLetterQueue',
      'PageDeadLetterQueue',
      'DigestDeadLetterQueue',
    ].map((queue): FunctionRequest => ({
      action: 'sqs:GetQueueAttributes',
      resource: (s) => valueOf(s, queue, 'Arn'),
      why: 'the dead-letter queues are empty',
    })),
    {
      action: 'cloudwatch:PutMetricData',
      resource: () => '*',
      context: () => ({ 'cloudwatch:namespace': 'guardduty-chatops' }),
      why: 'the Healthy metric the alarms watch',
    },
    { ...scoring[0]!, why: 'the model’s age, from its header (a ranged read)' },
    { ...scoring[1]!, why: 'the age of the model the retraining published, from its header' },
    scoring[2]!,
  ],
  RetrainingFunction: [
    ...platform('retraining'),
    {
      action: 'dynamodb:PutItem',
      resource: healthTable,
      context: leading('retraining'),
      why: 'the run’s record for status: published, rejected, failed or too big',
    },
    ...[TRAIL_PREFIX, `${TRAIL_PREFIX}AWSLogs/123456789012/CloudTrail/eu-west-1/`].map(
      (prefix): FunctionRequest => ({
        action: 's3:ListBucket',
        resource: () => `arn:aws:s3:::${TRAIL_BUCKET}`,
        context: () => ({ 's3:prefix': prefix }),
        why: 'the trail’s folders walked down to each region, listed from the window’s first day',
        when: 'Retrains',
      }),
    ),
    {
      action: 's3:GetObject',
      resource: () =>
        `arn:aws:s3:::${TRAIL_BUCKET}/${TRAIL_PREFIX}AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/21/123456789012_CloudTrail_eu-west-1_20261121T0000Z_a.json.gz`,
      why: 'each CloudTrail object of the window',
      when: 'Retrains',
    },
    ...['GetObject', 'PutObject'].map((operation): FunctionRequest => ({
      action: `s3:${operation}`,
      resource: publishedModel,
      why: 'the published model measured by the gate; a new version when the gate passes',
      when: 'RetrainsModel',
    })),
    ...distributedRetraining,
    {
      action: 's3:ListBucket',
      resource: (s) => valueOf(s, 'ModelBucket', 'Arn'),
      context: () => ({ 's3:prefix': 'ipinsights/model.ipim' }),
      why: 'before the first publication the model reads as missing (404)',
      when: 'CreatesModelBucket',
    },
  ],
  FindingsFunction: [
    // Fed by the findings queue, which dead-letters on its own (no asynchronous invocations).
    ...platform('findings'),
    ...['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map(
      (operation): FunctionRequest => ({
        action: `sqs:${operation}`,
        resource: (s) => valueOf(s, 'FindingsQueue', 'Arn'),
        why: 'Lambda reads the findings queue for the function',
        platform: true,
      }),
    ),
    ...['GetItem', 'UpdateItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: findingsTable,
      context: leading('burst#C0SECURITY#111122223333#Recon:EC2/Portscan'),
      why: 'a burst’s counter and message, beside the finding records',
    })),
    slackSecret,
    routesParameter,
    pageRequest,
    ...['GetItem', 'UpdateItem', 'DeleteItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: findingsTable,
      context: leading(FINDING_ID),
      why: 'the finding → message record, claimed and updated conditionally',
    })),
    ...['GetItem', 'BatchGetItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: idempotencyTable,
      context: leading(subjectKey),
      why: 'the buttons a re-published finding keeps (its subjects’ states)',
    })),
    {
      action: 'dynamodb:UpdateItem',
      resource: idempotencyTable,
      context: leading(seenKey),
      why: 'the account and region a finding came from (/guardduty status)',
    },
    accountsParameter,
    ...organization,
    ...['Query', 'UpdateItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: healthTable,
      context: leading(sampleKey),
      why: 'the canary’s sample recognised, and its arrival marked',
    })),
    ...scoring,
  ],
  SlackFunction: [
    ...platform('slack'),
    ...remediationBookkeeping,
    {
      action: 'dynamodb:PutItem',
      resource: idempotencyTable,
      context: leading(intentKey),
      why: 'an intent recorded once',
    },
    {
      action: 'dynamodb:UpdateItem',
      resource: idempotencyTable,
      context: leading(refusalKey),
      why: 'a user’s refusals counted (a few per minute are audited)',
    },
    {
      action: 'lambda:InvokeFunction',
      resource: (s) => valueOf(s, 'WorkerFunction', 'Arn'),
      why: 'hands an intent or a slow subcommand to the worker',
    },
    {
      action: 'lambda:InvokeFunction',
      resource: (s) => valueOf(s, 'DigestFunction', 'Arn'),
      why: 'hands /guardduty digest to the digest function',
    },
    {
      action: 'lambda:InvokeFunction',
      resource: (s) => valueOf(s, 'CanaryFunction', 'Arn'),
      why: 'hands /guardduty status --check to the canary function',
    },
    pageRequest,
  ],
  DigestFunction: [
    ...platform('digest', 'DigestDeadLetterQueue'),
    slackSecret,
    routesParameter,
    ...['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: findingsTable,
      context: leading(FINDING_ID),
      why: 'the day’s run claimed once, each waiting finding taken into it and recorded',
    })),
    {
      action: 'dynamodb:Query',
      resource: (s) => `${findingsTable(s)}/index/byDigest`,
      why: 'the findings waiting for the channel’s digest',
    },
    ...['GetItem', 'BatchGetItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: idempotencyTable,
      context: leading(subjectKey),
      why: 'the buttons of each finding in the thread (its subjects’ states)',
    })),
    ...scoring,
  ],
  PagerFunction: [
    ...platform('pager'),
    ...['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map(
      (operation): FunctionRequest => ({
        action: `sqs:${operation}`,
        resource: (s) => valueOf(s, 'PageQueue', 'Arn'),
        why: 'Lambda reads the page queue for the function',
        platform: true,
      }),
    ),
    slackSecret,
    {
      action: 'secretsmanager:GetSecretValue',
      resource: (s) => valueOf(s, 'PagerDutySecret'),
      why: 'the PagerDuty routing key at cold start',
    },
    {
      action: 'dynamodb:GetItem',
      resource: findingsTable,
      context: leading(FINDING_ID),
      why: 'the finding to page about, its message and page',
    },
    {
      action: 'dynamodb:UpdateItem',
      resource: findingsTable,
      context: leading(FINDING_ID),
      why: 'the page state on the finding record',
    },
    ...['GetItem', 'BatchGetItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: idempotencyTable,
      context: leading(subjectKey),
      why: 'the buttons a redrawn message keeps (its subjects’ states)',
    })),
  ],
  WorkerFunction: [
    ...platform('worker', 'WorkerDeadLetterQueue'),
    ...remediationBookkeeping,
    routesParameter,
    {
      action: 'dynamodb:Query',
      resource: (s) => `${findingsTable(s)}/index/byResource`,
      why: 'every message about the subject acted on, to redraw',
    },
    ...['PutItem', 'UpdateItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: idempotencyTable,
      context: leading(intentKey, runKey, subjectKey, refusalKey, assumeFailuresKey),
      why: 'intents, the worker’s runs, subjects’ states, refusal counters, AssumeRole failures',
    })),
    ...['GetItem', 'BatchGetItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: idempotencyTable,
      context: leading(seenKey, assumeFailuresKey),
      why: '/guardduty status: accounts and regions seen, AssumeRole failures',
    })),
    accountsParameter,
    ...organization,
    ...['AssumeRole', 'SetSourceIdentity'].map((operation): FunctionRequest => ({
      action: `sts:${operation}`,
      resource: () => `arn:aws:iam::${MEMBER_ACCOUNT}:role/${MEMBER_ROLE}`,
      context: () => ({ 'sts:SourceIdentity': 'slack-U0ALICE-alice' }),
      why: 'acting in a member account as its member role, named after the responder',
      when: 'ActsInMembers',
    })),
    {
      action: 'dynamodb:GetItem',
      resource: healthTable,
      context: leading('retraining'),
      why: '/guardduty status: the last retraining',
      when: 'Retrains',
    },
    ...['PutItem', 'Query', 'DeleteItem'].map((operation): FunctionRequest => ({
      action: `dynamodb:${operation}`,
      resource: healthTable,
      context: leading('expiries'),
      why: 'the suppressions that expire: added, the due ones read, each removed once deleted',
    })),
    {
      action: 'dynamodb:BatchGetItem',
      resource: healthTable,
      context: leading('region#eu-west-1'),
      why: '/guardduty status: each region’s canary state',
    },
    pageRequest,
    ...['ListDetectors', 'ListFindings', 'GetFindings', 'GetFindingsStatistics'].map(
      (operation): FunctionRequest => ({
        action: `guardduty:${operation}`,
        why: '/guardduty list, show, stats, status',
      }),
    ),
    {
      action: 'guardduty:GetDetector',
      resource: (s) => arnOf.guardduty(s, `detector/${DETECTOR}`),
      why: '/guardduty status',
    },
    { action: 'guardduty:ArchiveFindings', why: 'Archive', live: true },
    { action: 'guardduty:UnarchiveFindings', why: 'Unarchive', live: true },
    ...['CreateFilter', 'DeleteFilter'].map((operation): FunctionRequest => ({
      action: `guardduty:${operation}`,
      resource: (s) => arnOf.guardduty(s, `detector/${DETECTOR}/filter/${OUR_FILTER}`),
      why: 'Suppress similar, and its undo',
      live: true,
    })),
    {
      action: 'iam:ListAccessKeys',
      resource: (s) => arnOf.iam(s, 'user/ci-bot'),
      why: 'the key’s status before disabling it',
    },
    {
      action: 'iam:UpdateAccessKey',
      resource: (s) => arnOf.iam(s, 'user/ci-bot'),
      why: 'Disable access key, Re-enable key',
      live: true,
    },
    {
      action: 'iam:GetRole',
      resource: (s) => arnOf.iam(s, 'role/ec2-app'),
      why: 'the role’s id, tags and boundary before revoking',
    },
    ...['CreatePolicy', 'DeletePolicy'].map((operation): FunctionRequest => ({
      action: `iam:${operation}`,
      resource: revocationPolicyArn,
      why: 'the revocation boundary, and its undo',
      live: true,
    })),
    ...['PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary'].map(
      (operation): FunctionRequest => ({
        action: `iam:${operation}`,
        resource: (s) => arnOf.iam(s, 'role/ec2-app'),
        context: (s) => ({ 'iam:PermissionsBoundary': revocationPolicyArn(s) }),
        why: 'Revoke role sessions, Restore role sessions',
        live: true,
      }),
    ),
    ...['ListThreatIntelSets', 'ListIPSets'].map((operation): FunctionRequest => ({
      action: `guardduty:${operation}`,
      why: 'the Region’s sets, to find this bot’s and count them against the quota',
    })),
    ...[
      ['GetThreatIntelSet', 'threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90'],
      ['GetIPSet', 'ipset/0f9e8d7c6b5a49382716a5b4c3d2e1f0'],
    ].map(([operation, set]): FunctionRequest => ({
      action: `guardduty:${operation}`,
      resource: (s) => arnOf.guardduty(s, `detector/${DETECTOR}/${set}`),
      why: 'which set is this bot’s (by its name)',
    })),
    ...['threat-list', 'trusted-ips'].map((prefix): FunctionRequest => ({
      action: 's3:GetObject',
      resource: (s) => `${valueOf(s, 'ListsBucket', 'Arn')}/${prefix}/${s.region}.txt`,
      why: 'the list file, read before each conditional write',
    })),
    ...['threat-list', 'trusted-ips'].map((prefix): FunctionRequest => ({
      action: 's3:PutObject',
      resource: (s) => `${valueOf(s, 'ListsBucket', 'Arn')}/${prefix}/${s.region}.txt`,
      why: 'Add IP to threat list, Trust IP and their undo (If-Match on the ETag read)',
      live: true,
    })),
    ...['threat-list', 'trusted-ips'].map((prefix): FunctionRequest => ({
      action: 's3:ListBucket',
      resource: (s) => valueOf(s, 'ListsBucket', 'Arn'),
      context: (s) => ({ 's3:prefix': `${prefix}/${s.region}.txt` }),
      why: 'a list file not written yet reads as missing (404: an empty list), not forbidden',
    })),
    // A finding of another region: its list is that region's, in that region's detector.
    ...[
      ['GetThreatIntelSet', 'threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90', false],
      ['GetIPSet', 'ipset/0f9e8d7c6b5a49382716a5b4c3d2e1f0', false],
      ['UpdateThreatIntelSet', 'threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90', true],
      ['UpdateIPSet', 'ipset/0f9e8d7c6b5a49382716a5b4c3d2e1f0', true],
    ].map(([operation, set, live]): FunctionRequest => ({
      action: `guardduty:${String(operation)}`,
      resource: (s) =>
        `arn:aws:guardduty:${OTHER_REGION}:${s.accountId}:detector/${DETECTOR}/${String(set)}`,
      why: 'the list of a finding of another region, in that region’s detector',
      ...(live === true ? { live: true as const } : {}),
    })),
    ...(['s3:GetObject', 's3:PutObject'] as const).map((action): FunctionRequest => ({
      action,
      resource: (s) => `${valueOf(s, 'ListsBucket', 'Arn')}/threat-list/${OTHER_REGION}.txt`,
      why: 'the list file of another region',
      ...(action === 's3:PutObject' ? { live: true as const } : {}),
    })),
    ...['CreateThreatIntelSet', 'CreateIPSet'].map((operation): FunctionRequest => ({
      action: `guardduty:${operation}`,
      why: 'the set, created and activated the first time',
      live: true,
    })),
    ...[
      ['UpdateThreatIntelSet', 'threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90'],
      ['UpdateIPSet', 'ipset/0f9e8d7c6b5a49382716a5b4c3d2e1f0'],
    ].map(([operation, set]): FunctionRequest => ({
      action: `guardduty:${operation}`,
      resource: (s) => arnOf.guardduty(s, `detector/${DETECTOR}/${set}`),
      why: 'the set reloaded from the file just written',
      live: true,
    })),
    ...['PutRolePolicy', 'DeleteRolePolicy'].map((operation): FunctionRequest => ({
      action: `iam:${operation}`,
      resource: (s) =>
        arnOf.iam(
          s,
          'role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
        ),
      why: 'GuardDuty lets its service-linked role read the list file, with the caller’s permission, in Create…Set and Update…Set',
      live: true,
      platform: true,
    })),
    ...['DescribeInstances', 'DescribeSecurityGroups'].map((operation): FunctionRequest => ({
      action: `ec2:${operation}`,
      why: 'the instance and its VPC’s quarantine group',
    })),
    ...[
      (s: Stack) => arnOf.ec2(s, 'security-group/sg-0quarantine'),
      (s: Stack) => arnOf.ec2(s, 'vpc/vpc-0a1b2c3d'),
    ].map((resource): FunctionRequest => ({
      action: 'ec2:CreateSecurityGroup',
      resource,
      context: () => ({
        [`aws:RequestTag/${QUARANTINE_TAG}`]: 'true',
        'aws:TagKeys': [QUARANTINE_TAG],
      }),
      why: 'the quarantine group, tagged as it is created',
      live: true,
    })),
    {
      action: 'ec2:CreateTags',
      resource: (s) => arnOf.ec2(s, 'security-group/sg-0quarantine'),
      context: () => ({
        'ec2:CreateAction': 'CreateSecurityGroup',
        [`aws:RequestTag/${QUARANTINE_TAG}`]: 'true',
        'aws:TagKeys': [QUARANTINE_TAG],
      }),
      why: 'the tag in CreateSecurityGroup’s TagSpecifications',
      live: true,
    },
    {
      action: 'ec2:RevokeSecurityGroupEgress',
      resource: (s) => arnOf.ec2(s, 'security-group/sg-0quarantine'),
      context: () => ({ [`aws:ResourceTag/${QUARANTINE_TAG}`]: 'true' }),
      why: 'the new quarantine group’s allow-all egress rule',
      live: true,
    },
    ...[
      (s: Stack) => arnOf.ec2(s, 'network-interface/eni-0aaaaaaaaaaaaaaa1'),
      (s: Stack) => arnOf.ec2(s, 'security-group/sg-0quarantine'),
      (s: Stack) => arnOf.ec2(s, 'instance/i-0abcd1234ef567890'),
      (s: Stack) => arnOf.ec2(s, 'subnet/subnet-0a1b2c3d'),
    ].map((resource): FunctionRequest => ({
      action: 'ec2:ModifyNetworkInterfaceAttribute',
      resource,
      why: 'Quarantine (into the group), Release (back to its groups)',
      live: true,
    })),
    ...['CreateTags', 'DeleteTags'].map((operation): FunctionRequest => ({
      action: `ec2:${operation}`,
      resource: (s) => arnOf.ec2(s, 'instance/i-0abcd1234ef567890'),
      context: () => ({ 'aws:TagKeys': INSTANCE_TAG_KEYS }),
      why: 'who quarantined the instance, when, for which finding',
      live: true,
    })),
    ...[(s: Stack) => arnOf.ec2(s, 'volume/vol-0a1b2c3d4e5f60718'), arnOf.snapshot].map(
      (resource): FunctionRequest => ({
        action: 'ec2:CreateSnapshot',
        resource,
        why: 'Quarantine with snapshot',
        live: true,
      }),
    ),
    {
      action: 'ec2:CreateTags',
      resource: arnOf.snapshot,
      context: () => ({
        'ec2:CreateAction': 'CreateSnapshot',
        'aws:TagKeys': ['guardduty-chatops:quarantined-finding', 'guardduty-chatops:instance'],
      }),
      why: 'the tags in CreateSnapshot’s TagSpecifications',
      live: true,
    },
    // A finding forwarded from another region (region-forwarder.yaml) is acted on there.
    {
      action: 'guardduty:CreateFilter',
      resource: (s) =>
        `arn:aws:guardduty:${OTHER_REGION}:${s.accountId}:detector/${DETECTOR}/filter/${OUR_FILTER}`,
      why: 'Suppress similar on a finding of another region, in that region’s detector',
      live: true,
    },
    {
      action: 'ec2:ModifyNetworkInterfaceAttribute',
      resource: (s) => `arn:aws:ec2:${OTHER_REGION}:${s.accountId}:instance/i-0abcd1234ef567890`,
      why: 'Quarantine an instance of another region',
      live: true,
    },
    ...scoring,
  ],
};

/** Whether a request exists in this stack (its scorer condition), live or not. */
export function requestApplies(stack: Stack, request: FunctionRequest): boolean {
  return request.when === undefined || condition(stack, request.when);
}
