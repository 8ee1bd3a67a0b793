import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type {
  FindingRecordRepository,
  SubjectStateRepository,
} from '../actions/ports/repositories';
import { FindingPublisher, type MessageDecorator } from '../bot/findingPublisher';
import { createRemediationDecorator } from '../bot/interactions/decorator';
import { createSlackClient, WebApiChannelMessages } from '../bot/slackClient';
import type { Config } from '../config';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import { routeFinding } from '../routing/match';
import { defaultRoutingTable, type RoutingTable } from '../routing/routes';
import { subjectStates } from './findingRepositories';
import type { OpenedStore } from './store';

/** The finding pipeline: what the findings function needs, and nothing of the remediation layer. */
export interface Pipeline {
  readonly store: OpenedStore;
  readonly slack: WebClient;
  readonly scorer: Scorer;
  readonly findings: FindingRecordRepository;
  readonly publisher: FindingPublisher;
  /** The remediation state the messages' buttons and status lines are drawn from (read only). */
  readonly subjects: SubjectStateRepository;
  /** The routes in force (`/guardduty status` lists them). */
  readonly routes: RoutingTable;
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
  /**
   * The open store: `openDynamoStore` on Lambda, `openStore` (which can also open the embedded
   * store) on a laptop. Chosen by the caller, so a Lambda bundle never carries the embedded store.
   */
  readonly store: OpenedStore;
  /**
   * The finding records over that store: `findingRecords(store)` where findings are published,
   * `findingReader(store)` in the Slack function and the worker, which only read them.
   */
  readonly findings: FindingRecordRepository;
  readonly decorate?: MessageDecorator;
  /** The routing table (`loadRoutingTable(config)`); default: the built-in routes. */
  readonly routes?: RoutingTable;
  readonly clock?: () => Date;
}

/** Wires the finding pipeline from configuration; every part can be replaced by the caller. */
export function createPipeline(config: Config, options: PipelineOptions): Pipeline {
  const { store, scorer } = options;
  const slack = createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
  const { findings } = options;
  const subjects = subjectStates(store);
  const clock = options.clock ?? (() => new Date());
  const routes = options.routes ?? defaultRoutingTable(config.slack.channelId);
  const publisher = new FindingPublisher({
    store: findings,
    messages: new WebApiChannelMessages(slack),
    scorer,
    route: (finding) => routeFinding(routes, finding),
    minSeverity: config.minSeverity,
    clock,
    newToken: randomUUID,
    log: options.log,
    decorate: options.decorate ?? createRemediationDecorator(subjects),
  });
  return {
    store,
    slack,
    scorer,
    findings,
    publisher,
    subjects,
    routes,
    clock,
    close: () => store.close(),
  };
}
