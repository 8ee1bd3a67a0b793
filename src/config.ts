import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { DEFAULT_TABLE_NAMES, type TableNames } from './store/tables';
import { CodedError, ErrorCode } from './shared/errors';

/** Configuration problems, one line per variable: "SLACK_CHANNEL_ID: missing (…)". */
export class ConfigError extends CodedError {
  override readonly name = 'ConfigError';
  readonly code = ErrorCode.ConfigInvalid;
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

export type StoreConfig =
  | { readonly kind: 'dynamodb'; readonly tables: TableNames }
  | { readonly kind: 'local'; readonly dir: string; readonly tables: TableNames };

/** Where the routing file is: a file (laptop), an SSM parameter (Lambda), or none (defaults). */
export type RoutesConfig =
  | { readonly kind: 'defaults' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'parameter'; readonly name: string };

/** The accounts file (`ACCOUNTS_FILE` / `ACCOUNTS_PARAMETER`): none = every account, no names. */
export type AccountsFileConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'parameter'; readonly name: string };

/** Where the stack stands in an AWS Organization. */
export interface OrganizationConfig {
  /** The stack's own account (the GuardDuty administrator); findings of others are members'. */
  readonly adminAccountId?: string;
  /** The role assumed in member accounts (member-role.yaml); unset = act in the own account only. */
  readonly memberRoleName?: string;
  readonly externalId?: string;
  readonly accounts: AccountsFileConfig;
}

export type AuditAnchorsConfig =
  | { readonly kind: 's3'; readonly bucket: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'none' };
/** Paging on-call: none, through the page queue (Lambda), or straight to PagerDuty (one process). */
export type PagingConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'queue'; readonly queueUrl: string }
  | { readonly kind: 'pagerduty'; readonly routingKey: string; readonly eventsUrl: string };

export type IpInsightsConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'model'; readonly location: string }
  | { readonly kind: 'endpoint'; readonly endpointName: string };

/** The scheduled retraining of the embedded model, and how often scorers look for a new one. */
export interface RetrainingConfig {
  /** `s3://bucket/prefix` of the CloudTrail trail it reads (RETRAINING_CLOUDTRAIL). */
  readonly cloudTrail?: string;
  readonly windowDays: number;
  /** The most listed CloudTrail bytes one run reads; a bigger window is refused. */
  readonly maxBytes: number;
  /** A running scorer reads the model's header at most this often for a new version. */
  readonly refreshMs: number;
  /**
   * IPINSIGHTS_MODEL is the stack's own model bucket, which the retraining fills: until its
   * first run there is no model there, and that is not an error (IPINSIGHTS_MODEL_RETRAINED).
   */
  readonly publishesModel: boolean;
  /**
   * A stack that scores with a SageMaker endpoint retrains it with Athena and SageMaker
   * (RETRAINING_ATHENA_*, RETRAINING_STAGING, RETRAINING_SAGEMAKER_ROLE).
   */
  readonly distributed?: DistributedRetrainingConfig;
}

export interface DistributedRetrainingConfig {
  /** The stack's region (AWS_REGION): Athena, SageMaker and the endpoint are there. */
  readonly region: string;
  readonly database: string;
  readonly table: string;
  readonly workGroup: string;
  readonly partitionColumn?: string;
  /** `s3://bucket/prefix/` of each run's tuples, Athena results and model artifacts. */
  readonly staging: string;
  readonly roleArn: string;
  readonly trainingInstanceType: string;
  readonly endpointInstanceType: string;
  readonly expectedEntities: number;
}

/** Read in one function run (1,769 MiB, 15 minutes): README "Retraining" has the measurement. */
export const DEFAULT_RETRAINING_MAX_BYTES = 1_000_000_000;

/** No retraining (no trail); scorers look for a new model every 15 minutes. */
export const RETRAINING_DEFAULTS: RetrainingConfig = {
  windowDays: 30,
  maxBytes: DEFAULT_RETRAINING_MAX_BYTES,
  refreshMs: 15 * 60_000,
  publishesModel: false,
};

/** The canary (`src/health/`): where it looks, what it asks for, how long it waits. */
export interface CanaryConfig {
  /** The stack's own region first (AWS_REGION), then CANARY_REGIONS; empty off AWS without them. */
  readonly regions: readonly string[];
  readonly findingType: string;
  readonly delayMs: number;
  /** The stack's EventBridge rule for GuardDuty findings, in its own region. */
  readonly findingsRule: string;
  /** The rule that forwards findings home in every other region (region-forwarder.yaml). */
  readonly forwarderRule: string;
  readonly modelMaxAgeDays: number;
  readonly deadLetterQueues: readonly { readonly name: string; readonly url: string }[];
  /** Lambda: the canary function `/guardduty status --check` starts. */
  readonly functionName?: string;
  /** The metric's Stack dimension. */
  readonly stackName?: string;
}

export interface Config {
  readonly slack: {
    readonly signingSecret: string;
    readonly botToken: string;
    readonly appToken?: string;
    readonly apiUrl: string;
    readonly channelId: string;
  };
  /** Slack user ids (U…/W…) and user-group ids (S…) allowed to remediate. */
  readonly responders: { readonly users: readonly string[]; readonly groups: readonly string[] };
  /**
   * Slack users and user groups who may read (`/guardduty list`, `show`, `audit`, `status`,
   * `score`) outside the security channel, besides the responders.
   */
  readonly viewers: { readonly users: readonly string[]; readonly groups: readonly string[] };
  readonly minSeverity: number;
  readonly routes: RoutesConfig;
  readonly paging: PagingConfig;
  readonly ipInsights: IpInsightsConfig;
  readonly store: StoreConfig;
  /** Where audit chain heads are anchored outside the table (AUDIT_ANCHOR_BUCKET on AWS). */
  readonly auditAnchors: AuditAnchorsConfig;
  readonly dryRun: boolean;
  /** Principals remediation refuses to touch: ids, ARNs or IAM user names. */
  readonly protectedPrincipals: readonly string[];
  /** The GuardDuty IP lists: their bucket, the egress addresses no list may name, the Region. */
  readonly ipLists: IpListsConfig;
  readonly port: number;
  readonly organization: OrganizationConfig;
  /** Lambda: the remediation worker function invoked asynchronously. */
  readonly workerFunctionName?: string;
  /** Lambda: the digest function `/guardduty digest` is handed to. */
  readonly digestFunctionName?: string;
  readonly canary: CanaryConfig;
  readonly retraining: RetrainingConfig;
}

export interface IpListsConfig {
  /** LISTS_BUCKET: where the list files live (created by the stack); none = lists unavailable. */
  readonly bucket?: string;
  /** EGRESS_ADDRESSES: the organization's own public addresses and ranges, comma-separated. */
  readonly egress: readonly string[];
  /** Where `/guardduty threatlist|trust` act without --region: the stack's (AWS_REGION). */
  readonly defaultRegion: string;
  /**
   * Not from the environment: the demo's lists are its own files, so they change for real in a
   * dry-run demo (see `ListPolicy.dryRun`).
   */
  readonly dryRun?: boolean;
}

/** An IPv4/IPv6 address or CIDR range (the list rules parse it fully; this only rejects typos). */
function isAddressOrRange(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Which parts a command needs; everything else may be absent. */
export type ConfigNeed = 'slack' | 'slackBot' | 'channel';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const SLACK_ID = /^[UWS][A-Z0-9]{2,}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The canary's finding type is also a GuardDuty filter value: letters, digits and `:/._-!&`. */
export const DEFAULT_CANARY_FINDING_TYPE = 'UnauthorizedAccess:EC2/RDPBruteForce';
export const DEFAULT_FORWARDER_RULE = 'guardduty-chatops-forwarder';
export const DEFAULT_FINDINGS_RULE = 'guardduty-chatops-findings';

/** The canary's settings when none are given: for the demo and tests, which name their regions. */
export function canaryDefaults(regions: readonly string[]): CanaryConfig {
  return {
    regions,
    findingType: DEFAULT_CANARY_FINDING_TYPE,
    delayMs: 10 * 60_000,
    findingsRule: DEFAULT_FINDINGS_RULE,
    forwarderRule: DEFAULT_FORWARDER_RULE,
    modelMaxAgeDays: 30,
    deadLetterQueues: [],
  };
}

/** `name=https://sqs…` pairs, comma-separated. */
const namedQueues = (value: string | undefined) =>
  list(value).map((pair) => {
    const at = pair.indexOf('=');
    return { name: pair.slice(0, at), url: pair.slice(at + 1) };
  });

/** Slack's signing secrets have 32 characters; anything shorter is a typo or a test value. */
const MIN_SIGNING_SECRET_LENGTH = 32;

/** The template's placeholder and the like: a stack started with one would accept forgeries. */
function isPlaceholder(secret: string): boolean {
  const plain = secret.trim().toLowerCase();
  return (
    /^(replace[_-]?me|change[_-]?me|secret|signing[_-]?secret|todo|test|xxx+|\*+)$/.test(plain) ||
    /^(.)\1*$/.test(plain)
  );
}

const EnvSchema = z.object({
  SLACK_SIGNING_SECRET: z
    .string()
    .refine((secret) => !isPlaceholder(secret), {
      error: 'is a placeholder: put the app’s signing secret here (Slack app → Basic Information)',
    })
    .refine((secret) => secret.length >= MIN_SIGNING_SECRET_LENGTH, {
      error: `is too short to be a Slack signing secret (Slack's have 32 characters)`,
    })
    .optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xox[bp]-/, 'must be a bot token (xoxb-…)')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token (xapp-…)')
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://slack.com/api/'),
  SLACK_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…), not a channel name')
    .optional(),
  RESPONDERS: z
    .string()
    .optional()
    .transform(list)
    .refine((ids) => ids.every((id) => SLACK_ID.test(id)), {
      error: 'must be comma-separated Slack user ids (U…) or user-group ids (S…)',
    }),
  VIEWERS: z
    .string()
    .optional()
    .transform(list)
    .refine((ids) => ids.every((id) => SLACK_ID.test(id)), {
      error: 'must be comma-separated Slack user ids (U…) or user-group ids (S…)',
    }),
  MIN_SEVERITY: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must be between 0 and 10')
    .max(10, 'must be between 0 and 10')
    .default(0),
  ROUTES_FILE: z.string().min(1).optional(),
  ROUTES_PARAMETER: z
    .string()
    .regex(/^[a-zA-Z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name')
    .optional(),
  PAGE_QUEUE_URL: z
    .url({ protocol: /^https?$/, error: 'must be the URL of an SQS queue' })
    .optional(),
  PAGERDUTY_ROUTING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{32}$/, 'must be a 32-character Events API v2 integration key')
    .optional(),
  PAGERDUTY_EVENTS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://events.pagerduty.com'),
  IPINSIGHTS_MODEL: z.string().min(1).optional(),
  IPINSIGHTS_ENDPOINT: z
    .string()
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name')
    .optional(),
  STORE: z
    .string()
    .regex(/^(dynamodb|local:.+)$/, 'must be "dynamodb" or "local:<dir>"')
    .optional(),
  FINDINGS_TABLE: z.string().min(3).default(DEFAULT_TABLE_NAMES.findings),
  AUDIT_TABLE: z.string().min(3).default(DEFAULT_TABLE_NAMES.audit),
  IDEMPOTENCY_TABLE: z.string().min(3).default(DEFAULT_TABLE_NAMES.idempotency),
  AUDIT_ANCHOR_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  DRY_RUN: z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be "true" or "false"' })
    .optional(),
  PROTECTED_PRINCIPALS: z.string().optional().transform(list),
  LISTS_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  EGRESS_ADDRESSES: z
    .string()
    .optional()
    .transform(list)
    .refine((values) => values.every(isAddressOrRange), {
      error: 'must be IPv4/IPv6 addresses or CIDR ranges, comma-separated',
    }),
  PORT: z.coerce.number().int().min(0).max(65535, 'must be a TCP port').default(3000),
  WORKER_FUNCTION_NAME: z.string().min(1).optional(),
  DIGEST_FUNCTION_NAME: z.string().min(1).optional(),
  ADMIN_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  MEMBER_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (no path)')
    .optional(),
  MEMBER_ROLE_EXTERNAL_ID: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 of letters, digits and +=,.@:/-')
    .optional(),
  ACCOUNTS_FILE: z.string().min(1).optional(),
  ACCOUNTS_PARAMETER: z
    .string()
    .regex(/^[a-zA-Z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name')
    .optional(),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
  AWS_REGION: z.string().regex(REGION, 'must be an AWS region name').optional(),
  HEALTH_TABLE: z.string().min(3).default(DEFAULT_TABLE_NAMES.health),
  CANARY_REGIONS: z
    .string()
    .optional()
    .transform(list)
    .refine((regions) => regions.every((region) => REGION.test(region)), {
      error: 'must be comma-separated AWS region names (eu-west-1,us-east-1)',
    }),
  CANARY_FINDING_TYPE: z
    .string()
    .regex(/^[A-Za-z0-9:/._&!-]{3,50}$/, 'must be a GuardDuty finding type')
    .default(DEFAULT_CANARY_FINDING_TYPE),
  CANARY_DELAY_MINUTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be whole minutes')
    .min(1, 'must be between 1 and 13 (the canary function runs at most 15 minutes)')
    .max(13, 'must be between 1 and 13 (the canary function runs at most 15 minutes)')
    .default(10),
  FINDINGS_RULE: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be an EventBridge rule name')
    .default(DEFAULT_FINDINGS_RULE),
  FORWARDER_RULE: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be an EventBridge rule name')
    .default(DEFAULT_FORWARDER_RULE),
  MODEL_MAX_AGE_DAYS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be whole days')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .default(30),
  DEAD_LETTER_QUEUES: z
    .string()
    .optional()
    .transform(namedQueues)
    .refine(
      (queues) =>
        queues.every(
          (q) =>
            /^[a-z-]{1,40}$/.test(q.name) &&
            /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]{1,80}$/.test(q.url),
        ),
      {
        error: 'must be comma-separated name=https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE pairs',
      },
    ),
  CANARY_FUNCTION_NAME: z.string().min(1).optional(),
  RETRAINING_CLOUDTRAIL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be an s3://bucket/prefix URI')
    .optional(),
  RETRAINING_WINDOW_DAYS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be whole days')
    .min(1, 'must be between 1 and 400')
    .max(400, 'must be between 1 and 400')
    .default(30),
  RETRAINING_MAX_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be whole bytes')
    .min(1, 'must be at least 1')
    .default(DEFAULT_RETRAINING_MAX_BYTES),
  RETRAINING_ATHENA_DATABASE: z.string().min(1).optional(),
  RETRAINING_ATHENA_TABLE: z.string().min(1).optional(),
  RETRAINING_ATHENA_WORKGROUP: z.string().min(1).default('primary'),
  RETRAINING_ATHENA_PARTITION_COLUMN: z.string().min(1).optional(),
  RETRAINING_STAGING: z
    .string()
    .regex(
      /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(.*\/)?$/,
      'must be an s3://bucket/prefix/ URI',
    )
    .optional(),
  RETRAINING_SAGEMAKER_ROLE: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
    .optional(),
  RETRAINING_TRAINING_INSTANCE: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/)
    .default('ml.m5.xlarge'),
  RETRAINING_ENDPOINT_INSTANCE: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/)
    .default('ml.m5.large'),
  RETRAINING_EXPECTED_ENTITIES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(100_000),
  IPINSIGHTS_MODEL_RETRAINED: z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .default('false'),
  MODEL_REFRESH_MINUTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be whole minutes')
    .min(1, 'must be between 1 and 1440')
    .max(1440, 'must be between 1 and 1440')
    .default(15),
  STACK_NAME: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a stack name')
    .optional(),
});

const NEEDS: Readonly<Record<ConfigNeed, readonly [keyof z.infer<typeof EnvSchema>, string][]>> = {
  slack: [
    ['SLACK_SIGNING_SECRET', 'the Slack app signing secret'],
    ['SLACK_BOT_TOKEN', 'the Slack bot token (xoxb-…)'],
  ],
  /** Posting only: the bot token, not the signing secret of requests Slack sends. */
  slackBot: [['SLACK_BOT_TOKEN', 'the Slack bot token (xoxb-…)']],
  channel: [['SLACK_CHANNEL_ID', 'the security channel findings go to']],
};

/**
 * Reads and checks the configuration from the environment, naming every missing or bad variable
 * at once. Defaults: the embedded store under `.local/store` off Lambda, DynamoDB on it.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  needs: readonly ConfigNeed[] = [],
  cwd = process.cwd(),
): Config {
  // An empty variable means "not set", as in a template that passes an empty parameter.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(set);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.map(String).join('.')}: ${issue.message}`);
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  for (const need of needs) {
    for (const [name, meaning] of NEEDS[need]) {
      if (set[name] === undefined) problems.push(`${name}: missing (${meaning})`);
    }
  }
  if (set.IPINSIGHTS_MODEL !== undefined && set.IPINSIGHTS_ENDPOINT !== undefined) {
    problems.push('IPINSIGHTS_MODEL and IPINSIGHTS_ENDPOINT: set one, not both');
  }
  if (set.ROUTES_FILE !== undefined && set.ROUTES_PARAMETER !== undefined) {
    problems.push('ROUTES_FILE and ROUTES_PARAMETER: set one, not both');
  }
  if (set.ACCOUNTS_FILE !== undefined && set.ACCOUNTS_PARAMETER !== undefined) {
    problems.push('ACCOUNTS_FILE and ACCOUNTS_PARAMETER: set one, not both');
  }
  if (problems.length > 0 || e === undefined) throw new ConfigError(problems);
  const paging: PagingConfig =
    e.PAGE_QUEUE_URL !== undefined
      ? { kind: 'queue', queueUrl: e.PAGE_QUEUE_URL }
      : e.PAGERDUTY_ROUTING_KEY !== undefined
        ? {
            kind: 'pagerduty',
            routingKey: e.PAGERDUTY_ROUTING_KEY,
            eventsUrl: e.PAGERDUTY_EVENTS_URL,
          }
        : { kind: 'none' };
  const routes: RoutesConfig =
    e.ROUTES_FILE !== undefined
      ? { kind: 'file', path: resolve(cwd, e.ROUTES_FILE) }
      : e.ROUTES_PARAMETER !== undefined
        ? { kind: 'parameter', name: e.ROUTES_PARAMETER }
        : { kind: 'defaults' };

  const tables: TableNames = {
    findings: e.FINDINGS_TABLE,
    audit: e.AUDIT_TABLE,
    idempotency: e.IDEMPOTENCY_TABLE,
    health: e.HEALTH_TABLE,
  };
  const storeSetting =
    e.STORE ?? (e.AWS_LAMBDA_FUNCTION_NAME === undefined ? 'local:.local/store' : 'dynamodb');
  const store: StoreConfig =
    storeSetting === 'dynamodb'
      ? { kind: 'dynamodb', tables }
      : { kind: 'local', dir: resolve(cwd, storeSetting.slice('local:'.length)), tables };
  const auditAnchors: AuditAnchorsConfig =
    e.AUDIT_ANCHOR_BUCKET !== undefined
      ? { kind: 's3', bucket: e.AUDIT_ANCHOR_BUCKET }
      : store.kind === 'local'
        ? { kind: 'file', path: join(store.dir, 'audit-anchors.jsonl') }
        : { kind: 'none' };
  const ipInsights: IpInsightsConfig =
    e.IPINSIGHTS_MODEL !== undefined
      ? { kind: 'model', location: e.IPINSIGHTS_MODEL }
      : e.IPINSIGHTS_ENDPOINT !== undefined
        ? { kind: 'endpoint', endpointName: e.IPINSIGHTS_ENDPOINT }
        : { kind: 'none' };
  return {
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET ?? '',
      botToken: e.SLACK_BOT_TOKEN ?? '',
      ...(e.SLACK_APP_TOKEN === undefined ? {} : { appToken: e.SLACK_APP_TOKEN }),
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      channelId: e.SLACK_CHANNEL_ID ?? '',
    },
    responders: {
      users: e.RESPONDERS.filter((id) => !id.startsWith('S')),
      groups: e.RESPONDERS.filter((id) => id.startsWith('S')),
    },
    viewers: {
      users: e.VIEWERS.filter((id) => !id.startsWith('S')),
      groups: e.VIEWERS.filter((id) => id.startsWith('S')),
    },
    minSeverity: e.MIN_SEVERITY,
    routes,
    paging,
    ipInsights,
    store,
    auditAnchors,
    dryRun: e.DRY_RUN === 'true' || e.DRY_RUN === '1',
    protectedPrincipals: e.PROTECTED_PRINCIPALS,
    ipLists: {
      ...(e.LISTS_BUCKET === undefined ? {} : { bucket: e.LISTS_BUCKET }),
      egress: e.EGRESS_ADDRESSES,
      defaultRegion: e.AWS_REGION ?? 'us-east-1',
    },
    port: e.PORT,
    organization: {
      ...(e.ADMIN_ACCOUNT_ID === undefined ? {} : { adminAccountId: e.ADMIN_ACCOUNT_ID }),
      ...(e.MEMBER_ROLE_NAME === undefined ? {} : { memberRoleName: e.MEMBER_ROLE_NAME }),
      ...(e.MEMBER_ROLE_EXTERNAL_ID === undefined ? {} : { externalId: e.MEMBER_ROLE_EXTERNAL_ID }),
      accounts:
        e.ACCOUNTS_FILE !== undefined
          ? { kind: 'file', path: resolve(cwd, e.ACCOUNTS_FILE) }
          : e.ACCOUNTS_PARAMETER !== undefined
            ? { kind: 'parameter', name: e.ACCOUNTS_PARAMETER }
            : { kind: 'none' },
    },
    ...(e.WORKER_FUNCTION_NAME === undefined ? {} : { workerFunctionName: e.WORKER_FUNCTION_NAME }),
    ...(e.DIGEST_FUNCTION_NAME === undefined ? {} : { digestFunctionName: e.DIGEST_FUNCTION_NAME }),
    canary: {
      regions: [
        ...new Set([...(e.AWS_REGION === undefined ? [] : [e.AWS_REGION]), ...e.CANARY_REGIONS]),
      ],
      findingType: e.CANARY_FINDING_TYPE,
      delayMs: e.CANARY_DELAY_MINUTES * 60_000,
      findingsRule: e.FINDINGS_RULE,
      forwarderRule: e.FORWARDER_RULE,
      modelMaxAgeDays: e.MODEL_MAX_AGE_DAYS,
      deadLetterQueues: e.DEAD_LETTER_QUEUES,
      ...(e.CANARY_FUNCTION_NAME === undefined ? {} : { functionName: e.CANARY_FUNCTION_NAME }),
      ...(e.STACK_NAME === undefined ? {} : { stackName: e.STACK_NAME }),
    },
    retraining: {
      ...(e.RETRAINING_CLOUDTRAIL === undefined ? {} : { cloudTrail: e.RETRAINING_CLOUDTRAIL }),
      windowDays: e.RETRAINING_WINDOW_DAYS,
      maxBytes: e.RETRAINING_MAX_BYTES,
      refreshMs: e.MODEL_REFRESH_MINUTES * 60_000,
      publishesModel: e.IPINSIGHTS_MODEL_RETRAINED === 'true',
      ...(e.RETRAINING_ATHENA_DATABASE === undefined ||
      e.RETRAINING_ATHENA_TABLE === undefined ||
      e.RETRAINING_STAGING === undefined ||
      e.RETRAINING_SAGEMAKER_ROLE === undefined
        ? {}
        : {
            distributed: {
              region: e.AWS_REGION ?? 'us-east-1',
              database: e.RETRAINING_ATHENA_DATABASE,
              table: e.RETRAINING_ATHENA_TABLE,
              workGroup: e.RETRAINING_ATHENA_WORKGROUP,
              ...(e.RETRAINING_ATHENA_PARTITION_COLUMN === undefined
                ? {}
                : { partitionColumn: e.RETRAINING_ATHENA_PARTITION_COLUMN }),
              staging: e.RETRAINING_STAGING,
              roleArn: e.RETRAINING_SAGEMAKER_ROLE,
              trainingInstanceType: e.RETRAINING_TRAINING_INSTANCE,
              endpointInstanceType: e.RETRAINING_ENDPOINT_INSTANCE,
              expectedEntities: e.RETRAINING_EXPECTED_ENTITIES,
            },
          }),
    },
  };
}
