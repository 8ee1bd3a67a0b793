import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type {
  FindingRecordRepository,
  SubjectStateRepository,
} from '../actions/ports/repositories';
import { FindingPublisher, type MessageDecorator } from '../bot/findingPublisher';
import { createRemediationDecorator } from '../bot/interactions/decorator';
import { createSlackClient, WebApiChannelMessages } from '../bot/slackClient';
import type { AccountGate } from '../actions/accounts/gate';
import type { Config } from '../config';
import type { CanarySampleIntake } from '../health/sampleIntake';
import type { Scorer } from '../ipinsights/scorer';
import type { Log } from '../shared/log';
import { routeFinding } from '../routing/match';
import { defaultRoutingTable, type RoutingTable } from '../routing/routes';
import { subjectStates } from './findingRepositories';
import type { OpenedStore } from './store';
import type { PageQueue } from '../paging/ports';
import type { BurstGroupRepository } from '../actions/ports/repositories';
import { PacedChannelMessages } from '../bot/pacedMessages';
import { BurstGrouping } from '../bot/burstGrouping';
import type { ChannelMessages } from '../bot/slackClient';

/**
 * How a function pages: the on-call tool's name (for the messages) and the queue page requests
 * go to, built once the pipeline exists (the in-process queue redraws messages through it).
 */
export interface PagingWiring {
  readonly tool: string;
  readonly queue: (pipeline: Omit<Pipeline, 'pages'>) => PageQueue;
}

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
  /** Where page requests go; undefined when no on-call tool is configured. */
  readonly pages?: PageQueue;
  readonly pagingTool?: string;
  /** The organisation's accounts (names, who may be acted in), when configured. */
  readonly accounts?: AccountGate;
  readonly clock: () => Date;
  /** Where findings come in (EventBridge): the canary's samples stop here, the rest are published. */
  readonly samples?: CanarySampleIntake;
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
  /**
   * The organisation's accounts (`accountGate`): names on messages, and no buttons on a finding
   * from an account remediation may not act in. Default: every account, no names.
   */
  readonly accounts?: AccountGate;
  /** The routing table (`loadRoutingTable(config)`); default: the built-in routes. */
  readonly routes?: RoutingTable;
  /** Paging on-call (`pagingWiring(config)`); default: none. */
  readonly paging?: PagingWiring;
  readonly clock?: () => Date;
  /**
   * Post at Slack's pace (the findings queue's consumer): each channel's posts spaced a second
   * apart, and 429s waited out for Retry-After (30 s at most per post) on this clock.
   */
  readonly pace?: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> };
  /** The bursts' counters (`burstGroups(store)`): `publishMany` threads bursts. Default: never. */
  readonly bursts?: BurstGroupRepository;
  /**
   * The canary's sample recognition (`canarySampleIntake(store, …)`), where findings arrive from
   * EventBridge: the findings function, the demo's event bus.
   */
  readonly samples?: CanarySampleIntake;
}

/** Slack's limit on posting: about one message per second per channel. */
const SLACK_POSTS_PER_SECOND = 1;
/** How long one post may wait out Retry-After; longer, the finding goes back to the queue. */
const RETRY_AFTER_BUDGET_MS = 30_000;

/** Slack's pace per channel, slowed down where a 429 says another instance posts there too. */
function pacedMessages(slack: WebClient, pace: NonNullable<PipelineOptions['pace']>) {
  const web = new WebApiChannelMessages(slack, {
    budgetMs: RETRY_AFTER_BUDGET_MS,
    sleep: pace.sleep,
  });
  const paced = new PacedChannelMessages(web, {
    perSecond: SLACK_POSTS_PER_SECOND,
    now: pace.now,
    sleep: pace.sleep,
  });
  web.onRateLimited = (channel, retryAfterMs) => {
    paced.rateLimited(channel, retryAfterMs);
  };
  return paced;
}

/** Wires the finding pipeline from configuration; every part can be replaced by the caller. */
export function createPipeline(config: Config, options: PipelineOptions): Pipeline {
  const { store, scorer } = options;
  const { pace } = options;
  const slack = createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
  const { findings } = options;
  const subjects = subjectStates(store);
  const clock = options.clock ?? (() => new Date());
  const routes = options.routes ?? defaultRoutingTable(config.slack.channelId);
  const messages: ChannelMessages =
    pace === undefined ? new WebApiChannelMessages(slack) : pacedMessages(slack, pace);
  const bursts =
    options.bursts === undefined
      ? undefined
      : new BurstGrouping({
          groups: options.bursts,
          messages,
          clock,
          newToken: randomUUID,
          sleep: pace?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
          log: options.log,
          options: routes.grouping,
        });
  // The queue is built from the finished pipeline; the publisher reaches it only when it posts.
  const built: { pages?: PageQueue } = {};
  const paging = options.paging;
  const publisher = new FindingPublisher({
    store: findings,
    messages,
    scorer,
    route: (finding) => routeFinding(routes, finding),
    minSeverity: config.minSeverity,
    clock,
    newToken: randomUUID,
    log: options.log,
    ...(bursts === undefined ? {} : { bursts }),
    decorate:
      options.decorate ??
      createRemediationDecorator(subjects, {
        ...(paging === undefined ? {} : { pagingTool: paging.tool }),
        ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
      }),
    ...(paging === undefined
      ? {}
      : {
          pages: {
            enqueue: (request) => {
              if (built.pages === undefined) throw new Error('unreachable: paging before wiring');
              return built.pages.enqueue(request);
            },
          },
        }),
  });
  const pipeline = {
    store,
    slack,
    scorer,
    findings,
    publisher,
    subjects,
    routes,
    ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
    clock,
    ...(options.samples === undefined ? {} : { samples: options.samples }),
    close: () => store.close(),
  };
  if (paging === undefined) return pipeline;
  built.pages = paging.queue(pipeline);
  return { ...pipeline, pages: built.pages, pagingTool: paging.tool };
}
