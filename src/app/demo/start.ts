import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createAwsGateway } from '../awsGateway';
import { accountGate } from '../accounts';
import { memberSessions } from '../memberSessions';
import { organizationActivity } from '../organizationActivity';
import { reachedSlack, seenFindingsRecorder } from '../seenFindings';
import {
  DEMO_ACCOUNTS,
  DEMO_HOME_REGION,
  DEMO_ORGANIZATION,
  placeInOrganization,
} from './organization';
import { listGateway, s3ListStore } from '../ipLists';
import { demoLists } from './demoListSets';
import { startBotServer } from '../../bot/server';
import type { PublishOutcome } from '../../bot/findingPublisher';
import { canaryDefaults, RETRAINING_DEFAULTS, type Config } from '../../config';
import { canarySampleIntake } from '../canarySamples';
import { demoCanary, type DemoCanary } from './demoCanary';
import type { Finding } from '../../findings';
import type { Log } from '../../shared/log';
import { openStore, StoreUnavailableError } from '../embeddedStore';
import { findingRecords } from '../findingRecordWriter';
import { createRuntime, type Runtime } from '../runtime';
import { DEFAULT_TABLE_NAMES } from '../../store/tables';
import { EmbeddedStoreLockedError } from '../../store/embeddedDynamo';
import { readOrMakeCredentials } from './credentials';
import { COMMAND } from '../../bot/commands/spec';
import { DataFolderInUseError, PortInUseError } from './errors';
import { freshen, samplesClock } from './freshen';
import { HistoryFile, keepHistory } from './history';
import { demoBotParts, type DemoBotParts, type DemoBotWiring } from './listeners';
import { DEMO_MODEL_FILE, demoScorer } from './model';
import { createDemoPage } from './page';
import { SampleGuardDuty } from './sampleGuardDuty';
import { loadSampleFindings } from './samples';
import { DEMO_CHANNEL, DEMO_RESPONDERS, DEMO_USERS } from './workspace';
import { startLocalPagerDuty, type LocalPagerDuty } from './localPagerDuty';
import { inProcessPaging } from '../pageDelivery';
import { digestPoster } from '../digests';
import { scheduledRunId, type DigestOutcome } from '../../bot/digest';
import type { InProcessPageQueue } from '../../paging/inProcessQueue';

/** The demo pages a stand-in on loopback: nobody is ever paged by a demo. */
const DEMO_ROUTING_KEY = 'DEMO0ROUTING0KEY0LOCAL0ONLY00000';
/** The region of the demo's sample findings: the canary watches it. */
const DEMO_REGION = 'us-east-1';

export interface DemoOptions {
  /** Where the store, the channel history, the model and the secrets are kept. */
  readonly dataDir: string;
  /** The page's port on 127.0.0.1 (0 = a free one). */
  readonly port: number;
  /** Remediation calls AWS for real; otherwise it plans and audits the calls (dry run). */
  readonly live: boolean;
  readonly log: Log;
  readonly clock?: () => Date;
  readonly random?: (size: number) => Buffer;
  /**
   * The findings posted at start (default: the project's sample findings), moved in time to end
   * at the data folder's first start.
   */
  readonly findings?: () => Promise<Finding[]>;
  /** The bot's listeners and audit log (default: whatever this build wires in). */
  readonly bot?: DemoBotWiring;
}

export interface PostedSample {
  readonly finding: Finding;
  readonly outcome: PublishOutcome;
}

export interface RunningDemo {
  /** The page: `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly dataDir: string;
  readonly dryRun: boolean;
  readonly slack: LocalSlack;
  readonly channel: string;
  /** What happened to each sample finding at this start (posted, or already there). */
  readonly samples: readonly PostedSample[];
  readonly model: {
    readonly path: string;
    readonly trained: boolean;
    readonly description: string;
  };
  readonly bot: DemoBotParts;
  /** The PagerDuty stand-in the demo pages (its incidents show what on-call would see). */
  readonly pagerDuty: LocalPagerDuty;
  /** Today's digest of the channel, posted at start (or already there after a restart). */
  readonly digest: DigestOutcome;
  /** The canary over the demo's parts (`/guardduty status --check`), its bus and GuardDuty. */
  readonly canary: DemoCanary;
  /** Stops everything and saves the channel; calling it again returns the same promise. */
  close(): Promise<void>;
}

/** Undoes what has been started, newest first, when a later step fails or the demo stops. */
class Teardown {
  private readonly steps: (() => Promise<void>)[] = [];

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'the demo did not stop cleanly');
  }
}

function demoConfig(options: {
  dataDir: string;
  port: number;
  live: boolean;
  slack: LocalSlack;
  modelPath: string;
  pagerDutyUrl: string;
}): Config {
  return {
    slack: {
      signingSecret: options.slack.signingSecret,
      botToken: options.slack.botToken,
      apiUrl: options.slack.apiUrl,
      channelId: DEMO_CHANNEL.id,
    },
    responders: { users: DEMO_RESPONDERS, groups: [] },
    viewers: { users: [], groups: [] },
    // Every sample is shown, the low-severity ones too.
    minSeverity: 0,
    routes: { kind: 'defaults' },
    paging: { kind: 'pagerduty', routingKey: DEMO_ROUTING_KEY, eventsUrl: options.pagerDutyUrl },
    ipInsights: { kind: 'model', location: options.modelPath },
    store: { kind: 'local', dir: join(options.dataDir, 'store'), tables: DEFAULT_TABLE_NAMES },
    auditAnchors: { kind: 'file', path: join(options.dataDir, 'store', 'audit-anchors.jsonl') },
    dryRun: !options.live,
    protectedPrincipals: [],
    // The demo's own egress: the lists refuse it (try `/guardduty threatlist add 192.0.2.44`).
    // Without --live its lists are its own files, changed for real while AWS actions are dry runs.
    ipLists: {
      egress: ['192.0.2.44'],
      defaultRegion: DEMO_HOME_REGION,
      ...(options.live ? {} : { dryRun: false }),
    },
    port: options.port,
    organization: DEMO_ORGANIZATION,
    // The region of the demo's findings; its canary runs against the demo's parts.
    // Its bus delivers at once: a sample missing after 10 s is missing.
    canary: { ...canaryDefaults([DEMO_REGION]), delayMs: 10_000 },
    retraining: RETRAINING_DEFAULTS,
  };
}

async function startSlack(
  options: DemoOptions,
  history: HistoryFile,
  page: Awaited<ReturnType<typeof createDemoPage>>,
  secrets: { signingSecret: string; botToken: string },
): Promise<LocalSlack> {
  try {
    return await startLocalSlack({
      port: options.port,
      host: '127.0.0.1',
      ...secrets,
      channels: [DEMO_CHANNEL],
      users: DEMO_USERS,
      // As the manifest declares: another command is answered at once, as Slack answers it.
      commands: [COMMAND],
      history: (await history.read()) ?? [],
      fallback: (request, response) => page.handle(request, response),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(options.port);
    }
    throw error;
  }
}

async function openDemoStore(config: Config, dataDir: string) {
  try {
    return await openStore(config);
  } catch (error) {
    if (error instanceof StoreUnavailableError && error.cause instanceof EmbeddedStoreLockedError) {
      throw new DataFolderInUseError(dataDir);
    }
    throw error;
  }
}

/** The real Bolt app over HTTP on loopback, with the local Slack sending it signed requests. */
async function startBot(
  config: Config,
  parts: DemoBotParts,
  slack: LocalSlack,
  runtime: Runtime,
): Promise<{ stop: () => Promise<void> }> {
  const bot = await startBotServer({
    authorize: runtime.remediation.authorize,
    slack: config.slack,
    listeners: parts.register,
    port: 0,
    host: '127.0.0.1',
  });
  if (bot.eventsUrl !== undefined) slack.setEventsUrl(bot.eventsUrl);
  return bot;
}

/**
 * Starts the whole product on loopback: the local Slack (with the page), the embedded store, the
 * IP Insights scorer, the Bolt app, and posts the sample findings. A finding already posted in
 * this data folder is not posted again, so a restart shows the same channel.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir);
  const clock = options.clock ?? (() => new Date());
  const teardown = new Teardown();
  try {
    // Nothing is written into the data folder before the port is known to be free.
    const folderSecrets = await readOrMakeCredentials(dataDir, options.random);
    const secrets = folderSecrets.credentials;
    const history = new HistoryFile(join(dataDir, 'slack.json'));
    // Filled in below; the page reads them per request.
    let scorerDescription = '';
    let bot: DemoBotParts = { register: [] };
    const page = await createDemoPage({
      info: () => ({
        channel: DEMO_CHANNEL,
        responders: DEMO_RESPONDERS,
        dryRun: !options.live,
        scorer: scorerDescription,
      }),
      audit: () => bot.audit,
    });
    // The port and the data folder are checked first, before anything slow or written.
    const slack = await startSlack(options, history, page, secrets);
    teardown.add(() => slack.close());
    await mkdir(dataDir, { recursive: true });
    await folderSecrets.save();
    const modelPath = join(dataDir, DEMO_MODEL_FILE);
    const pagerDuty = await startLocalPagerDuty({ routingKey: DEMO_ROUTING_KEY });
    teardown.add(() => pagerDuty.close());
    const config = demoConfig({
      ...options,
      dataDir,
      slack,
      modelPath,
      pagerDutyUrl: pagerDuty.url,
    });
    const store = await openDemoStore(config, dataDir);
    let runtime: Runtime | undefined = undefined;
    let pageQueue: InProcessPageQueue | undefined;
    teardown.add(async () => {
      // Let an action that is running finish (and be audited) before the store closes.
      await runtime?.remediation.idle();
      await pageQueue?.idle();
      await (runtime ?? store).close();
    });
    const keeper = keepHistory(slack, history, options.log);
    teardown.add(() => keeper.stop());

    const model = await demoScorer(modelPath, clock);
    scorerDescription = model.scorer.description;
    const findings = freshen(
      options.findings === undefined
        ? placeInOrganization(await loadSampleFindings())
        : await options.findings(),
      await samplesClock(dataDir, clock),
    );
    const guardduty = new SampleGuardDuty(findings);
    const activity = organizationActivity(store);
    const lists = demoLists(dataDir);
    runtime = createRuntime(config, {
      log: options.log,
      scorer: model.scorer,
      store,
      findings: findingRecords(store),
      clock,
      // The demo's event bus delivers the canary's samples here, as EventBridge does on AWS.
      samples: canarySampleIntake(store, clock, options.log, config.canary.findingType),
      paging: inProcessPaging(config, options.log, { onQueue: (queue) => (pageQueue = queue) }),
      accounts: accountGate(config, DEMO_ACCOUNTS, options.log),
      // Dry run plans and audits without AWS; --live uses the machine's AWS credentials (and
      // assumes the member role in the demo's member accounts, which exist only in the demo).
      remediation: {
        guardduty: { reader: guardduty },
        activity,
        // Without --live only the demo's own lists are called (its files, its GuardDuty's sets).
        ...(options.live
          ? { aws: createAwsGateway(listGateway(s3ListStore(config))), sessions: memberSessions() }
          : { aws: lists.aws }),
      },
    });
    const seen = seenFindingsRecorder(activity, clock, options.log);
    const canary = demoCanary(config, runtime, findings, options.log);
    teardown.add(() => canary.bus.idle());
    bot = (options.bot ?? demoBotParts)({
      runtime,
      config,
      log: options.log,
      guardduty,
      canary: canary.canary,
      ...(options.live ? {} : { lists: lists.store }),
    });
    const boltApp = await startBot(config, bot, slack, runtime);
    teardown.add(() => boltApp.stop());

    const samples: PostedSample[] = [];
    for (const finding of findings) {
      const outcome = await runtime.publisher.publish(finding);
      if (reachedSlack(outcome)) await seen(finding);
      samples.push({ finding, outcome });
    }
    await pageQueue?.idle();
    // The Low samples waited for the digest: the demo shows today's at once.
    const digest = await digestPoster(runtime, options.log).run(
      DEMO_CHANNEL.id,
      scheduledRunId(DEMO_CHANNEL.id, clock()),
    );
    await keeper.flush();

    let closing: Promise<void> | undefined;
    return {
      url: slack.url,
      dataDir,
      dryRun: config.dryRun,
      slack,
      channel: DEMO_CHANNEL.id,
      samples,
      model: { path: model.path, trained: model.trained, description: model.scorer.description },
      bot,
      pagerDuty,
      digest,
      canary,
      close: () => (closing ??= teardown.run()),
    };
  } catch (error) {
    await teardown.run().catch(() => undefined);
    throw error;
  }
}
