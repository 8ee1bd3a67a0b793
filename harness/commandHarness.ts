import { defaultRoutingTable, type RoutingTable } from '../src/routing/routes';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, type App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import {
  startLocalSlack,
  type EphemeralMessage,
  type LocalSlack,
} from '@guardduty-chatops/slack-sandbox';
import type {
  ActionRequest,
  Actor,
  AuditEntry,
  AuditReader,
  RemediationService,
  RequestOutcome,
} from '../src/actions/contract';
import { chainOf } from '../src/actions/audit/record';
import type { GuardDutyReader } from '../src/actions/ports/guardDutyReader';
import { createBoltApp } from '../src/bot/app';
import { slackHttpReceiver } from '../src/bot/server';
import type {
  AccountNames,
  CommandDeps,
  HealthView,
  OpenSuppressModal,
  RegionalReaders,
} from '../src/bot/commands/deps';
import { readAccess } from '../src/bot/commands/readAccess';
import { registerCommands } from '../src/bot/commands/register';
import type { MessageDecorator } from '../src/bot/findingPublisher';
import type { ScoreView } from '../src/bot/render/finding';
import { silentSlackLogger as silentLogger } from '../src/bot/slackLogger';
import type { Finding } from '../src/findings';
import type { Scorer } from '../src/ipinsights/scorer';
import { silentLog } from '../src/shared/log';
import { DynamoFindingRecords } from '../src/store/dynamoFindingRecords';
import { DynamoOrganizationActivity } from '../src/store/dynamoOrganizationActivity';
import { startTestStore, type TestStore } from './store';

export const CHANNEL = 'C0SECURITY';
/** A channel that is not the security channel. */
export const OTHER_CHANNEL = 'C0RANDOM';
/** A responder (in RESPONDERS). */
export const ALICE = 'U0ALICE';
/** Not a responder: read-only. */
export const BOB = 'U0BOB';
export const TEAM = 'T0LOCAL001';

/**
 * An in-test RemediationService with the contract's behaviour as the commands see it: only
 * responders may act, a second request for the same action is a duplicate, and every request,
 * refusal and acceptance is written to the audit log. The real one is built on branch
 * `remediation`; this stands in for it without module mocking.
 */
export class FakeRemediation implements RemediationService {
  readonly requests: ActionRequest[] = [];
  private readonly accepted = new Map<string, { actor: Actor; at: string }>();

  constructor(
    private readonly responders: ReadonlySet<string>,
    private readonly audit: MemoryAudit,
    private readonly clock: () => Date,
    private readonly dryRun: boolean,
  ) {}

  request(request: ActionRequest): Promise<RequestOutcome> {
    this.requests.push(request);
    const at = this.clock().toISOString();
    if (!this.responders.has(request.actor.userId)) {
      const reason = `${request.actor.userId} is not a responder`;
      this.audit.append({ ...this.entry(request, at), type: 'refusal', result: reason });
      return Promise.resolve({ kind: 'refused', reason });
    }
    const key = `${request.kind}:${request.findingId}`;
    const earlier = this.accepted.get(key);
    if (earlier !== undefined) {
      return Promise.resolve({
        kind: 'duplicate',
        by: earlier.actor,
        at: earlier.at,
        status: 'pending',
      });
    }
    this.accepted.set(key, { actor: request.actor, at });
    this.audit.append({ ...this.entry(request, at), type: 'request' });
    return Promise.resolve({
      kind: 'accepted',
      intentId: `intent-${this.requests.length}`,
      dryRun: this.dryRun,
    });
  }

  private entry(request: ActionRequest, at: string): Omit<AuditEntry, 'seq' | 'chain' | 'type'> {
    return {
      at,
      actor: request.actor,
      action: request.kind,
      findingId: request.findingId,
      target: request.finding?.resource?.instanceDetails?.instanceId ?? '',
      dryRun: this.dryRun,
    };
  }
}

/** An append-only audit log in memory, read newest first like the contract says. */
export class MemoryAudit implements AuditReader {
  readonly entries: AuditEntry[] = [];
  readonly queries: Parameters<AuditReader['list']>[0][] = [];

  /** Appends to the entry's finding's chain, as the real log does. */
  append(entry: Omit<AuditEntry, 'seq' | 'chain'>): void {
    const chain = chainOf(entry);
    const seq = this.entries.filter((e) => e.chain === chain).length + 1;
    this.entries.push({ ...entry, chain, seq });
  }

  list(query: Parameters<AuditReader['list']>[0]): Promise<AuditEntry[]> {
    this.queries.push(query);
    return Promise.resolve(
      [...this.entries]
        .reverse()
        .filter((e) => query.findingId === undefined || e.findingId === query.findingId)
        .filter((e) => query.userId === undefined || e.actor.userId === query.userId)
        .slice(0, query.limit),
    );
  }
}

export interface CommandHarnessOptions {
  readonly guardduty: GuardDutyReader;
  readonly scorer: Scorer;
  readonly clock: () => Date;
  readonly decorate?: MessageDecorator;
  readonly dryRun?: boolean;
  readonly ackBudgetMs?: number;
  readonly detectorId?: string;
  /** The routes `status` lists (default: the built-in ones for the test channel). */
  readonly routes?: RoutingTable;
  /** GuardDuty in other regions (`--region`). */
  readonly regions?: RegionalReaders;
  /** Account names (`--account NAME`, listings, status). */
  readonly accounts?: AccountNames;
  /** `status` reads the organisation's activity from the harness's store (`h.activity`). */
  readonly organizationActivity?: true;
  /** What `status` reads of the canary and the retraining. */
  readonly health?: HealthView;
}

export interface SlashResult {
  readonly status: number;
  /** The ack body as the bot sent it (JSON), or undefined for an empty ack. */
  readonly ack: unknown;
}

export interface CommandHarness {
  readonly slack: LocalSlack;
  readonly app: App;
  readonly store: TestStore;
  readonly findings: DynamoFindingRecords;
  readonly remediation: FakeRemediation;
  readonly audit: MemoryAudit;
  /** A WebClient acting as the bot, to post finding messages for `status`. */
  readonly client: WebClient;
  /** Where findings came from and AssumeRole failed, in the harness's store. */
  readonly activity: DynamoOrganizationActivity;
  /** Sends `/guardduty TEXT` as Slack would (signed, over HTTP) and returns the ack. */
  run(text: string, user?: string, channel?: string): Promise<SlashResult>;
  /** Runs a command whose answer comes by response_url, and returns that answer. */
  runAndWait(text: string, user?: string): Promise<EphemeralMessage>;
  /** Resolves when `count` answers have arrived by response_url in total. */
  responses(count: number): Promise<EphemeralMessage[]>;
  close(): Promise<void>;
}

export function responseUrlAnswers(slack: LocalSlack): EphemeralMessage[] {
  return slack.workspace.listEphemerals().filter((e) => e.source === 'response_url');
}

export function waitForResponses(slack: LocalSlack, count: number): Promise<EphemeralMessage[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const answers = responseUrlAnswers(slack);
      if (answers.length < count) return false;
      resolve(answers);
      return true;
    };
    if (check()) return;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`waited 5 s for ${count} response_url answers`));
    }, 5000);
    const unsubscribe = slack.onChange(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
    });
  });
}

/**
 * The real Bolt app with `/guardduty` registered, on 127.0.0.1 (HTTPReceiver, port 0), talking to
 * a local Slack, with a dynalite finding store. GuardDuty is whatever reader the test passes
 * (the SDK reader over an `aws-sdk-client-mock`ed client).
 */
export async function startCommandHarness(options: CommandHarnessOptions): Promise<CommandHarness> {
  const dryRun = options.dryRun ?? true;
  const slack = await startLocalSlack({
    channels: [
      { id: CHANNEL, name: 'security' },
      { id: OTHER_CHANNEL, name: 'random' },
    ],
    users: [
      { id: ALICE, name: 'alice', real_name: 'Alice' },
      { id: BOB, name: 'bob' },
      // Two people Slack would both show for "@sam".
      { id: 'U0SAM1', name: 'sam', real_name: 'Sam One' },
      { id: 'U0SAM2', name: 'sam.two', real_name: 'Sam' },
    ],
  });
  const store = await startTestStore();
  const findings = new DynamoFindingRecords(store.client, store.tables.findings);
  const activity = new DynamoOrganizationActivity(store.client, store.tables.idempotency);
  const audit = new MemoryAudit();
  const remediation = new FakeRemediation(new Set([ALICE]), audit, options.clock, dryRun);
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, logger: silentLogger });
  // The remediation layer's modal opener stands in here: refuse non-responders, else open a form.
  const openSuppressModal: OpenSuppressModal = async (triggerId, findingId, actor) => {
    if (actor.userId !== ALICE) {
      return { kind: 'refused', reason: `${actor.userId} is not a responder` };
    }
    await client.views.open({
      trigger_id: triggerId,
      view: {
        type: 'modal',
        callback_id: 'suppress_similar',
        private_metadata: JSON.stringify({ findingId }),
        title: { type: 'plain_text', text: 'Suppress similar' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Finding ${findingId}` } }],
      },
    });
    return { kind: 'opened' };
  };
  const deps: CommandDeps = {
    listRegion: 'us-east-1',
    responders: { users: [ALICE], groups: [] },
    // Alice is a responder; nobody else may read outside the security channel.
    access: readAccess(
      CHANNEL,
      { isResponder: (user) => Promise.resolve(user === ALICE) },
      { isResponder: () => Promise.resolve(false) },
    ),
    guardduty: options.guardduty,
    findings,
    scorer: options.scorer,
    remediation,
    audit,
    openSuppressModal,
    channel: CHANNEL,
    dryRun,
    routes: options.routes ?? defaultRoutingTable(CHANNEL),
    clock: options.clock,
    log: silentLog,
    ...(options.decorate === undefined ? {} : { decorate: options.decorate }),
    ...(options.detectorId === undefined ? {} : { detectorId: options.detectorId }),
    ...(options.regions === undefined ? {} : { regions: options.regions }),
    ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
    ...(options.organizationActivity === true ? { activity } : {}),
    ...(options.health === undefined ? {} : { health: options.health }),
  };
  const receiver = slackHttpReceiver({ signingSecret: slack.signingSecret, logger: silentLogger });
  const app = createBoltApp({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    receiver,
    logLevel: LogLevel.ERROR,
    register: [
      (bolt) =>
        registerCommands(
          bolt,
          deps,
          options.ackBudgetMs === undefined ? {} : { ackBudgetMs: options.ackBudgetMs },
        ),
    ],
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  slack.setEventsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);

  const run = async (text: string, user = ALICE, channel = CHANNEL): Promise<SlashResult> => {
    const answer = await slack.runSlashCommand({ user, channel, text });
    return {
      status: answer.status,
      ack: answer.body.trim() === '' ? undefined : (JSON.parse(answer.body) as unknown),
    };
  };
  return {
    slack,
    app,
    store,
    findings,
    remediation,
    audit,
    client,
    activity,
    run,
    runAndWait: async (text, user = ALICE) => {
      const before = responseUrlAnswers(slack).length;
      const { status, ack } = await run(text, user);
      if (status !== 200 || ack !== undefined) {
        throw new Error(`expected an empty ack, got ${status} ${JSON.stringify(ack)}`);
      }
      const answers = await waitForResponses(slack, before + 1);
      return answers[before]!;
    },
    responses: (count) => waitForResponses(slack, count),
    close: async () => {
      await app.stop();
      await slack.close();
      await store.close();
    },
  };
}

/** A verbatim mrkdwn section and context block, as the command renderers build them. */
export const sectionBlock = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text, verbatim: true },
});
export const contextBlock = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text, verbatim: true }],
});

/** Records a finding as posted to the channel at `ts`, as the publisher leaves it. */
export async function seedPostedFinding(
  findings: DynamoFindingRecords,
  finding: Finding,
  message: { readonly ts: string; readonly score: ScoreView; readonly atMs: number },
): Promise<void> {
  await findings.claim({
    findingId: finding.id,
    status: 'posting',
    claimToken: 'seed',
    claimedAt: message.atMs,
    channel: CHANNEL,
    accountId: finding.accountId,
    region: finding.region,
    count: finding.service.count,
    updatedAtMs: Date.parse(finding.updatedAt),
    severity: finding.severity,
    type: finding.type,
    title: finding.title,
    finding: JSON.stringify(finding),
    score: JSON.stringify(message.score),
  });
  await findings.markPosted(finding.id, 'seed', {
    channel: CHANNEL,
    ts: message.ts,
    postedAt: message.atMs,
  });
}
