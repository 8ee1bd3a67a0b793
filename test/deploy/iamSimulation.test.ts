import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate, stackOf, type Stack } from '../../harness/deploy/cfn';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { lambdaFunctions, ROOT, valueOf, type Statement } from '../../harness/deploy/functions';
import { fixtureFinding } from '../../harness/fixtures';
import { revokeSessionsPlanner } from '../../src/actions/plans/roleSessions';
import type { PlanContext } from '../../src/actions/plans/types';
import { awsCallsOfBundle } from './support/grants';
import {
  decide,
  decideFor,
  isWildcardOnly,
  simulatedRole,
  type Decision,
  type Request,
  type SimulatedRole,
} from './support/iamSimulation';
import {
  arnOf,
  ATHENA_DATABASE,
  ATHENA_TABLE,
  CANARY_OTHER_REGION,
  DETECTOR,
  REQUESTS,
  RETRAINING_JOB,
  requestApplies,
  revocationPolicyArn,
  TRAIL_BUCKET,
  TRAIL_PREFIX,
  type FunctionRequest,
} from './support/requests';
import { COMPANION_ACTIONS } from './support/sdkCalls';

/**
 * The grants, proven with IAM's evaluation logic and the Service Authorization Reference: every
 * request each function sends is Allowed by its role as CloudFormation would create it; every
 * grant (action and resource) is used by one of them; what the roles must never do is Denied, for
 * short and long stack names. The table of results is kept in test-output/iam-simulation.md.
 */

const template = loadTemplate(join(ROOT, 'template.yaml'));
const RETRAINS = { RetrainingTrailBucket: TRAIL_BUCKET, RetrainingTrailPrefix: TRAIL_PREFIX };
const RETRAINS_ENDPOINT = {
  ...RETRAINS,
  IpInsightsEndpoint: 'ip-insights',
  RetrainingAthenaDatabase: ATHENA_DATABASE,
  RetrainingAthenaTable: ATHENA_TABLE,
};
const live = (overrides: Record<string, string> = {}, stackName?: string): Stack => ({
  ...stackOf(template, { DryRun: 'false', ...overrides }),
  ...(stackName === undefined ? {} : { stackName }),
});
const SCENARIOS: readonly [string, Stack][] = [
  ['live', live()],
  ['live, S3 model', live({ IpInsightsModel: 's3://models-bucket/ipinsights/model.ipi' })],
  ['live, SageMaker endpoint', live({ IpInsightsEndpoint: 'ip-insights' })],
  [
    'live, organization',
    live({ MemberRoleName: 'guardduty-chatops-member', OrganizationsAccess: 'true' }),
  ],
  ['dry run, organization', stackOf(template, { MemberRoleName: 'guardduty-chatops-member' })],
  ['live, canary in two regions', live({ CanaryRegions: CANARY_OTHER_REGION })],
  ['live, retraining into the stack’s model bucket', live(RETRAINS)],
  [
    'live, retraining the user’s model',
    live({ ...RETRAINS, IpInsightsModel: 's3://models-bucket/ipinsights/model.ipi' }),
  ],
  ['live, retraining the endpoint with Athena and SageMaker', live(RETRAINS_ENDPOINT)],
  ['dry run (the default)', stackOf(template)],
];
const SHORT_NAME = 'gd-chatops-prod-1';
const LONG_NAME = 'guardduty-chatops-security-operations-eu-west-1-production-1';

interface Row {
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  readonly context: string;
  readonly expected: 'Allowed' | 'Denied';
  readonly result: Decision;
}
const rows: Row[] = [];

let build: BuildOutput;
beforeAll(() => {
  build = buildBundles();
});
afterAll(() => {
  build.remove();
  const dir = join(ROOT, 'test-output');
  mkdirSync(dir, { recursive: true });
  const lines = [
    '# IAM simulation (template.yaml, live stack unless said)',
    '',
    '| role | action | resource | context | expected | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.role} | ${r.action} | \`${r.resource}\` | ${r.context === '' ? '' : `\`${r.context}\``} | ${r.expected} | ${r.result} |`,
    ),
  ];
  writeFileSync(join(dir, 'iam-simulation.md'), `${lines.join('\n')}\n`);
});

const roleOf = (stack: Stack, logicalId: string): SimulatedRole => {
  const fn = lambdaFunctions(stack).find((f) => f.logicalId === logicalId)!;
  return simulatedRole(stack, fn.roleId!);
};

/** The request as AWS receives it; an action without a resource type names "*" (iam-data). */
async function requestOf(stack: Stack, entry: FunctionRequest): Promise<Request> {
  const wildcardOnly = await isWildcardOnly(entry.action);
  if (wildcardOnly !== (entry.resource === undefined)) {
    throw new Error(
      `${entry.action}: the reference says it ${wildcardOnly ? 'has no' : 'has a'} resource type; fix test/deploy/support/requests.ts`,
    );
  }
  return {
    action: entry.action,
    resource: entry.resource?.(stack) ?? '*',
    ...(entry.context === undefined ? {} : { context: entry.context(stack) }),
  };
}

async function record(
  stack: Stack,
  role: SimulatedRole,
  request: Request,
  expected: 'Allowed' | 'Denied',
  scenario: string,
): Promise<Decision> {
  const result = await decideFor(stack, role, request);
  const context = Object.entries(request.context ?? {})
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : value.join(',')}`)
    .join(' ');
  rows.push({
    role: `${role.logicalId}${scenario === 'live' ? '' : ` (${scenario})`}`,
    action: request.action,
    resource: request.resource,
    context,
    expected,
    result,
  });
  return result;
}

const verdict = (decision: Decision) => (decision === 'Allowed' ? 'Allowed' : 'Denied');

describe('every request a function sends is Allowed by its role', () => {
  test.each(SCENARIOS)('%s', async (scenario, stack) => {
    const wrong: string[] = [];
    for (const fn of lambdaFunctions(stack)) {
      const role = roleOf(stack, fn.logicalId);
      for (const entry of REQUESTS[fn.logicalId] ?? []) {
        if (!requestApplies(stack, entry)) continue;
        const request = await requestOf(stack, entry);
        const expected =
          entry.live === true && stack.parameters.DryRun !== 'false' ? 'Denied' : 'Allowed';
        // The table shows each scenario's differences only: the base live stack in full.
        const decision =
          scenario === 'live' || entry.when !== undefined || expected === 'Denied'
            ? await record(stack, role, request, expected, scenario)
            : await decideFor(stack, role, request);
        if (verdict(decision) !== expected) {
          wrong.push(
            `${fn.logicalId} ${request.action} ${request.resource}: ${decision} (${entry.why})`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the requests are the code’s, and every grant is used', () => {
  test('each function’s requests are exactly the SDK commands its bundle holds', () => {
    const problems: string[] = [];
    for (const fn of lambdaFunctions(SCENARIOS[0]![1])) {
      const derived = new Set(awsCallsOfBundle(build.sourceFiles(fn.name)).map((c) => c.action));
      const companions = new Set([...derived].flatMap((a) => COMPANION_ACTIONS[a] ?? []));
      const listed = new Set(
        (REQUESTS[fn.logicalId] ?? []).filter((r) => r.platform !== true).map((r) => r.action),
      );
      for (const action of derived) {
        if (!listed.has(action)) problems.push(`${fn.logicalId} sends ${action}, not simulated`);
      }
      for (const action of listed) {
        if (!derived.has(action) && !companions.has(action)) {
          problems.push(`${fn.logicalId}: ${action} is simulated, but its bundle never sends it`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(SCENARIOS)(
    'every granted action and resource serves a request (%s)',
    async (_, stack) => {
      const unused: string[] = [];
      for (const fn of lambdaFunctions(stack)) {
        const role = roleOf(stack, fn.logicalId);
        const requests = await Promise.all(
          (REQUESTS[fn.logicalId] ?? [])
            .filter((entry) => requestApplies(stack, entry))
            .map((entry) => requestOf(stack, entry)),
        );
        for (const statement of role.statements.filter((s) => s.Effect === 'Allow')) {
          for (const action of statement.Action) {
            for (const resource of statement.Resource) {
              const alone: Statement = { ...statement, Action: [action], Resource: [resource] };
              let used = false;
              for (const request of requests.filter((r) => r.action === action)) {
                if ((await decide(stack, role.arn, [alone], request)) === 'Allowed') used = true;
              }
              if (!used)
                unused.push(`${fn.logicalId} ${statement.Sid ?? ''}: ${action} on ${resource}`);
            }
          }
        }
      }
      expect(unused).toEqual([]);
    },
  );
});

/** What no role of the stack may ever do, whatever its code says. */
function mustDeny(stack: Stack): [string, Request, string][] {
  const ownRoles = [
    'FindingsRole',
    'SlackRole',
    'WorkerRole',
    'CanaryRole',
    'SchedulerRole',
    'RetrainingRole',
  ].map((id) => simulatedRole(stack, id).arn);
  const roles = [
    arnOf.iam(stack, 'role/OrganizationAccountAccessRole'),
    arnOf.iam(stack, 'role/service-role/ci-deployer'),
    ...ownRoles,
  ];
  const protectedTag = { 'aws:ResourceTag/guardduty-chatops:protected': 'true' };
  const worker = (
    action: string,
    resource: string,
    context = {},
    why = '',
  ): [string, Request, string] => ['WorkerRole', { action, resource, context }, why];
  const slackWrite = (action: string, key: string): [string, Request, string] => [
    'SlackRole',
    {
      action,
      resource: arnOf.table(stack, 'IdempotencyTable'),
      context: { 'dynamodb:LeadingKeys': [key] },
    },
    '',
  ];
  const anchors = valueOf(stack, 'AuditAnchorBucket', 'Arn');
  const canary = (
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ): [string, Request, string] => ['CanaryRole', { action, resource, context }, ''];
  const home = { 'aws:RequestedRegion': stack.region };
  const detector = arnOf.guardduty(stack, `detector/${DETECTOR}`);
  const canaryMustDeny: [string, Request, string][] = [
    // CreateSampleFindings is its one write: nothing else in GuardDuty…
    ...['UpdateDetector', 'DeleteDetector'].map((action) =>
      canary(`guardduty:${action}`, detector, home),
    ),
    ...['CreateFilter', 'UpdateFilter', 'DeleteFilter'].map((action) =>
      canary(`guardduty:${action}`, `${detector}/filter/guardduty-chatops-0f1e2d3c4b5a6978`, home),
    ),
    ...['ArchiveFindings', 'UpdateFindingsFeedback', 'CreateDetector'].map((action) =>
      canary(`guardduty:${action}`, '*', home),
    ),
    // …nor in a region it does not watch,
    canary('guardduty:CreateSampleFindings', '*', { 'aws:RequestedRegion': 'ap-southeast-2' }),
    canary(
      'guardduty:GetDetector',
      `arn:aws:guardduty:ap-southeast-2:${stack.accountId}:detector/${DETECTOR}`,
      { 'aws:RequestedRegion': 'ap-southeast-2' },
    ),
    // the rules it reads, the queues it counts,
    ...['DisableRule', 'EnableRule', 'PutRule', 'DeleteRule', 'PutTargets', 'RemoveTargets'].map(
      (action) => canary(`events:${action}`, valueOf(stack, 'FindingsRule', 'Arn')),
    ),
    ...['ReceiveMessage', 'DeleteMessage', 'PurgeQueue', 'SetQueueAttributes'].map((action) =>
      canary(`sqs:${action}`, valueOf(stack, 'FindingsDeadLetterQueue', 'Arn')),
    ),
    // another namespace's metrics, the other tables, and health records not its own.
    canary('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': 'AWS/Lambda' }),
    canary(
      'cloudwatch:DeleteAlarms',
      `arn:aws:cloudwatch:${stack.region}:${stack.accountId}:alarm:CanaryFailingAlarm`,
    ),
    ...['FindingsTable', 'AuditTable', 'IdempotencyTable'].map((table) =>
      canary('dynamodb:PutItem', arnOf.table(stack, table), {
        'dynamodb:LeadingKeys': ['intent#x'],
      }),
    ),
    canary('dynamodb:PutItem', arnOf.table(stack, 'HealthTable'), {
      'dynamodb:LeadingKeys': ['expiries'],
    }),
    canary('dynamodb:DeleteItem', arnOf.table(stack, 'HealthTable'), {
      'dynamodb:LeadingKeys': ['region#eu-west-1'],
    }),
    canary('s3:PutObject', 'arn:aws:s3:::models-bucket/ipinsights/model.ipi'),
    canary('lambda:InvokeFunction', valueOf(stack, 'WorkerFunction', 'Arn')),
    canary('iam:PassRole', ownRoles[2]!),
    // The findings function's canary grant is arrivals only.
    [
      'FindingsRole',
      {
        action: 'dynamodb:UpdateItem',
        resource: arnOf.table(stack, 'HealthTable'),
        context: { 'dynamodb:LeadingKeys': ['region#eu-west-1'] },
      },
      '',
    ],
  ];
  return [
    ...canaryMustDeny,
    ...roles.flatMap((role) =>
      ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRolePolicy'].map((action) =>
        worker(
          action,
          role,
          action === 'iam:AttachRolePolicy'
            ? { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }
            : {},
        ),
      ),
    ),
    ...ownRoles.flatMap((role) =>
      ['iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'].map((action) =>
        worker(action, role, { 'iam:PermissionsBoundary': revocationPolicyArn(stack) }),
      ),
    ),
    worker('iam:PutRolePermissionsBoundary', arnOf.iam(stack, 'role/ec2-app'), {
      'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
    worker('iam:DeleteRolePermissionsBoundary', arnOf.iam(stack, 'role/developer-app'), {
      'iam:PermissionsBoundary': arnOf.iam(stack, 'policy/developer-boundary'),
    }),
    worker('iam:PutRolePermissionsBoundary', arnOf.iam(stack, 'role/break-glass'), {
      'iam:PermissionsBoundary': revocationPolicyArn(stack),
      ...protectedTag,
    }),
    worker('iam:AttachRolePolicy', arnOf.iam(stack, 'role/ec2-app'), {
      'iam:PolicyARN': revocationPolicyArn(stack),
    }),
    worker('iam:CreatePolicyVersion', revocationPolicyArn(stack)),
    worker('iam:UpdateAccessKey', arnOf.iam(stack, 'user/admin'), protectedTag),
    worker('iam:CreateAccessKey', arnOf.iam(stack, 'user/ci-bot')),
    worker('iam:PassRole', arnOf.iam(stack, 'role/ec2-app')),
    worker('iam:PassRole', ownRoles[2]!),
    worker(
      'guardduty:DeleteFilter',
      arnOf.guardduty(stack, `detector/${DETECTOR}/filter/someone-elses-filter`),
    ),
    worker(
      'guardduty:CreateFilter',
      arnOf.guardduty(stack, `detector/${DETECTOR}/filter/someone-elses-filter`),
    ),
    worker('guardduty:DeleteDetector', arnOf.guardduty(stack, `detector/${DETECTOR}`)),
    // The IP lists: only their two files, never deleted, never another bucket's object; sets
    // reloaded, never deleted; the inline policy of GuardDuty's own service-linked role only.
    worker('s3:PutObject', `${valueOf(stack, 'ListsBucket', 'Arn')}/elsewhere/x.txt`),
    worker(
      's3:DeleteObject',
      `${valueOf(stack, 'ListsBucket', 'Arn')}/threat-list/${stack.region}.txt`,
    ),
    worker('s3:PutObject', 'arn:aws:s3:::someone-elses-bucket/threat-list/us-east-1.txt'),
    worker(
      'guardduty:DeleteThreatIntelSet',
      arnOf.guardduty(
        stack,
        `detector/${DETECTOR}/threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90`,
      ),
    ),
    worker(
      'guardduty:UpdateThreatIntelSet',
      `arn:aws:guardduty:${stack.region}:999988887777:detector/${DETECTOR}/threatintelset/a1b2c3d4e5f60718293a4b5c6d7e8f90`,
    ),
    worker(
      'guardduty:DeleteIPSet',
      arnOf.guardduty(stack, `detector/${DETECTOR}/ipset/0f9e8d7c6b5a49382716a5b4c3d2e1f0`),
    ),
    worker(
      'iam:PutRolePolicy',
      arnOf.iam(
        stack,
        'role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway',
      ),
    ),
    worker('guardduty:UpdateDetector', arnOf.guardduty(stack, `detector/${DETECTOR}`)),
    worker('ec2:RevokeSecurityGroupEgress', arnOf.ec2(stack, 'security-group/sg-0untagged')),
    worker('ec2:CreateTags', arnOf.ec2(stack, 'security-group/sg-0web'), {
      'aws:TagKeys': ['guardduty-chatops:quarantine-group'],
      'aws:RequestTag/guardduty-chatops:quarantine-group': 'true',
    }),
    worker('ec2:DeleteTags', arnOf.ec2(stack, 'instance/i-0abcd1234ef567890'), {
      'aws:TagKeys': ['guardduty-chatops:protected'],
    }),
    worker(
      'ec2:ModifyNetworkInterfaceAttribute',
      arnOf.ec2(stack, 'instance/i-0protected'),
      protectedTag,
    ),
    // What the worker trusts is out of the internet-facing function's reach: the worker's runs,
    // the subjects' states with their undo details, and anything but a new intent.
    ...['run#intent#x', 'subject#quarantine#x', 'state#x'].flatMap((key) =>
      ['PutItem', 'UpdateItem', 'DeleteItem'].map((operation) =>
        slackWrite(`dynamodb:${operation}`, key),
      ),
    ),
    slackWrite('dynamodb:UpdateItem', 'intent#x'),
    slackWrite('dynamodb:DeleteItem', 'intent#x'),
    ['SlackRole', { action: 's3:DeleteObject', resource: `${anchors}/audit-anchors/x.json` }, ''],
    ['SlackRole', { action: 's3:ListBucketVersions', resource: anchors }, ''],
    [
      'WorkerRole',
      { action: 's3:DeleteObjectVersion', resource: `${anchors}/audit-anchors/x.json` },
      '',
    ],
    [
      'WorkerRole',
      { action: 's3:BypassGovernanceRetention', resource: `${anchors}/audit-anchors/x.json` },
      '',
    ],
    [
      'WorkerRole',
      { action: 'dynamodb:DeleteItem', resource: arnOf.table(stack, 'AuditTable') },
      '',
    ],
    [
      'WorkerRole',
      { action: 'dynamodb:UpdateItem', resource: arnOf.table(stack, 'AuditTable') },
      '',
    ],
    [
      'SlackRole',
      { action: 'dynamodb:PutItem', resource: arnOf.table(stack, 'FindingsTable') },
      '',
    ],
    [
      'SlackRole',
      { action: 'dynamodb:DeleteItem', resource: arnOf.table(stack, 'FindingsTable') },
      '',
    ],
    ['SlackRole', { action: 'guardduty:ArchiveFindings', resource: '*' }, ''],
    [
      'WorkerRole',
      { action: 'dynamodb:UpdateItem', resource: arnOf.table(stack, 'FindingsTable') },
      '',
    ],
    [
      'WorkerRole',
      { action: 'dynamodb:DeleteItem', resource: arnOf.table(stack, 'FindingsTable') },
      '',
    ],
  ];
}

describe('what the roles must never do is Denied', () => {
  test.each([
    [SHORT_NAME.length, SHORT_NAME],
    [LONG_NAME.length, LONG_NAME],
  ])('for a stack name of %i characters', async (_, stackName) => {
    const stack = live({}, stackName);
    const allowed: string[] = [];
    for (const [roleId, request] of mustDeny(stack)) {
      const decision = await record(
        stack,
        simulatedRole(stack, roleId),
        request,
        'Denied',
        `stack ${stackName}`,
      );
      if (decision === 'Allowed') allowed.push(`${roleId} ${request.action} ${request.resource}`);
    }
    expect(allowed).toEqual([]);
  });

  test('CloudFormation cuts the role names of a long stack: only the path still names them', () => {
    const arn = simulatedRole(live({}, LONG_NAME), 'WorkerRole').arn;
    expect(arn.length).toBeLessThan(
      `arn:aws:iam::123456789012:role/guardduty-chatops/${LONG_NAME}-WorkerRole`.length,
    );
    expect(arn).toMatch(/^arn:aws:iam::123456789012:role\/guardduty-chatops\//);
    expect(arn).not.toContain(`${LONG_NAME}-`);
  });
});

describe('the retraining reads the trail and writes new versions of the one model key, nothing else', () => {
  const USER_MODEL = 'arn:aws:s3:::models-bucket/ipinsights/model.ipi';
  test.each([
    ['the stack’s model bucket', live(RETRAINS)],
    [
      'the user’s model',
      live({ ...RETRAINS, IpInsightsModel: `s3://models-bucket/ipinsights/model.ipi` }),
    ],
  ])('%s', async (scenario, stack) => {
    const role = simulatedRole(stack, 'RetrainingRole');
    const ownBucket = scenario.startsWith('the stack');
    const model = ownBucket
      ? `${valueOf(stack, 'ModelBucket', 'Arn')}/ipinsights/model.ipim`
      : USER_MODEL;
    const modelBucket = model.slice(0, model.indexOf('/'));
    const trailObject = `arn:aws:s3:::${TRAIL_BUCKET}/${TRAIL_PREFIX}AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/21/a.json.gz`;
    const health = arnOf.table(stack, 'HealthTable');
    const denied: Request[] = [
      // The trail is read only, and only under its prefix.
      { action: 's3:PutObject', resource: trailObject },
      { action: 's3:DeleteObject', resource: trailObject },
      { action: 's3:GetObject', resource: `arn:aws:s3:::${TRAIL_BUCKET}/payroll/export.csv` },
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${TRAIL_BUCKET}`,
        context: { 's3:prefix': 'payroll/' },
      },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::another-bucket/org/a.json.gz' },
      // The model: no other key, no other bucket, never a version deleted or the bucket changed.
      { action: 's3:PutObject', resource: `${modelBucket}/ipinsights/other.ipim` },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::another-bucket/ipinsights/model.ipim' },
      { action: 's3:DeleteObject', resource: model },
      { action: 's3:DeleteObjectVersion', resource: model },
      { action: 's3:PutBucketVersioning', resource: modelBucket },
      { action: 's3:PutLifecycleConfiguration', resource: modelBucket },
      { action: 's3:PutBucketPolicy', resource: modelBucket },
      { action: 's3:PutObject', resource: `${valueOf(stack, 'AuditAnchorBucket', 'Arn')}/x.json` },
      // Its one record in the health table, no other record or table.
      {
        action: 'dynamodb:PutItem',
        resource: health,
        context: { 'dynamodb:LeadingKeys': ['region#eu-west-1'] },
      },
      {
        action: 'dynamodb:PutItem',
        resource: health,
        context: { 'dynamodb:LeadingKeys': ['expiries'] },
      },
      {
        action: 'dynamodb:DeleteItem',
        resource: health,
        context: { 'dynamodb:LeadingKeys': ['retraining'] },
      },
      {
        action: 'dynamodb:PutItem',
        resource: arnOf.table(stack, 'IdempotencyTable'),
        context: { 'dynamodb:LeadingKeys': ['intent#x'] },
      },
      // Nothing in GuardDuty, IAM or SageMaker; no other function's logs.
      { action: 'guardduty:ArchiveFindings', resource: '*' },
      {
        action: 'guardduty:CreateFilter',
        resource: arnOf.guardduty(stack, `detector/${DETECTOR}/filter/x`),
      },
      {
        action: 'guardduty:UpdateDetector',
        resource: arnOf.guardduty(stack, `detector/${DETECTOR}`),
      },
      { action: 'iam:PutRolePolicy', resource: role.arn },
      { action: 'iam:PassRole', resource: simulatedRole(stack, 'WorkerRole').arn },
      {
        action: 'sagemaker:CreateTrainingJob',
        resource: `arn:aws:sagemaker:${stack.region}:${stack.accountId}:training-job/x`,
      },
      { action: 'logs:PutLogEvents', resource: arnOf.logStream(stack, 'worker') },
    ];
    const allowed: string[] = [];
    for (const request of denied) {
      const decision = await record(stack, role, request, 'Denied', `retraining, ${scenario}`);
      if (decision === 'Allowed') allowed.push(`${request.action} ${request.resource}`);
    }
    expect(allowed).toEqual([]);
  });
});

describe('the revocation boundary', () => {
  test('denies the sessions issued before the click and lets later ones keep the role’s rights', async () => {
    const now = new Date('2026-11-21T14:02:00.000Z');
    const context = {
      finding: fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
      intent: { id: 'intent#f#revoke-sessions#ec2-app#v0' },
      now,
    } as unknown as PlanContext;
    const plan = revokeSessionsPlanner.plan(context, { roleName: 'ec2-app' });
    const boundary = JSON.parse(plan.calls[0]!.input.PolicyDocument as string) as unknown;
    const stack = live();
    const roleOwnRights: Statement[] = [
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::app-data/*'] },
    ];
    const read = (issued: string): Request => ({
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::app-data/report.csv',
      context: { 'aws:TokenIssueTime': issued },
    });
    const session = 'arn:aws:iam::123456789012:role/ec2-app';
    expect(
      await decide(stack, session, roleOwnRights, read('2026-11-21T13:59:00Z'), boundary),
    ).toBe('ImplicitlyDenied');
    expect(
      await decide(stack, session, roleOwnRights, read('2026-11-21T14:05:00Z'), boundary),
    ).toBe('Allowed');
    // A boundary grants nothing the role does not have already.
    expect(
      await decide(
        stack,
        session,
        roleOwnRights,
        {
          action: 'iam:CreateAccessKey',
          resource: arnOf.iam(stack, 'user/admin'),
          context: { 'aws:TokenIssueTime': '2026-11-21T14:05:00Z' },
        },
        boundary,
      ),
    ).toBe('ImplicitlyDenied');
  });
});

describe('the distributed retraining trains and swaps the stack’s endpoint, nothing else', () => {
  test.each([
    ['short stack name', live(RETRAINS_ENDPOINT, SHORT_NAME)],
    ['long stack name', live(RETRAINS_ENDPOINT, LONG_NAME)],
  ])('%s', async (scenario, stack) => {
    const role = simulatedRole(stack, 'RetrainingRole');
    const sageMaker = (resource: string) =>
      `arn:aws:sagemaker:${stack.region}:${stack.accountId}:${resource}`;
    const glue = (resource: string) =>
      `arn:aws:glue:${stack.region}:${stack.accountId}:${resource}`;
    const staging = valueOf(stack, 'RetrainingStagingBucket', 'Arn');
    const sageMakerRole = valueOf(stack, 'SageMakerRole', 'Arn');
    const denied: Request[] = [
      // The stack's endpoint is swapped, never deleted; no other endpoint is touched.
      { action: 'sagemaker:DeleteEndpoint', resource: sageMaker('endpoint/ip-insights') },
      { action: 'sagemaker:UpdateEndpoint', resource: sageMaker('endpoint/fraud-model') },
      { action: 'sagemaker:InvokeEndpoint', resource: sageMaker('endpoint/fraud-model') },
      { action: 'sagemaker:DeleteEndpoint', resource: sageMaker('endpoint/fraud-model') },
      { action: 'sagemaker:UpdateEndpoint', resource: sageMaker('endpoint-config/fraud-model') },
      { action: 'sagemaker:CreateTrainingJob', resource: sageMaker('training-job/mine') },
      {
        action: 'sagemaker:StopTrainingJob',
        resource: sageMaker(`training-job/${RETRAINING_JOB}`),
      },
      { action: 'sagemaker:DeleteModel', resource: sageMaker('model/fraud-model') },
      { action: 'sagemaker:CreateModel', resource: sageMaker('model/mine') },
      {
        action: 'sagemaker:CreateNotebookInstance',
        resource: sageMaker('notebook-instance/x'),
      },
      // Its SageMaker role goes to SageMaker only; no other role is passed.
      {
        action: 'iam:PassRole',
        resource: sageMakerRole,
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
      {
        action: 'iam:PassRole',
        resource: simulatedRole(stack, 'WorkerRole').arn,
        context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      },
      {
        action: 'iam:PassRole',
        resource: arnOf.iam(stack, 'role/OrganizationAccountAccessRole'),
        context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      },
      // Glue: the trail's table read, only the runs' tables created; nothing deleted or changed.
      { action: 'glue:DeleteTable', resource: glue(`table/${ATHENA_DATABASE}/${ATHENA_TABLE}`) },
      { action: 'glue:UpdateTable', resource: glue(`table/${ATHENA_DATABASE}/${ATHENA_TABLE}`) },
      { action: 'glue:CreateTable', resource: glue(`table/${ATHENA_DATABASE}/cloudtrail_org2`) },
      {
        action: 'glue:BatchCreatePartition',
        resource: glue(`table/${ATHENA_DATABASE}/${ATHENA_TABLE}`),
      },
      { action: 'glue:GetTable', resource: glue(`table/${ATHENA_DATABASE}/payroll`) },
      { action: 'glue:GetTable', resource: glue('table/hr/employees') },
      { action: 'glue:DeleteDatabase', resource: glue(`database/${ATHENA_DATABASE}`) },
      // Athena in its workgroup only.
      {
        action: 'athena:StartQueryExecution',
        resource: `arn:aws:athena:${stack.region}:${stack.accountId}:workgroup/finance`,
      },
      // S3: the trail is never written; staging under its prefix only.
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${TRAIL_BUCKET}/${TRAIL_PREFIX}AWSLogs/123456789012/CloudTrail/x.json.gz`,
      },
      { action: 's3:DeleteObject', resource: `${staging}/retraining/runs/x/train/a.gz` },
      { action: 's3:PutObject', resource: `${staging}/other/a.gz` },
      { action: 's3:PutBucketPolicy', resource: staging },
      { action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::another-bucket' },
      // Its one record: read and written, never another.
      {
        action: 'dynamodb:GetItem',
        resource: arnOf.table(stack, 'HealthTable'),
        context: { 'dynamodb:LeadingKeys': ['region#eu-west-1'] },
      },
    ];
    const allowed: string[] = [];
    for (const request of denied) {
      const decision = await record(
        stack,
        role,
        request,
        'Denied',
        `distributed retraining, ${scenario}`,
      );
      if (decision === 'Allowed') allowed.push(`${request.action} ${request.resource}`);
    }
    expect(allowed).toEqual([]);
  });
});
