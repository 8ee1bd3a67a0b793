import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, resourcesOfType, type Json, type Stack } from '../../../harness/deploy/cfn';
import {
  ROOT,
  valueOf,
  type LambdaFunction,
  type Statement,
} from '../../../harness/deploy/functions';
import { awsCallsInSource, type AwsCall } from './sdkCalls';

/** The AWS calls the source files of one bundle make. */
export function awsCallsOfBundle(sourceFiles: readonly string[]): AwsCall[] {
  return sourceFiles.flatMap((file) =>
    awsCallsInSource(file, readFileSync(join(ROOT, file), 'utf8')),
  );
}

/**
 * Whether a statement is what the Lambda platform itself needs from the function's role rather
 * than a call the code makes: writing the function's own logs, and sending a failed asynchronous
 * invocation to its own on-failure queue.
 */
const SQS_EVENT_SOURCE_ACTIONS = new Set([
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
]);

/** The ARNs of the SQS queues a function's `Events` read (its event source mappings). */
export function eventSourceQueues(stack: Stack, fn: LambdaFunction): string[] {
  const events = fn.properties.Events;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) return [];
  return Object.values(
    events as Record<string, { Type?: unknown; Properties?: { Queue?: unknown } }>,
  )
    .filter((event) => event.Type === 'SQS')
    .map((event) => String(evaluate(stack, event.Properties?.Queue as Json)));
}

export function isPlatformStatement(stack: Stack, fn: LambdaFunction, statement: Statement) {
  const logs = fn.logGroupId === undefined ? undefined : valueOf(stack, fn.logGroupId, 'Arn');
  const queue =
    fn.onFailureQueueId === undefined ? undefined : valueOf(stack, fn.onFailureQueueId, 'Arn');
  const ownLogs =
    statement.Action.every((a) => a === 'logs:CreateLogStream' || a === 'logs:PutLogEvents') &&
    statement.Resource.every((r) => r === logs);
  const ownQueue =
    statement.Action.every((a) => a === 'sqs:SendMessage') &&
    statement.Resource.every((r) => r === queue);
  // Lambda reads an SQS event source with the function's role.
  const sources = eventSourceQueues(stack, fn);
  const readsSource =
    statement.Action.every((a) => SQS_EVENT_SOURCE_ACTIONS.has(a)) &&
    statement.Resource.every((r) => sources.includes(r));
  return ownLogs || ownQueue || readsSource;
}

/** Actions an Allow statement of the function's role grants for the code (platform ones aside). */
export function grantedActions(stack: Stack, fn: LambdaFunction): Set<string> {
  return new Set(
    fn.statements
      .filter((s) => s.Effect === 'Allow' && !isPlatformStatement(stack, fn, s))
      .flatMap((s) => s.Action),
  );
}

/** `arn:partition:service:region:account:resource` → its parts. */
export function parseArn(arn: string) {
  const match = /^arn:aws:([a-z0-9-]+):([a-z0-9-]*|\*):(\d{12}|):(.+)$/.exec(arn);
  if (match === null) return undefined;
  const [, service = '', region = '', account = '', resource = ''] = match;
  return { service, region, account, resource };
}

/** Table ARNs (and their index ARNs) of the stack, by logical id. */
export function tableArns(stack: Stack): Map<string, string> {
  return new Map(
    resourcesOfType(stack, 'AWS::DynamoDB::Table').map(([id]) => [id, valueOf(stack, id, 'Arn')]),
  );
}

/** The logical id of the table an ARN (or `ARN/index/*`) belongs to. */
export function tableOfArn(stack: Stack, arn: string): string | undefined {
  for (const [id, tableArn] of tableArns(stack)) {
    if (arn === tableArn || arn.startsWith(`${tableArn}/index/`)) return id;
  }
  return undefined;
}

/**
 * Actions whose resource type is optional, granted on "*" only with the condition that scopes
 * them instead: publishing a metric names no resource, its namespace is the condition key.
 */
const SCOPED_BY_CONDITION: Readonly<Record<string, string>> = {
  'cloudwatch:PutMetricData': 'cloudwatch:namespace',
};

/** The regions a statement is limited to by `aws:RequestedRegion`, if it is. */
function requestedRegions(statement: Statement): string[] | undefined {
  const equals = statement.Condition?.StringEquals;
  if (typeof equals !== 'object' || equals === null || Array.isArray(equals)) return undefined;
  const value = (equals as Record<string, unknown>)['aws:RequestedRegion'];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

function conditionNames(statement: Statement, key: string): boolean {
  return Object.values(statement.Condition ?? {}).some(
    (operator) => typeof operator === 'object' && operator !== null && key in operator,
  );
}

/**
 * Problems with where one Allow statement points; empty when it is scoped as it should be.
 * `wildcardOnly`: the actions the Service Authorization Reference gives no resource type (IAM
 * accepts only `Resource: "*"` for them; `isWildcardOnly` in ./iamSimulation reads it).
 */
export function scopeProblems(
  stack: Stack,
  fn: LambdaFunction,
  statement: Statement,
  wildcardOnly: ReadonlySet<string>,
): string[] {
  const where = `${fn.logicalId} ${statement.Sid ?? '(no Sid)'}`;
  const problems: string[] = [];
  const wildcardActions = statement.Action.filter((a) => a.includes('*'));
  if (wildcardActions.length > 0)
    problems.push(`${where}: wildcard action ${wildcardActions.join(', ')}`);
  const misplaced = statement.Action.filter((a) => wildcardOnly.has(a));
  if (misplaced.length > 0 && statement.Resource.some((r) => r !== '*')) {
    problems.push(`${where}: ${misplaced.join(', ')} take no resource type: only "*" is granted`);
  }
  if (statement.Resource.includes('*')) {
    const scopable = statement.Action.filter(
      (a) =>
        !wildcardOnly.has(a) &&
        !(
          SCOPED_BY_CONDITION[a] !== undefined && conditionNames(statement, SCOPED_BY_CONDITION[a])
        ),
    );
    if (scopable.length > 0) problems.push(`${where}: Resource "*" for ${scopable.join(', ')}`);
    return problems;
  }
  const functionArns = resourcesOfType(stack, 'AWS::Serverless::Function').map(([id]) =>
    valueOf(stack, id, 'Arn'),
  );
  const secretArns = resourcesOfType(stack, 'AWS::SecretsManager::Secret').map(([id]) =>
    valueOf(stack, id),
  );
  for (const action of statement.Action) {
    const service = action.split(':')[0] ?? '';
    for (const resource of statement.Resource) {
      const arn = parseArn(resource);
      if (arn === undefined) {
        problems.push(`${where}: ${resource} is not an ARN`);
        continue;
      }
      if (arn.service !== service) {
        problems.push(`${where}: ${action} on a ${arn.service} resource (${resource})`);
      }
      // Global services and S3 have no region or account in their ARNs, EC2 snapshots no account
      // (they are addressed by id across accounts); everything else is pinned to the stack's.
      const regional = !['iam', 's3'].includes(arn.service);
      const account =
        arn.service === 'ec2' && arn.resource.startsWith('snapshot/') ? '' : stack.accountId;
      // The worker acts on a finding in the finding's region (region-forwarder.yaml sends every
      // region's findings home): its GuardDuty filters and EC2 writes, in the stack's account.
      const anyRegion =
        fn.logicalId === 'WorkerFunction' &&
        arn.region === '*' &&
        ['guardduty', 'ec2'].includes(arn.service);
      // Any region, only when the statement names the regions it is for (the canary's).
      const regions = requestedRegions(statement);
      const regionOk =
        arn.region === stack.region || anyRegion || (arn.region === '*' && regions !== undefined);
      if (regional && (!regionOk || arn.account !== account)) {
        problems.push(`${where}: ${resource} is not pinned to the stack's account and region`);
      }
      if (service === 'dynamodb' && tableOfArn(stack, resource) === undefined) {
        problems.push(`${where}: ${action} on ${resource}, not a table of this stack`);
      }
      if (service === 'secretsmanager' && !secretArns.includes(resource)) {
        problems.push(`${where}: ${action} on ${resource}, not the stack's secret`);
      }
      if (service === 'lambda' && !functionArns.includes(resource)) {
        problems.push(`${where}: ${action} on ${resource}, not a function of this stack`);
      }
    }
  }
  return problems;
}
