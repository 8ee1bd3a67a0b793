import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import { RemediationStateStore } from './actions/state';
import { createDocumentClient } from './aws/dynamodb';
import { FindingPublisher, type MessageDecorator } from './bot/findingPublisher';
import { createRemediationDecorator } from './bot/interactions/decorator';
import { createSlackClient, WebApiChannelMessages } from './bot/slackClient';
import type { Config } from './config';
import type { Scorer } from './ipinsights/scorer';
import type { Log } from './log';
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
  // Loaded on demand, and left out of the Lambda bundles (template.yaml `External`): dynalite
  // loads a native module, and creating tables is for the embedded store only.
  const local = await import('./local/localStore');
  let embedded;
  try {
    embedded = await local.startEmbeddedDynamo({ dir });
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot open the embedded store in ${dir}: ${(error as Error).message} (is another guardduty-chatops process using it?)`,
      { cause: error },
    );
  }
  const client = createDocumentClient({ endpoint: embedded.endpoint });
  await local.ensureTables(client, tableDefinitions(config.store.tables));
  return {
    client,
    close: async () => {
      client.destroy();
      await embedded.close();
    },
  };
}

/** The finding pipeline: what the findings function needs, and nothing of the remediation layer. */
export interface Pipeline {
  readonly store: OpenedStore;
  readonly slack: WebClient;
  readonly scorer: Scorer;
  readonly findings: FindingStateStore;
  readonly publisher: FindingPublisher;
  /** The remediation state the messages' buttons and status lines are drawn from (read only). */
  readonly state: RemediationStateStore;
  readonly clock: () => Date;
  close(): Promise<void>;
}

export interface PipelineOptions {
  readonly log: Log;
  /**
   * The IP Insights scorer (`scorerFromConfig(config)` in production). Passed in, not built here,
   * so a function that never scores (the Slack function) carries neither the model nor its clients.
   */
  readonly scorer: Scorer;
  readonly store?: OpenedStore;
  readonly decorate?: MessageDecorator;
  readonly clock?: () => Date;
}

/** Wires the finding pipeline from configuration; every part can be replaced by the caller. */
export async function createPipeline(config: Config, options: PipelineOptions): Promise<Pipeline> {
  const store = options.store ?? (await openStore(config));
  const slack = createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
  const { scorer } = options;
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
  return { store, slack, scorer, findings, publisher, state, clock, close: () => store.close() };
}
