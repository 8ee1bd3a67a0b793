import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { LogLevel, type App } from '@slack/bolt';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import {
  startLocalSlack,
  type BotResponse,
  type LocalSlack,
} from '@guardduty-chatops/slack-sandbox';
import type { AccountGate } from '../../src/actions/accounts/gate';
import type { AccountSessions } from '../../src/actions/ports/accountSessions';
import type { AwsGateway } from '../../src/actions/ports/awsGateway';
import { createAwsGateway } from '../../src/app/awsGateway';
import { organizationActivity } from '../../src/app/organizationActivity';
import { ListGateway } from '../../src/actions/lists/listGateway';
import type { IpListStore } from '../../src/actions/ports/ipLists';
import { SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import type { Dispatcher } from '../../src/actions/ports/dispatch';
import { createBoltApp } from '../../src/bot/app';
import { slackHttpReceiver } from '../../src/bot/server';
import { loadConfig, type Config } from '../../src/config';
import type { Finding } from '../../src/findings';
import { createScorer } from '../../src/ipinsights/factory';
import type { Scorer } from '../../src/ipinsights/scorer';
import { silentLog } from '../../src/shared/log';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { openedStore } from '../../src/app/store';
import { workspaceGuard } from '../../src/app/botListeners';
import { findingRecords } from '../../src/app/findingRecordWriter';
import { silentSlackLogger as silentLogger } from '../../src/bot/slackLogger';
import { startTestStore, type TestStore } from '../../harness/store';
import type { RoutingTable } from '../../src/routing/routes';
import { inProcessPaging } from '../../src/app/pageDelivery';
import type { LocalPagerDuty } from '../../src/app/demo/localPagerDuty';
import type { InProcessPageQueue } from '../../src/paging/inProcessQueue';
import { parseRoutes } from '../../src/routing/parseRoutes';

export const CHANNEL = 'C0SECURITY';
/** A responder named in RESPONDERS. */
export const ALICE = 'U0ALICE';
/** Not a responder. */
export const BOB = 'U0BOB';
/** A responder through the S0ONCALL user group. */
export const CAROL = 'U0CAROL';
export const ONCALL_GROUP = 'S0ONCALL';
/** The runtime's clock: status lines read "14:02 UTC". */
export const NOW = new Date('2026-11-21T14:02:00.000Z');

/** A routing table that posts every finding to CHANNEL (no digest, no paging). */
export const EVERYTHING_TO_CHANNEL = parseRoutes(
  `routes: [{ name: everything, to: { channels: ${CHANNEL} } }]`,
  'test routes',
  CHANNEL,
);

export interface AwsMocks {
  readonly guardduty: AwsClientStub<GuardDutyClient>;
  readonly iam: AwsClientStub<IAMClient>;
  readonly ec2: AwsClientStub<EC2Client>;
  readonly sts: AwsClientStub<STSClient>;
}

/** An organisation for the runtime: the accounts gate, member sessions, the stack's gateway. */
export interface HarnessOrganization {
  readonly accounts: AccountGate;
  readonly sessions?: AccountSessions;
  /** Record where findings came from and where AssumeRole failed, in the harness's store. */
  readonly activity?: true;
  /** The stack's own gateway (default: `createAwsGateway()`). */
  readonly aws?: AwsGateway;
}

export interface BotHarness {
  readonly slack: LocalSlack;
  readonly store: TestStore;
  readonly runtime: Runtime;
  readonly config: Config;
  readonly app: App;
  readonly aws: AwsMocks;
  readonly eventsUrl: string;
  /** Posts a finding as the pipeline does; returns its message ts. */
  post(finding: Finding): Promise<string>;
  /** Clicks a button of a finding's message, as Slack sends it (signed, over HTTP). */
  click(
    user: string,
    findingId: string,
    actionId: string,
    request?: Parameters<LocalSlack['clickButton']>[0]['request'],
  ): Promise<BotResponse>;
  /** The finding message as Slack holds it now. */
  message(findingId: string): Promise<Record<string, unknown>>;
  /** Waits until every listener and every dispatched worker run has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A routing key the local PagerDuty accepts (32 characters, as PagerDuty's are). */
export const ROUTING_KEY = 'R0UTINGKEY0123456789ABCDEFGHIJKL';

export interface BotHarnessOptions {
  /** Page on-call through this local PagerDuty (in-process page queue, retries without waiting). */
  readonly pagerDuty?: LocalPagerDuty;
  /** The routes (startBotHarness: EVERYTHING_TO_CHANNEL; startRuntimeHarness: the defaults). */
  readonly routes?: RoutingTable;
  readonly dryRun?: boolean;
  readonly protectedPrincipals?: string;
  readonly clock?: () => Date;
  /** Findings from several accounts: who may be acted in, and how. */
  readonly organization?: HarnessOrganization;
  /** Extra listeners (e.g. the commands) registered on the same app. */
  readonly register?: ReadonlyArray<(app: App, runtime: Runtime, config: Config) => void>;
  /** The IP list files (e.g. S3IpLists against a local S3 server); none = no list bucket. */
  readonly lists?: IpListStore;
}

export interface RuntimeHarness {
  /** Resolves once every page request so far was delivered or given up. */
  pagesIdle(): Promise<void>;
  readonly slack: LocalSlack;
  readonly store: TestStore;
  readonly runtime: Runtime;
  readonly config: Config;
  readonly aws: AwsMocks;
  close(): Promise<void>;
}

/** dynalite, the local Slack server and the runtime, without a Bolt app (handlers bring theirs). */
export async function startRuntimeHarness(
  options: BotHarnessOptions & {
    readonly env?: NodeJS.ProcessEnv;
    readonly dispatcher?: Dispatcher;
    readonly scorer?: Scorer;
    readonly routes?: RoutingTable;
    /** More channels the local Slack knows, besides CHANNEL. */
    readonly channels?: readonly string[];
  } = {},
): Promise<RuntimeHarness> {
  const store = await startTestStore();
  const slack = await startLocalSlack({
    channels: [{ id: CHANNEL, name: 'security' }, ...(options.channels ?? [])],
    users: [
      { id: ALICE, name: 'alice', real_name: 'Alice' },
      { id: BOB, name: 'bob' },
      { id: CAROL, name: 'carol' },
    ],
    userGroups: { [ONCALL_GROUP]: [CAROL] },
  });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    RESPONDERS: `${ALICE},${ONCALL_GROUP}`,
    MIN_SEVERITY: '0',
    STORE: 'dynamodb',
    DRY_RUN: options.dryRun === true ? 'true' : 'false',
    PROTECTED_PRINCIPALS: options.protectedPrincipals ?? '',
    ...(options.pagerDuty === undefined
      ? {}
      : { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: options.pagerDuty.url }),
    ...options.env,
  });
  let pageQueue: InProcessPageQueue | undefined;
  const aws: AwsMocks = {
    guardduty: mockClient(GuardDutyClient),
    iam: mockClient(IAMClient),
    ec2: mockClient(EC2Client),
    sts: mockClient(STSClient),
  };
  const organization = options.organization;
  // The harness owns the store: closing the runtime leaves it open.
  const opened = openedStore(store.client, store.tables, () => Promise.resolve());
  const runtime = createRuntime(config, {
    log: silentLog,
    store: opened,
    findings: findingRecords(opened),
    scorer: options.scorer ?? (await createScorer({}, {})),
    clock: options.clock ?? (() => NOW),
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    paging: inProcessPaging(config, silentLog, {
      onQueue: (queue) => (pageQueue = queue),
      backoffMs: () => 1,
    }),
    ...(organization === undefined ? {} : { accounts: organization.accounts }),
    // Region and credentials are irrelevant: the mocks answer before any request is signed.
    remediation: {
      aws:
        organization?.aws ??
        createAwsGateway(
          options.lists === undefined ? {} : { lists: new ListGateway(options.lists) },
        ),
      ...(organization?.sessions === undefined ? {} : { sessions: organization.sessions }),
      ...(organization?.activity === true ? { activity: organizationActivity(opened) } : {}),
      // The worker asks GuardDuty itself for a finding a command acts on that was never posted.
      guardduty: {
        reader: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
        detectorId: '12abc34d567e8fa901bc2d34e56789f0',
      },
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    },
  });
  return {
    slack,
    store,
    runtime,
    config,
    aws,
    pagesIdle: () => pageQueue?.idle() ?? Promise.resolve(),
    async close() {
      await runtime.remediation.idle();
      await pageQueue?.idle();
      await slack.close();
      await runtime.close();
      await store.close();
      aws.guardduty.restore();
      aws.iam.restore();
      aws.ec2.restore();
      aws.sts.restore();
    },
  };
}

/**
 * The real thing on loopback: dynalite, the local Slack-compatible server, and the real Bolt app
 * (HTTPReceiver on 127.0.0.1, port 0) with the remediation listeners and an in-process worker;
 * AWS is mocked at the SDK client boundary only (aws-sdk-client-mock on the client classes).
 */
export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  // Remediation is tried on findings of every severity: all of them are posted here.
  const harness = await startRuntimeHarness({ routes: EVERYTHING_TO_CHANNEL, ...options });
  const { slack, store, runtime, config, aws, pagesIdle } = harness;
  const receiver = slackHttpReceiver({ signingSecret: slack.signingSecret, logger: silentLogger });
  const app = createBoltApp({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    authorize: runtime.remediation.authorize,
    receiver,
    logLevel: LogLevel.ERROR,
    register: [
      workspaceGuard(runtime, silentLog),
      runtime.remediation.listeners,
      ...(options.register ?? []).map((register) => (bolt: App) => register(bolt, runtime, config)),
    ],
  });
  // Bolt answers at ack(); listeners go on after it (ephemeral answers). Track them for idle().
  const listening = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const run = next();
    listening.add(run);
    try {
      await run;
    } finally {
      listening.delete(run);
    }
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  slack.setEventsUrl(eventsUrl);

  const tsOf = async (findingId: string) => {
    const record = await runtime.findings.get(findingId);
    if (record?.ts === undefined) throw new Error(`finding ${findingId} has no message`);
    return record.ts;
  };
  return {
    slack,
    store,
    runtime,
    config,
    app,
    aws,
    eventsUrl,
    async post(finding) {
      const outcome = await runtime.publisher.publish(finding);
      if (outcome.kind !== 'posted') throw new Error(`finding not posted: ${outcome.kind}`);
      return outcome.ts;
    },
    async click(user, findingId, actionId, request) {
      return slack.clickButton({
        user,
        messageTs: await tsOf(findingId),
        actionId,
        ...(request === undefined ? {} : { request }),
      });
    },
    async message(findingId) {
      const found = slack.workspace.getMessage(CHANNEL, await tsOf(findingId));
      if (found === undefined) throw new Error(`no message for ${findingId}`);
      return found as unknown as Record<string, unknown>;
    },
    async idle() {
      while (listening.size > 0) await Promise.allSettled([...listening]);
      await runtime.remediation.idle();
      await pagesIdle();
    },
    async close() {
      await runtime.remediation.idle();
      await app.stop();
      await harness.close();
    },
  };
}
