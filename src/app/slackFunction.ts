import type { HandOffSuppressCount } from '../bot/interactions/suppressCount';
import { oneLine } from '../bot/commands/responses';
import type { App, AwsLambdaReceiverOptions } from '@slack/bolt';
import type { Context } from 'aws-lambda';
import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LambdaInvokeDispatcher } from '../actions/dispatch';
import type { AsyncInvoker } from '../actions/ports/dispatch';
import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import type { Scorer } from '../ipinsights/scorer';
import { LambdaAsyncInvoker } from '../aws/lambdaInvoker';
import { createBoltApp } from '../bot/app';
import type { BotAuthorize } from '../bot/botIdentity';
import type { DeferCommand } from '../bot/commands/defer';
import { onSlackRequest } from '../bot/requestLogKeys';
import { rawBodyProblem, type SlackRequestHeaders } from '../bot/requestShape';
import { verifyRotatingSignature, type SigningSecretSource } from '../bot/requestSignature';
import type { Log } from '../shared/log';
import { botListeners } from './botListeners';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger } from './logging';
import { coldStartOnce } from './coldStart';
import { createIntakeRuntime } from './intakeRuntime';
import { openDynamoStore } from './store';
import { findingReader } from './findingRepositories';
import { rotatingSigningSecret, withSlackSecrets } from '../aws/slackSecrets';
import { queuedPaging } from './queuedPaging';

/** Bolt's Lambda handler: API Gateway / Function URL event in, HTTP response out. */
export type SlackHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;

/**
 * Slack's requests (buttons, modals, slash commands) through Bolt's AwsLambdaReceiver. The
 * receiver answers only after the listener finished (Lambda freezes after the response), so the
 * listeners only authorise, record the intent and invoke the worker asynchronously before
 * acknowledging; the worker does the AWS calls and answers the slow `/guardduty` subcommands.
 */
export function createSlackHandler(
  config: Config,
  listeners: ReadonlyArray<(app: App) => void>,
  options: {
    readonly logger?: AwsLambdaReceiverOptions['logger'];
    readonly log?: Log;
    /** Secrets Manager on Lambda (rotatable); the configured secret otherwise. */
    readonly signingSecrets?: SigningSecretSource;
    readonly clock?: () => number;
    /** The runtime's `authorize`: one `auth.test` for the app and the remediation service. */
    readonly authorize?: BotAuthorize;
  } = {},
): SlackHandler {
  // Signatures are checked here, before Bolt: both ways in time, and with a rotated secret.
  const receiver = new AwsLambdaReceiver({
    signingSecret: config.slack.signingSecret,
    signatureVerification: false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  createBoltApp({
    botToken: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    receiver,
    register: listeners,
    ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
  });
  const secrets = options.signingSecrets ?? fixedSigningSecret(config.slack.signingSecret);
  const clock = options.clock ?? Date.now;
  let started: Promise<SlackHandler> | undefined;
  return async (event, context) => {
    const rawBody = rawBodyOf(event);
    const headers = slackHeadersOf(event);
    const verdict = await verifyRotatingSignature(rawBody, headers, secrets, clock());
    if (!verdict.ok) {
      options.log?.warn('refused a Slack request', { status: 401, problem: verdict.problem });
      return { statusCode: 401, body: '' };
    }
    const problem = rawBodyProblem(rawBody, headers.contentType);
    if (problem !== undefined) {
      options.log?.warn('refused a Slack request', { status: 400, problem });
      return { statusCode: 400, body: '' };
    }
    started ??= receiver.start();
    return (await started)(event, context);
  };
}

function fixedSigningSecret(secret: string): SigningSecretSource {
  return { current: () => Promise.resolve(secret), refresh: () => Promise.resolve(secret) };
}

type SlackEvent = Parameters<SlackHandler>[0];

/** The body as Slack signed it (a Function URL or HTTP API may base64-encode it). */
function rawBodyOf(event: SlackEvent): string {
  if (event.body == null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function slackHeadersOf(event: SlackEvent): SlackRequestHeaders {
  const headers = new Map(
    Object.entries(event.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const get = (name: string) => {
    const value: unknown = headers.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const contentType = get('content-type');
  const signature = get('x-slack-signature');
  const timestamp = get('x-slack-request-timestamp');
  return {
    ...(contentType === undefined ? {} : { contentType }),
    ...(signature === undefined ? {} : { signature }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}

/** The worker function the Slack function invokes; without it, nothing could run. */
function workerFunctionName(config: Config): string {
  if (config.workerFunctionName === undefined) {
    throw new ConfigError(['WORKER_FUNCTION_NAME: missing (the remediation worker function)']);
  }
  return config.workerFunctionName;
}

/**
 * `/guardduty digest` goes to the digest function, which alone writes digests and answers
 * through the response URL; the ack says nothing more.
 */
function digestByFunction(invoker: AsyncInvoker, functionName: string) {
  return async (request: { channel: string; userId: string; responseUrl: string }) => {
    await invoker.invokeAsync(functionName, { digest: request });
    return undefined;
  };
}

/**
 * `/guardduty status --check` goes to the canary function, which runs every check and answers
 * through the response URL; the ack says the run has started.
 */
function canaryByFunction(invoker: AsyncInvoker, functionName: string, delayMs: number) {
  return async (request: { userId: string; responseUrl: string }) => {
    await invoker.invokeAsync(functionName, {
      trigger: 'command',
      userId: request.userId,
      responseUrl: request.responseUrl,
    });
    return oneLine(
      `:hourglass_flowing_sand: The canary is running: a sample finding in each region, then every check. The result follows here within ${String(Math.round(delayMs / 60_000) + 1)} minutes.`,
    );
  };
}

/** Slow `/guardduty` subcommands go to the worker, which answers through response_url. */
export function deferToWorker(invoker: AsyncInvoker, functionName: string): DeferCommand {
  return (command) => invoker.invokeAsync(functionName, { command });
}

/** GuardDuty is the worker's to read: it fills in the suppress modal's count of open findings. */
export function suppressCountByWorker(
  invoker: AsyncInvoker,
  functionName: string,
): HandOffSuppressCount {
  return (job) => invoker.invokeAsync(functionName, { suppressCount: job });
}

/**
 * The Slack function reads nothing from GuardDuty: every subcommand that does (list, show, stats,
 * status, archive) is handed to the worker, so this function needs neither the client nor the
 * permissions. Reaching this reader is a wiring bug, reported as such.
 */
function readByWorker(method: string) {
  return () =>
    Promise.reject(
      new Error(`GuardDuty ${method} is read by the worker function, not the Slack function`),
    );
}

export const WORKER_ONLY_GUARDDUTY: GuardDutyReader = {
  listDetectorIds: readByWorker('ListDetectors'),
  getDetector: readByWorker('GetDetector'),
  listFindingIds: readByWorker('ListFindings'),
  getFindings: readByWorker('GetFindings'),
  countFindings: readByWorker('GetFindingsStatistics'),
};

/**
 * Scoring (`/guardduty score`, new findings) happens in the worker and the findings function:
 * this function loads no model at cold start and holds no S3 or SageMaker permission.
 */
const WORKER_ONLY_SCORER: Scorer = {
  description: 'IP Insights runs in the worker function',
  score: () =>
    Promise.reject(new Error('IP Insights scores in the worker function, not the Slack function')),
};

/** The Slack function as Lambda runs it: the worker does everything slow or privileged. */
export function slackFunction(): SlackHandler {
  const { logger, log } = createLogger('guardduty-chatops-slack');
  const handler = coldStartOnce(async () => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
    const invoker = new LambdaAsyncInvoker();
    const worker = workerFunctionName(config);
    const store = openDynamoStore(config);
    // No worker in this function: intents go to the worker function, which re-checks them.
    const runtime = createIntakeRuntime(config, {
      paging: queuedPaging(config),
      log,
      store,
      findings: findingReader(store),
      scorer: WORKER_ONLY_SCORER,
      dispatcher: new LambdaInvokeDispatcher(invoker, worker),
      suppressCount: suppressCountByWorker(invoker, worker),
    });
    return createSlackHandler(
      config,
      [
        onSlackRequest((keys) => {
          logger.appendKeys({ ...keys });
          log.info('slack request');
        }),
        ...botListeners({
          config,
          runtime,
          log,
          guardduty: WORKER_ONLY_GUARDDUTY,
          deferCommand: deferToWorker(invoker, worker),
          ...(config.digestFunctionName === undefined
            ? {}
            : { requestDigest: digestByFunction(invoker, config.digestFunctionName) }),
          ...(config.canary.functionName === undefined
            ? {}
            : {
                requestCanaryCheck: canaryByFunction(
                  invoker,
                  config.canary.functionName,
                  config.canary.delayMs,
                ),
              }),
        }),
      ],
      {
        log,
        authorize: runtime.remediation.authorize,
        // The secret is rotated in Secrets Manager: checked with a copy at most 15 minutes old,
        // and read again when a signature does not match.
        ...(process.env.SLACK_SECRET_ARN === undefined || process.env.SLACK_SECRET_ARN === ''
          ? {}
          : { signingSecrets: rotatingSigningSecret(process.env.SLACK_SECRET_ARN) }),
      },
    );
  });
  return async (event, context: Context) => {
    // One request per invocation: its log lines carry its request id and Slack user, no one else's.
    logger.resetKeys();
    logger.addContext(context);
    return (await handler())(event, context);
  };
}
