import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { HEALTH_METRIC, HEALTH_NAMESPACE } from '../../src/aws/canaryProbes';
import { loadConfig } from '../../src/config';
import { DEFAULT_TABLE_NAMES, tableDefinitions } from '../../src/store/tables';
import { parseRoutes } from '../../src/routing/parseRoutes';
import { defaultRoutes } from '../../src/routing/routes';
import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { evaluate, loadTemplate, stackOf, type JsonObject } from '../../harness/deploy/cfn';
import { lambdaFunctions, ROOT, valueOf } from '../../harness/deploy/functions';

const template = loadTemplate(join(ROOT, 'template.yaml'));
const stack = stackOf(template);
const functions = lambdaFunctions(stack);
const resolved = (value: unknown) =>
  evaluate(stack, value as JsonObject) as Record<string, unknown>;
const properties = (id: string) => resolved(template.Resources[id]?.Properties ?? {});

let build: BuildOutput;
beforeAll(() => {
  build = buildBundles();
});
afterAll(() => build.remove());

/**
 * Loads a bundle in a fresh Node process with only its layers on NODE_PATH, as a cold start does.
 */
function exportedType(name: string, exportName: string): string {
  const script = `process.stdout.write(typeof require(${JSON.stringify(build.bundlePath(name))})[${JSON.stringify(exportName)}])`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: build.dir,
    env: { NODE_PATH: build.nodePath(name) },
  }).toString();
}

/** `src/handlers/*.ts` files that export a `handler`: each is a Lambda entry point. */
function handlerSources(): string[] {
  const dir = join(ROOT, 'src/handlers');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => {
      const code = readFileSync(join(dir, file), 'utf8');
      const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
      return source.statements.some(
        (statement) =>
          (ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement)) &&
          statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true &&
          (ts.isVariableStatement(statement)
            ? statement.declarationList.declarations.some((d) => d.name.getText() === 'handler')
            : statement.name?.text === 'handler'),
      );
    })
    .map((file) => `src/handlers/${file}`)
    .sort();
}

describe('handlers and bundles', () => {
  for (const fn of functions) {
    const title = `${fn.logicalId}: Handler ${fn.name}.${fn.exportName} is a function in the built bundle`;
    if (!fn.sourceExists) {
      test.skip(`${title} (${fn.entry} is not in this tree yet)`, () => undefined);
      continue;
    }
    test(title, () => {
      expect(statSync(build.bundlePath(fn.name)).isFile()).toBe(true);
      expect(exportedType(fn.name, fn.exportName)).toBe('function');
    });
  }

  test('every handler module in src/handlers has a function in the template', () => {
    const declared = functions.map((fn) => fn.entry);
    expect(handlerSources().filter((entry) => !declared.includes(entry))).toEqual([]);
  });

  test('functions run Node.js 22 on arm64, bundled by esbuild for node20 with source maps', () => {
    expect(template.Globals?.Function).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
    for (const fn of functions) {
      expect({ fn: fn.logicalId, metadata: template.Resources[fn.logicalId]?.Metadata }).toEqual({
        fn: fn.logicalId,
        metadata: {
          BuildMethod: 'esbuild',
          BuildProperties: {
            Minify: true,
            Target: 'node20',
            Sourcemap: true,
            EntryPoints: [fn.entry],
            // The Slack function's externals come from its layer (slackBundle.test.ts).
            ...(fn.logicalId === 'SlackFunction'
              ? { External: ['raw-body', '@slack/socket-mode'] }
              : {}),
          },
        },
      });
      expect(fn.properties.Runtime ?? 'global').toBe('global');
    }
  });

  test('the Slack function answers within Slack’s 3 s budget and the worker has room', () => {
    const timeouts = Object.fromEntries(
      functions.map((fn) => [fn.logicalId, fn.properties.Timeout]),
    );
    expect(timeouts).toEqual({
      CanaryFunction: 900,
      DigestFunction: 900,
      FindingsFunction: 120,
      PagerFunction: 50,
      // A window read, trained and gated: `npm run bench retraining` sizes it.
      RetrainingFunction: 900,
      SlackFunction: 10,
      WorkerFunction: 300,
    });
    // The canary waits for its sample (CanaryDelayMinutes, at most 13) within Lambda's 15 min.
    expect(template.Parameters.CanaryDelayMinutes).toMatchObject({ MaxValue: 13 });
  });
});

describe('findings delivery', () => {
  test('the EventBridge rule matches GuardDuty findings and targets the findings queue', () => {
    const rule = properties('FindingsRule');
    expect(rule.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
    });
    expect(rule.Targets).toEqual([
      {
        Id: 'findings-queue',
        Arn: valueOf(stack, 'FindingsQueue', 'Arn'),
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: valueOf(stack, 'FindingsDeadLetterQueue', 'Arn') },
      },
    ]);
  });

  test('the queue feeds the function in batches of ten, two at a time, and keeps what fails five times', () => {
    const findings = functions.find((fn) => fn.logicalId === 'FindingsFunction');
    expect(resolved(findings?.properties ?? {}).Events).toEqual({
      Findings: {
        Type: 'SQS',
        Properties: {
          Queue: valueOf(stack, 'FindingsQueue', 'Arn'),
          BatchSize: 10,
          MaximumBatchingWindowInSeconds: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 2 },
        },
      },
    });
    const queue = properties('FindingsQueue');
    // Lambda asks for a visibility timeout of six times the function's timeout.
    expect(queue.VisibilityTimeout).toBe(6 * Number(findings?.properties.Timeout));
    expect(queue.RedrivePolicy).toEqual({
      maxReceiveCount: 5,
      deadLetterTargetArn: valueOf(stack, 'FindingsDeadLetterQueue', 'Arn'),
    });
    expect(properties('FindingsBacklogAlarm')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: valueOf(stack, 'FindingsQueue', 'QueueName') }],
      Threshold: 900,
    });
  });

  test('only that rule may fill the queues', () => {
    expect(stack.template.Resources.FindingsRulePermission).toBeUndefined();
    expect((properties('FindingsQueuePolicy').PolicyDocument as JsonObject).Statement).toEqual([
      {
        Sid: 'GuardDutyFindings',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: valueOf(stack, 'FindingsQueue', 'Arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': valueOf(stack, 'FindingsRule', 'Arn') } },
      },
    ]);
    const policy = properties('FindingsDeadLetterQueuePolicy').PolicyDocument as JsonObject;
    expect(policy.Statement).toEqual([
      {
        Sid: 'EventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: valueOf(stack, 'FindingsDeadLetterQueue', 'Arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': valueOf(stack, 'FindingsRule', 'Arn') } },
      },
    ]);
  });

  test('failed asynchronous invocations are retried, then kept in a queue', () => {
    const configs = Object.fromEntries(
      functions.map((fn) => [fn.logicalId, resolved(fn.properties).EventInvokeConfig]),
    );
    expect(configs).toEqual({
      DigestFunction: {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: {
          OnFailure: { Type: 'SQS', Destination: valueOf(stack, 'DigestDeadLetterQueue', 'Arn') },
        },
      },
      // Fed by its queue, which retries and dead-letters.
      FindingsFunction: undefined,
      PagerFunction: undefined,
      SlackFunction: undefined,
      // The next scheduled run is the canary's retry.
      CanaryFunction: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900 },
      // Every run is recorded; the next schedule is the retry.
      RetrainingFunction: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900 },
      WorkerFunction: {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 600,
        DestinationConfig: {
          OnFailure: { Type: 'SQS', Destination: valueOf(stack, 'WorkerDeadLetterQueue', 'Arn') },
        },
      },
    });
  });
});

describe('tables', () => {
  const declared = (id: string) => {
    const table = properties(id);
    return {
      TableName: id,
      BillingMode: table.BillingMode,
      AttributeDefinitions: table.AttributeDefinitions,
      KeySchema: table.KeySchema,
      ...(table.GlobalSecondaryIndexes === undefined
        ? {}
        : { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes }),
    };
  };

  test('key schemas and indexes are the ones the code creates locally (src/store/tables.ts)', () => {
    const ids = {
      findings: 'FindingsTable',
      audit: 'AuditTable',
      idempotency: 'IdempotencyTable',
      health: 'HealthTable',
    };
    expect(Object.keys(ids).sort()).toEqual(Object.keys(DEFAULT_TABLE_NAMES).sort());
    expect([
      declared(ids.findings),
      declared(ids.audit),
      declared(ids.idempotency),
      declared(ids.health),
    ]).toEqual(tableDefinitions(ids));
  });

  test('the audit log has point-in-time recovery, deletion protection and outlives the stack', () => {
    const audit = template.Resources.AuditTable!;
    expect(audit).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(properties('AuditTable')).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('the idempotency table expires only what writes an expiry: the refusal counters', () => {
    // A TTL on an attribute no code writes would only look like cleanup; intents, runs and
    // subject states carry none and are kept.
    expect(properties('IdempotencyTable').TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
    const writers = [
      'src/store/dynamoRefusalLimiter.ts',
      'src/store/dynamoIntents.ts',
      'src/store/dynamoSubjectStates.ts',
    ];
    expect(
      writers.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('expiration')),
    ).toEqual(['src/store/dynamoRefusalLimiter.ts']);
  });
});

describe('configuration', () => {
  const secretValues = {
    SLACK_SIGNING_SECRET: 'signing-secret-template-test-0123456',
    SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  };
  const lambdaEnv = (env: Record<string, string>) => ({
    ...env,
    ...secretValues,
    AWS_LAMBDA_FUNCTION_NAME: 'fn',
  });

  test.each(functions.map((fn) => [fn.logicalId, fn] as const))(
    '%s: its environment is a valid configuration on DynamoDB with the stack’s tables',
    (_, fn) => {
      const config = loadConfig(lambdaEnv(fn.environment), ['slack', 'channel']);
      expect(config.store).toEqual({
        kind: 'dynamodb',
        tables: {
          findings: fn.environment.FINDINGS_TABLE ?? DEFAULT_TABLE_NAMES.findings,
          audit: fn.environment.AUDIT_TABLE ?? DEFAULT_TABLE_NAMES.audit,
          idempotency: fn.environment.IDEMPOTENCY_TABLE ?? DEFAULT_TABLE_NAMES.idempotency,
          health: fn.environment.HEALTH_TABLE ?? DEFAULT_TABLE_NAMES.health,
        },
      });
      expect(config.slack.channelId).toBe('C0SECURITY1');
      expect(config.minSeverity).toBe(0);
      // The retraining posts nothing to Slack: the global secret is emptied for it.
      expect(fn.environment.SLACK_SECRET_ARN).toBe(
        fn.logicalId === 'RetrainingFunction' ? '' : valueOf(stack, 'SlackSecret'),
      );
      // The functions that route or list the routes read them from the stack's parameter.
      if (fn.logicalId === 'FindingsFunction' || fn.logicalId === 'WorkerFunction') {
        expect(config.routes).toEqual({
          kind: 'parameter',
          name: valueOf(stack, 'RoutesParameter'),
        });
      }
    },
  );

  test('the parameters reach every function: dry run by default, live when set', () => {
    const live = stackOf(template, {
      DryRun: 'false',
      Responders: 'U0ALICE01,S0ONCALL1',
      ProtectedPrincipals: 'break-glass',
      MinSeverity: '7',
      IpInsightsModel: 's3://models-bucket/model.ipi',
    });
    const slack = lambdaFunctions(live).find((fn) => fn.logicalId === 'SlackFunction')!;
    const config = loadConfig(lambdaEnv(slack.environment));
    expect(config).toMatchObject({
      dryRun: false,
      responders: { users: ['U0ALICE01'], groups: ['S0ONCALL1'] },
      protectedPrincipals: ['break-glass'],
      minSeverity: 7,
      // The Slack function never scores: the worker and the findings function do.
      ipInsights: { kind: 'none' },
      workerFunctionName: valueOf(live, 'WorkerFunction'),
    });
    for (const name of ['FindingsFunction', 'WorkerFunction']) {
      const scoring = lambdaFunctions(live).find((fn) => fn.logicalId === name)!;
      expect(loadConfig(lambdaEnv(scoring.environment)).ipInsights).toEqual({
        kind: 'model',
        location: 's3://models-bucket/model.ipi',
      });
    }
    expect(template.Parameters.DryRun?.Default).toBe('true');
    for (const fn of functions.filter((f) => f.environment.DRY_RUN !== undefined)) {
      expect(loadConfig(lambdaEnv(fn.environment)).dryRun).toBe(true);
    }
  });

  test('every variable a function sets is read by the code it runs', () => {
    // Read by Node.js and Powertools rather than by our code.
    const platform = new Set(['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL']);
    const allSources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? allSources(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const unread = functions.flatMap((fn) => {
      const files = fn.sourceExists ? build.sourceFiles(fn.name) : allSources('src');
      const code = files.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
      return (
        Object.keys(fn.environment)
          // A global variable a function empties (SLACK_SECRET_ARN: '') is not set for it.
          .filter((name) => fn.environment[name] !== '')
          .filter((name) => !platform.has(name) && !new RegExp(`\\b${name}\\b`).test(code))
          .map((name) => `${fn.logicalId}: ${name}`)
      );
    });
    expect(unread).toEqual([]);
  });

  test('the secret starts as a placeholder in the shape src/aws/slackSecrets.ts reads', () => {
    const secret = JSON.parse(String(properties('SlackSecret').SecretString)) as object;
    expect(Object.keys(secret).sort()).toEqual(['botToken', 'signingSecret']);
    const code = readFileSync(join(ROOT, 'src/aws/slackSecrets.ts'), 'utf8');
    expect(code).toContain('signingSecret: z.string()');
    expect(code).toContain('botToken: z.string()');
  });
});

describe('Slack endpoint, detector and outputs', () => {
  test('Slack reaches the function at POST /slack/events, the URL the stack outputs', () => {
    const slack = functions.find((fn) => fn.logicalId === 'SlackFunction')!;
    expect(resolved(slack.properties).Events).toEqual({
      SlackEvents: {
        Type: 'HttpApi',
        Properties: {
          ApiId: 'SlackApi',
          Method: 'POST',
          Path: '/slack/events',
          PayloadFormatVersion: '2.0',
        },
      },
    });
    expect(resolved(template.Outputs.SlackRequestUrl).Value).toBe(
      'https://SlackApi.execute-api.eu-west-1.amazonaws.com/slack/events',
    );
  });

  test('a GuardDuty detector is created only when asked for', () => {
    const detectors = (createDetector: string) =>
      Object.entries(template.Resources).filter(
        ([, r]) =>
          r.Type === 'AWS::GuardDuty::Detector' &&
          (r.Condition === undefined ||
            evaluate(stackOf(template, { CreateDetector: createDetector }), {
              Condition: r.Condition,
            }) === true),
      );
    expect(detectors('false')).toEqual([]);
    expect(detectors('true').map(([id]) => id)).toEqual(['Detector']);
    expect(properties('Detector')).toEqual({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
    });
  });

  test('setting both a model and an endpoint is refused before anything is deployed', () => {
    const assertion = (template.Rules?.OneScorer as { Assertions: JsonObject[] }).Assertions[0]!;
    const holds = (parameters: Record<string, string>) =>
      evaluate(stackOf(template, parameters), assertion.Assert!);
    expect(holds({})).toBe(true);
    expect(holds({ IpInsightsModel: 's3://b/m' })).toBe(true);
    expect(holds({ IpInsightsEndpoint: 'ip-insights' })).toBe(true);
    expect(holds({ IpInsightsModel: 's3://b/m', IpInsightsEndpoint: 'ip-insights' })).toBe(false);
  });
});

describe('routes', () => {
  test('the routes parameter the stack creates holds a valid routing file: the defaults alone', () => {
    const value = template.Resources.RoutesParameter?.Properties?.Value as string;
    const table = parseRoutes(value, 'RoutesParameter', 'C0SECURITY1');
    expect(table.routes).toEqual(defaultRoutes('C0SECURITY1'));
  });
});

describe('paging', () => {
  const queueUrl = valueOf(stack, 'PageQueue');

  test('the page queue retries a delivery five times, then dead-letters it and the alarm fires', () => {
    expect(properties('PageQueue')).toMatchObject({
      VisibilityTimeout: 60,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    expect(evaluate(stack, properties('PageQueue').RedrivePolicy as JsonObject)).toMatchObject({
      deadLetterTargetArn: valueOf(stack, 'PageDeadLetterQueue', 'Arn'),
    });
    const pager = functions.find((fn) => fn.logicalId === 'PagerFunction')!;
    expect(pager.environment.PAGE_MAX_RECEIVES).toBe('5');
    const alarm = evaluate(stack, properties('PageDeadLetterAlarm') as JsonObject) as JsonObject;
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: valueOf(stack, 'PageDeadLetterQueue', 'QueueName') },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(pager.properties.Events).toEqual({
      PageRequests: {
        Type: 'SQS',
        Properties: {
          Queue: { 'Fn::GetAtt': ['PageQueue', 'Arn'] },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    });
  });

  test('only the pager reads the PagerDuty secret; the others page through the queue once enabled', () => {
    const off = lambdaFunctions(stack);
    const on = lambdaFunctions(stackOf(template, { PagerDutyEnabled: 'true' }));
    for (const fn of off) expect(fn.environment.PAGE_QUEUE_URL ?? '').toBe('');
    const producers = on.filter((fn) => fn.environment.PAGE_QUEUE_URL === queueUrl);
    expect(producers.map((fn) => fn.logicalId).sort()).toEqual([
      'DigestFunction',
      'FindingsFunction',
      'SlackFunction',
      'WorkerFunction',
    ]);
    for (const fn of on) {
      const env = { ...fn.environment, SLACK_BOT_TOKEN: 'xoxb-1', AWS_LAMBDA_FUNCTION_NAME: 'fn' };
      const config = loadConfig(env, ['slackBot', 'channel']);
      // The pager's routing key comes from its secret at cold start; the canary and the
      // retraining never page.
      const pages = !['PagerFunction', 'CanaryFunction', 'RetrainingFunction'].includes(
        fn.logicalId,
      );
      expect(config.paging.kind).toBe(pages ? 'queue' : 'none');
    }
    const secretReaders = on.filter((fn) =>
      fn.statements.some((s) => s.Resource.includes(valueOf(stack, 'PagerDutySecret'))),
    );
    expect(secretReaders.map((fn) => fn.logicalId)).toEqual(['PagerFunction']);
  });
});

describe('canary', () => {
  test('EventBridge Scheduler runs the canary at the configured rate, once per tick, no retry', () => {
    expect(properties('CanarySchedule')).toEqual({
      Description: 'guardduty-chatops canary run',
      ScheduleExpression: 'rate(60 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: valueOf(stack, 'CanaryFunction', 'Arn'),
        RoleArn: valueOf(stack, 'SchedulerRole', 'Arn'),
        Input: '{"trigger":"schedule"}',
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    const every15 = stackOf(template, { CanaryIntervalMinutes: '15' });
    expect(
      (evaluate(every15, template.Resources.CanarySchedule!.Properties!) as JsonObject)
        .ScheduleExpression,
    ).toBe('rate(15 minutes)');
  });

  test('the worker deletes expired suppression rules every hour, one run per tick', () => {
    expect(properties('ExpirySchedule')).toEqual({
      Description: 'guardduty-chatops suppression expiry',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: valueOf(stack, 'WorkerFunction', 'Arn'),
        RoleArn: valueOf(stack, 'SchedulerRole', 'Arn'),
        Input: '{"upkeep":"suppression-expiry"}',
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
  });

  test('only the scheduler of this account assumes the schedules’ role, and it may only invoke', () => {
    const role = properties('SchedulerRole');
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
        },
      ],
    });
    const statements = (role.Policies as { PolicyDocument: { Statement: JsonObject[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements.every((s) => s.Action === 'lambda:InvokeFunction')).toBe(true);
    expect(statements.flatMap((s) => s.Resource as string[])).toEqual([
      valueOf(stack, 'CanaryFunction', 'Arn'),
      valueOf(stack, 'WorkerFunction', 'Arn'),
      valueOf(stack, 'RetrainingFunction', 'Arn'),
    ]);
  });

  test('the alarms watch the metric the canary publishes: failing at once, silent for two hours', () => {
    const metric = {
      Namespace: HEALTH_NAMESPACE,
      MetricName: HEALTH_METRIC,
      Dimensions: [{ Name: 'Stack', Value: stack.stackName }],
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    };
    expect(properties('CanaryFailingAlarm')).toMatchObject({
      ...metric,
      Statistic: 'Minimum',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(properties('CanarySilentAlarm')).toMatchObject({
      ...metric,
      Statistic: 'SampleCount',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
    });
    // Every allowed interval puts at least one run in each hour the alarms read.
    const intervals = template.Parameters.CanaryIntervalMinutes?.AllowedValues as number[];
    expect(Math.max(...intervals)).toBeLessThanOrEqual(60);
    const canaryRole = lambdaFunctions(stack).find((fn) => fn.logicalId === 'CanaryFunction')!;
    expect(canaryRole.statements.find((s) => s.Sid === 'HealthMetric')?.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': HEALTH_NAMESPACE },
    });
  });

  test('the canary’s environment names the stack’s rule, queues and the settings', () => {
    const canary = functions.find((fn) => fn.logicalId === 'CanaryFunction')!;
    const config = loadConfig({
      ...canary.environment,
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      AWS_LAMBDA_FUNCTION_NAME: 'canary',
      AWS_REGION: stack.region,
    });
    expect(config.canary).toEqual({
      regions: [stack.region],
      findingType: 'UnauthorizedAccess:EC2/RDPBruteForce',
      delayMs: 600_000,
      findingsRule: valueOf(stack, 'FindingsRule'),
      forwarderRule: 'guardduty-chatops-forwarder',
      modelMaxAgeDays: 30,
      deadLetterQueues: [
        { name: 'findings', url: valueOf(stack, 'FindingsDeadLetterQueue') },
        { name: 'worker', url: valueOf(stack, 'WorkerDeadLetterQueue') },
        { name: 'pager', url: valueOf(stack, 'PageDeadLetterQueue') },
        { name: 'digest', url: valueOf(stack, 'DigestDeadLetterQueue') },
      ],
      stackName: stack.stackName,
    });
  });
});

describe('retraining', () => {
  const TRAIL = { RetrainingTrailBucket: 'org-trail-bucket', RetrainingTrailPrefix: 'org/' };
  const ATHENA = { RetrainingAthenaDatabase: 'security', RetrainingAthenaTable: 'cloudtrail_org' };
  const retraining = stackOf(template, TRAIL);
  const own = stackOf(template, {
    ...TRAIL,
    IpInsightsModel: 's3://models-bucket/ipinsights/model.ipi',
  });
  const resourcesOf = (s: typeof stack) =>
    Object.entries(s.template.Resources)
      .filter(([, r]) => r.Condition === undefined || evaluate(s, { Condition: r.Condition }))
      .map(([id]) => id);
  const env = (s: typeof stack, id: string) =>
    lambdaFunctions(s).find((fn) => fn.logicalId === id)!.environment;

  test('no trail: no schedule and no model bucket; the scorers read what they did before', () => {
    expect(resourcesOf(stack)).not.toContain('RetrainingSchedule');
    expect(resourcesOf(stack)).not.toContain('ModelBucket');
    expect(env(stack, 'FindingsFunction')).toMatchObject({
      IPINSIGHTS_MODEL: '',
      IPINSIGHTS_MODEL_RETRAINED: 'false',
      MODEL_REFRESH_MINUTES: '15',
    });
    expect(resourcesOf(own)).not.toContain('ModelBucket');
  });

  test('a trail: EventBridge Scheduler runs the retraining weekly by default, once per tick', () => {
    const schedule = evaluate(
      retraining,
      template.Resources.RetrainingSchedule!.Properties!,
    ) as JsonObject;
    expect(schedule).toEqual({
      Description: 'guardduty-chatops IP Insights retraining',
      ScheduleExpression: 'rate(7 days)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: valueOf(retraining, 'RetrainingFunction', 'Arn'),
        RoleArn: valueOf(retraining, 'SchedulerRole', 'Arn'),
        Input: '{"trigger":"schedule"}',
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    const daily = stackOf(template, { ...TRAIL, RetrainingRate: 'rate(1 day)' });
    expect(
      (evaluate(daily, template.Resources.RetrainingSchedule!.Properties!) as JsonObject)
        .ScheduleExpression,
    ).toBe('rate(1 day)');
    const pattern = new RegExp(template.Parameters.RetrainingRate!.AllowedPattern as string);
    expect(
      ['rate(7 days)', 'rate(1 day)', 'cron(0 3 ? * SUN *)'].every((r) => pattern.test(r)),
    ).toBe(true);
    expect(['7 days', 'rate(7 weeks)', ''].some((r) => pattern.test(r))).toBe(false);
  });

  test('the model bucket is versioned, encrypted, private and TLS only, and outlives the stack', () => {
    expect(resourcesOf(retraining)).toEqual(
      expect.arrayContaining(['ModelBucket', 'ModelBucketPolicy']),
    );
    const bucket = template.Resources.ModelBucket!;
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(evaluate(retraining, bucket.Properties!)).toEqual({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'OldModelVersions',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
          },
        ],
      },
    });
    const policy = evaluate(
      retraining,
      template.Resources.ModelBucketPolicy!.Properties!,
    ) as JsonObject;
    const arn = valueOf(retraining, 'ModelBucket', 'Arn');
    expect(policy.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  test('every function that reads the model reads the one the retraining publishes, and checks for a new version every ModelRefreshMinutes', () => {
    const model = `s3://${valueOf(retraining, 'ModelBucket')}/ipinsights/model.ipim`;
    const fast = stackOf(template, { ...TRAIL, ModelRefreshMinutes: '5' });
    for (const id of ['FindingsFunction', 'WorkerFunction', 'DigestFunction']) {
      const config = loadConfig(env(fast, id));
      expect(config.ipInsights).toEqual({ kind: 'model', location: model });
      expect(config.retraining).toMatchObject({ refreshMs: 300_000, publishesModel: true });
    }
    expect(env(retraining, 'CanaryFunction').IPINSIGHTS_MODEL).toBe(model);
    const fn = loadConfig(env(retraining, 'RetrainingFunction'));
    expect(fn.ipInsights).toEqual({ kind: 'model', location: model });
    expect(fn.retraining).toEqual({
      cloudTrail: 's3://org-trail-bucket/org/',
      windowDays: 30,
      maxBytes: 209_715_200,
      refreshMs: 900_000,
      publishesModel: false,
    });
    // The user's own model stays theirs: the retraining publishes new versions of it.
    for (const id of ['FindingsFunction', 'RetrainingFunction']) {
      expect(loadConfig(env(own, id)).ipInsights).toEqual({
        kind: 'model',
        location: 's3://models-bucket/ipinsights/model.ipi',
      });
    }
    expect(loadConfig(env(own, 'FindingsFunction')).retraining.publishesModel).toBe(false);
  });

  test('the trail is listed under its prefix only; a trail at the top of its bucket, anywhere in it', () => {
    const listing = (st: typeof stack) =>
      lambdaFunctions(st)
        .find((f) => f.logicalId === 'RetrainingFunction')!
        .statements.find((st2) => st2.Sid === 'TrailListing');
    expect(listing(retraining)).toEqual({
      Sid: 'TrailListing',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: ['arn:aws:s3:::org-trail-bucket'],
      Condition: { StringLike: { 's3:prefix': 'org/*' } },
    });
    expect(listing(stackOf(template, { RetrainingTrailBucket: 'org-trail-bucket' }))).toEqual({
      Sid: 'TrailListing',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: ['arn:aws:s3:::org-trail-bucket'],
    });
    expect(listing(stack)).toBeUndefined();
  });

  test('it has the memory of one full vCPU and the longest timeout Lambda allows', () => {
    const fn = lambdaFunctions(retraining).find((f) => f.logicalId === 'RetrainingFunction')!;
    expect(fn.properties).toMatchObject({ MemorySize: 1769, Timeout: 900 });
  });

  test('a trail with a SageMaker endpoint needs the trail’s Athena table, before anything is deployed', () => {
    const rule = template.Rules?.RetrainsEndpointWithAthena as {
      RuleCondition: JsonObject;
      Assertions: JsonObject[];
    };
    const applies = (parameters: Record<string, string>) =>
      evaluate(stackOf(template, parameters), rule.RuleCondition);
    const holds = (parameters: Record<string, string>) =>
      evaluate(stackOf(template, parameters), rule.Assertions[0]!.Assert!);
    expect(applies(TRAIL)).toBe(false);
    expect(applies({ IpInsightsEndpoint: 'ip-insights' })).toBe(false);
    expect(applies({ ...TRAIL, IpInsightsEndpoint: 'ip-insights' })).toBe(true);
    expect(holds({ ...TRAIL, IpInsightsEndpoint: 'ip-insights' })).toBe(false);
    expect(holds({ ...TRAIL, ...ATHENA, IpInsightsEndpoint: 'ip-insights' })).toBe(true);
  });

  test('a trail with a SageMaker endpoint: the retraining trains it with Athena and SageMaker, advanced hourly', () => {
    const distributed = stackOf(template, {
      ...TRAIL,
      ...ATHENA,
      IpInsightsEndpoint: 'ip-insights',
    });
    const resources = resourcesOf(distributed);
    expect(resources).toEqual(
      expect.arrayContaining([
        'RetrainingStagingBucket',
        'SageMakerRole',
        'RetrainingSchedule',
        'RetrainingFollowUpSchedule',
      ]),
    );
    // No embedded model: nothing to publish it to, no function is told to read one.
    expect(resources).not.toContain('ModelBucket');
    for (const id of ['FindingsFunction', 'WorkerFunction', 'RetrainingFunction']) {
      expect(loadConfig(env(distributed, id)).ipInsights).toEqual({
        kind: 'endpoint',
        endpointName: 'ip-insights',
      });
    }
    const fn = loadConfig({ ...env(distributed, 'RetrainingFunction'), AWS_REGION: 'eu-west-1' });
    expect(fn.retraining.distributed).toEqual({
      region: 'eu-west-1',
      database: 'security',
      table: 'cloudtrail_org',
      workGroup: 'primary',
      staging: `s3://${valueOf(distributed, 'RetrainingStagingBucket')}/retraining/`,
      roleArn: valueOf(distributed, 'SageMakerRole', 'Arn'),
      trainingInstanceType: 'ml.m5.xlarge',
      endpointInstanceType: 'ml.m5.large',
      expectedEntities: 100_000,
    });
    expect(
      evaluate(distributed, template.Resources.RetrainingFollowUpSchedule!.Properties!),
    ).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      Target: {
        Arn: valueOf(distributed, 'RetrainingFunction', 'Arn'),
        Input: '{"trigger":"follow-up"}',
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    // Only SageMaker in this account assumes its role.
    expect(
      evaluate(
        distributed,
        template.Resources.SageMakerRole!.Properties!.AssumeRolePolicyDocument!,
      ),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sagemaker.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': distributed.accountId } },
        },
      ],
    });
    // The embedded retraining has none of it.
    expect(resourcesOf(retraining)).not.toContain('SageMakerRole');
    expect(resourcesOf(retraining)).not.toContain('RetrainingFollowUpSchedule');
    expect(
      loadConfig(env(retraining, 'RetrainingFunction')).retraining.distributed,
    ).toBeUndefined();
  });
});
