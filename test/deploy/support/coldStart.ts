import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BuildOutput } from '../../../harness/deploy/build';
import { text, type Stack } from '../../../harness/deploy/cfn';
import type { LambdaFunction } from '../../../harness/deploy/functions';

export interface Invocation {
  readonly event: unknown;
  readonly requestId: string;
}

export interface ColdStartOptions {
  /** The one server standing in for AWS (AWS_ENDPOINT_URL) and Slack (`<url>/api/`). */
  readonly endpoint: string;
  /** More variables, e.g. a service's own endpoint (`AWS_ENDPOINT_URL_DYNAMODB`). */
  readonly env?: Readonly<Record<string, string>>;
  /** False: start without the function's layers on NODE_PATH. */
  readonly withLayers?: boolean;
}

export interface ColdStartRun {
  /** What the handler returned for each invocation, in order. */
  readonly results: unknown[];
  /** The JSON log lines (Powertools writes errors to stderr, the rest to stdout). */
  readonly logs: Record<string, unknown>[];
  readonly output: string;
}

/**
 * A built bundle as Lambda runs it: one cold start in a process of its own, with the template's
 * environment, its layers on NODE_PATH and what the runtime sets, then each invocation in turn;
 * after the last one returns the process ends, as a frozen Lambda container runs nothing more.
 */
export async function runColdStart(
  build: BuildOutput,
  stack: Stack,
  fn: LambdaFunction,
  invocations: readonly Invocation[],
  options: ColdStartOptions,
): Promise<ColdStartRun> {
  const file = join(build.dir, `invocations-${fn.name}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(invocations));
  const memory = text(fn.properties.MemorySize ?? stack.template.Globals?.Function?.MemorySize);
  const runner = `
    const { ${fn.exportName}: handler } = require(${JSON.stringify(build.bundlePath(fn.name))});
    (async () => {
      for (const { event, requestId } of require(${JSON.stringify(file)})) {
        const context = { awsRequestId: requestId, functionName: ${JSON.stringify(fn.name)},
          functionVersion: '$LATEST', memoryLimitInMB: ${JSON.stringify(memory)},
          invokedFunctionArn: 'arn:aws:lambda:${stack.region}:123456789012:function:${fn.name}',
          getRemainingTimeInMillis: () => 60000 };
        console.log('RESULT ' + JSON.stringify(await handler(event, context)));
      }
      // Lambda freezes the process once the handler has returned: work still pending never runs.
      process.exit(0);
    })();`;
  const nodePath = build.nodePath(fn.name);
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', runner], {
    cwd: build.dir,
    env: {
      ...fn.environment,
      ...(options.withLayers === false || nodePath === '' ? {} : { NODE_PATH: nodePath }),
      // What the Lambda runtime sets for an on-demand cold start.
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: stack.region,
      AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
      AWS_SECRET_ACCESS_KEY: 'bundle-test',
      AWS_ENDPOINT_URL: options.endpoint,
      SLACK_API_URL: `${options.endpoint}/api/`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
  });
  const lines = `${stdout}\n${stderr}`.split('\n');
  return {
    results: lines
      .filter((line) => line.startsWith('RESULT '))
      .map((line) => JSON.parse(line.slice('RESULT '.length)) as unknown),
    logs: lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
    output: stdout + stderr,
  };
}
