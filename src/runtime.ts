import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AuditLog } from './actions/audit/log';
import { Authorizer } from './actions/authorize';
import type { AwsGateway } from './actions/aws';
import { InProcessDispatcher, type Dispatcher } from './actions/dispatch';
import { postedFindings } from './actions/findings';
import { IntentStore } from './actions/intents';
import { DefaultRemediationService } from './actions/service';
import { RemediationStateStore } from './actions/state';
import { RemediationWorker } from './actions/worker';
import { createDocumentClient } from './aws/dynamodb';
import { FindingPublisher, type MessageDecorator } from './bot/findingPublisher';
import { createRemediationDecorator } from './bot/interactions/decorator';
import { slackGroupDirectory } from './bot/interactions/directory';
import {
  registerRemediationListeners,
  suppressModalOpener,
  type OpenSuppressModal,
} from './bot/interactions/listeners';
import { SlackReporter } from './bot/interactions/reporter';
import { createSlackClient, WebApiChannelMessages } from './bot/slackClient';
import type { Config } from './config';
import { createScorer } from './ipinsights/factory';
import type { Scorer } from './ipinsights/scorer';
import { startEmbeddedDynamo } from './local/embeddedDynamo';
import type { Log } from './log';
import { ensureTables } from './store/ensureTables';
import { FindingStateStore } from './store/findingState';
import { tableDefinitions } from './store/tables';

/** Failure to open the configured store, with what to do about it. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface OpenedStore {
  readonly client: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** DynamoDB on AWS, or the embedded store (dynalite) in a folder, with its tables created. */
export async function openStore(config: Config): Promise<OpenedStore> {
  if (config.store.kind === 'dynamodb') {
    const client = createDocumentClient();
    return { client, close: () => Promise.resolve(client.destroy()) };
  }
  const dir = config.store.dir;
  let embedded;
  try {
    embedded = await startEmbeddedDynamo({ dir });
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot open the embedded store in ${dir}: ${(error as Error).message} (is another guardduty-chatops process using it?)`,
    );
  }
  const client = createDocumentClient({ endpoint: embedded.endpoint });
  await ensureTables(client, tableDefinitions(config.store.tables));
  return {
    client,
    close: async () => {
      client.destroy();
      await embedded.close();
    },
  };
}

/** The scorer `IPINSIGHTS_MODEL` / `IPINSIGHTS_ENDPOINT` select; SDK clients only when needed. */
export async function scorerFromConfig(config: Config): Promise<Scorer> {
  const setting = config.ipInsights;
  if (setting.kind === 'model') {
    const storage = setting.location.startsWith('s3://')
      ? new (await import('./aws/s3')).S3ObjectStorage()
      : undefined;
    return createScorer({ model: setting.location }, storage === undefined ? {} : { storage });
  }
  if (setting.kind === 'endpoint') {
    const invoker = new (await import('./aws/sagemaker')).SageMakerEndpointInvoker();
    return createScorer({ endpoint: setting.endpointName }, { invoker });
  }
  return createScorer({}, {});
}

/** The remediation layer: buttons, service, worker and audit log, wired to one store. */
export interface Remediation {
  readonly service: DefaultRemediationService;
  readonly worker: RemediationWorker;
  readonly dispatcher: Dispatcher;
  readonly audit: AuditLog;
  readonly state: RemediationStateStore;
  readonly intents: IntentStore;
  /** Registers the button and modal listeners on a Bolt app (for `createBoltApp`'s `register`). */
  readonly listeners: (app: App) => void;
  /** Opens the suppress modal (for `/guardduty suppress`), with the client of the listener. */
  openSuppressModal(client: WebClient): OpenSuppressModal;
  /** Resolves when the in-process worker has no run left (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
}

export interface Runtime {
  readonly store: OpenedStore;
  readonly slack: WebClient;
  readonly scorer: Scorer;
  readonly findings: FindingStateStore;
  readonly publisher: FindingPublisher;
  readonly remediation: Remediation;
  close(): Promise<void>;
}

export interface RemediationOptions {
  /** Live AWS for the worker (`createAwsGateway()`); without it only dry-run intents can run. */
  readonly aws?: AwsGateway;
  /** Where accepted intents go (the worker Lambda on AWS); default: the worker in this process. */
  readonly dispatcher?: Dispatcher;
}

export interface RuntimeOptions {
  readonly log: Log;
  readonly scorer?: Scorer;
  readonly store?: OpenedStore;
  readonly decorate?: MessageDecorator;
  readonly clock?: () => Date;
  readonly remediation?: RemediationOptions;
}

/** Wires the finding pipeline from configuration; every part can be replaced by the caller. */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const store = options.store ?? (await openStore(config));
  const slack = createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
  const scorer = options.scorer ?? (await scorerFromConfig(config));
  const findings = new FindingStateStore(store.client, config.store.tables.findings);
  const clock = options.clock ?? (() => new Date());
  const state = new RemediationStateStore(store.client, config.store.tables.idempotency);
  const publisher = new FindingPublisher({
    store: findings,
    messages: new WebApiChannelMessages(slack),
    scorer,
    channel: config.slack.channelId,
    minSeverity: config.minSeverity,
    clock,
    newToken: randomUUID,
    log: options.log,
    decorate: options.decorate ?? createRemediationDecorator(state),
  });
  const remediation = createRemediation(config, options, {
    store,
    slack,
    findings,
    publisher,
    state,
    clock,
  });
  return {
    store,
    slack,
    scorer,
    findings,
    publisher,
    remediation,
    close: () => store.close(),
  };
}

function createRemediation(
  config: Config,
  options: RuntimeOptions,
  parts: {
    store: OpenedStore;
    slack: WebClient;
    findings: FindingStateStore;
    publisher: FindingPublisher;
    state: RemediationStateStore;
    clock: () => Date;
  },
): Remediation {
  const { store, slack, findings, publisher, state, clock } = parts;
  const { log } = options;
  const audit = new AuditLog(store.client, config.store.tables.audit);
  const intents = new IntentStore(store.client, config.store.tables.idempotency);
  const worker = new RemediationWorker({
    intents,
    state,
    audit,
    ...(options.remediation?.aws === undefined ? {} : { aws: options.remediation.aws }),
    reporter: new SlackReporter({ publisher, findings, client: slack, log }),
    clock,
    log,
  });
  const inProcess =
    options.remediation?.dispatcher === undefined
      ? new InProcessDispatcher((id) => worker.run(id), log)
      : undefined;
  const dispatcher = options.remediation?.dispatcher ?? inProcess;
  if (dispatcher === undefined) throw new Error('unreachable: no dispatcher');
  const service = new DefaultRemediationService({
    findings: postedFindings(findings),
    intents,
    state,
    audit,
    authorizer: new Authorizer({
      users: config.responders.users,
      groups: config.responders.groups,
      directory: slackGroupDirectory(slack),
      clock,
      log,
    }),
    dispatcher,
    config: { dryRun: config.dryRun, protectedPrincipals: config.protectedPrincipals },
    clock,
    log,
  });
  const interactionDeps = {
    service,
    findings: postedFindings(findings),
    state,
    publisher,
    clock,
    log,
  };
  return {
    service,
    worker,
    dispatcher,
    audit,
    state,
    intents,
    listeners: registerRemediationListeners(interactionDeps),
    openSuppressModal: (client) => suppressModalOpener(interactionDeps, client),
    idle: () => inProcess?.idle() ?? Promise.resolve(),
  };
}
