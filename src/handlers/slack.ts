import { AwsLambdaReceiver, type App, type AwsLambdaReceiverOptions } from '@slack/bolt';
import { LambdaInvokeDispatcher } from '../actions/dispatch';
import { LambdaAsyncInvoker } from '../aws/lambda';
import { createBoltApp } from '../bot/app';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, type Log } from '../log';
import { createRuntime, type Runtime } from '../runtime';
import { withSlackSecrets } from './secrets';

/** Bolt's Lambda handler: API Gateway / Function URL event in, HTTP response out. */
export type SlackHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;

/**
 * Slack's requests (buttons, modals, slash commands) through Bolt's AwsLambdaReceiver. The
 * receiver answers only after the listener finished (Lambda freezes after the response), so the
 * listeners only authorise, record the intent and invoke the worker asynchronously before
 * acknowledging; the worker does the AWS calls.
 */
export function createSlackHandler(
  config: Config,
  runtime: Runtime,
  options: {
    /** More listeners on the same app (the `/guardduty` commands). */
    readonly register?: ReadonlyArray<(app: App) => void>;
    readonly logger?: AwsLambdaReceiverOptions['logger'];
  } = {},
): SlackHandler {
  const receiver = new AwsLambdaReceiver({
    signingSecret: config.slack.signingSecret,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  createBoltApp({
    botToken: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    receiver,
    register: [runtime.remediation.listeners, ...(options.register ?? [])],
  });
  let started: Promise<SlackHandler> | undefined;
  return async (event, context) => {
    started ??= receiver.start();
    return (await started)(event, context);
  };
}

/** The worker function the Slack function invokes; without it, nothing could run. */
export function workerFunctionName(config: Config): string {
  if (config.workerFunctionName === undefined) {
    throw new ConfigError(['WORKER_FUNCTION_NAME: missing (the remediation worker function)']);
  }
  return config.workerFunctionName;
}

const { log } = createLogger('guardduty-chatops-slack');
let handlerPromise: Promise<SlackHandler> | undefined;

async function coldStart(log: Log): Promise<SlackHandler> {
  const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
  const dispatcher = new LambdaInvokeDispatcher(
    new LambdaAsyncInvoker(),
    workerFunctionName(config),
  );
  const runtime = await createRuntime(config, { log, remediation: { dispatcher } });
  return createSlackHandler(config, runtime);
}

export const handler: SlackHandler = async (event, context) => {
  // Built once per cold start; a failed start is retried on the next invocation.
  handlerPromise ??= coldStart(log).catch((error: unknown) => {
    handlerPromise = undefined;
    throw error;
  });
  return (await handlerPromise)(event, context);
};
