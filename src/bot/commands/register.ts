import { errorMessage } from '../../shared/errors';
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ActionRequest } from '../../actions/contract';
import { parseStoredFinding, type Finding } from '../../findings';
import { entityForPrincipal } from '../../shared/principalEntity';
import type { FindingRecord } from '../../actions/findingRecords';
import { renderFinding, renderFindingDetails, type ScoreView } from '../render/finding';
import { code, prose } from '../render/text';
import { scoreFinding } from '../scoreFinding';
import type { CommandDeps } from './deps';
import type { Command } from './parse';
import { parseCommand } from './parse';
import { detectorResolver, findingStats, listFindings } from './queries';
import {
  actorOf,
  oneLine,
  renderAudit,
  renderHelp,
  renderNameLookup,
  renderOutcome,
  renderScore,
  type CommandResponse,
} from './responses';
import { renderIpList, renderListOutcome } from './listResponses';
import { renderList, renderStats } from './findingListings';
import { lookUpAccount, type NamedAccount } from './accountNames';
import type { GuardDutyReader } from '../../actions/ports/guardDutyReader';
import type { Scope } from './parse';
import { peopleNamed } from './people';
import { deferredCommandOf, type DeferCommand } from './defer';
import { askAResponder } from '../interactions/words';
import { COMMAND } from './spec';
import { gatherStatus, latestFindingMessage, renderStatus } from './statusReport';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type SlashCommand = CommandArgs['command'];

/** Slack waits 3 s for the ack; a fast answer that takes longer than this goes by response_url. */
const DEFAULT_ACK_BUDGET_MS = 2_000;

export interface RegisterOptions {
  /** How long `score` may take to answer in the ack itself (tests shorten it). */
  readonly ackBudgetMs?: number;
  /**
   * On Lambda the receiver answers Slack only when the listener returns: the slow subcommands are
   * then handed to the worker function, which answers through response_url.
   */
  readonly defer?: DeferCommand;
}

/** What reads findings, the audit log or the bot's health. */
const READS: ReadonlySet<Command['kind']> = new Set([
  'list',
  'show',
  'stats',
  'audit',
  'status',
  'score',
  'threatlist',
  'trust',
]);

type Located =
  | {
      readonly kind: 'found';
      readonly finding: Finding;
      readonly record?: FindingRecord;
    }
  | { readonly kind: 'missing'; readonly answer: CommandResponse };

/** Where a `list` or `stats` reads: a region's detector, one account or all of them. */
type Where =
  | {
      readonly kind: 'ok';
      readonly reader: GuardDutyReader;
      readonly detectorId: () => Promise<string>;
      /** Undefined when the deployment does not know its region (no `regions`). */
      readonly region?: string;
      readonly account?: NamedAccount;
      readonly names: ReadonlyMap<string, string>;
    }
  | { readonly kind: 'refused'; readonly answer: CommandResponse };

/**
 * The `/guardduty` listener. Help, parse errors and scores answer in the ack; everything that
 * reads GuardDuty, the store or the audit log acks at once and answers through response_url.
 * Archive and suppress go through the remediation service only.
 */
class CommandHandler {
  private readonly detectorId: () => Promise<string>;
  /** Other regions' detectors, found once each. */
  private readonly regionalDetectors = new Map<string, () => Promise<string>>();
  private readonly ackBudgetMs: number;
  private readonly defer: DeferCommand | undefined;

  constructor(
    private readonly deps: CommandDeps,
    options: RegisterOptions,
  ) {
    this.detectorId = detectorResolver(deps.guardduty, deps.detectorId, deps.regions?.home);
    this.ackBudgetMs = options.ackBudgetMs ?? DEFAULT_ACK_BUDGET_MS;
    this.defer = options.defer;
  }

  /** The worker's side of a deferred command: the same answer, through response_url. */
  async answerDeferred(
    command: SlashCommand,
    respond: CommandArgs['respond'],
    client: CommandArgs['client'],
  ): Promise<boolean> {
    const parsed = parseCommand(command.text);
    if (!parsed.ok) return false;
    const request = parsed.command;
    if (
      request.kind === 'help' ||
      request.kind === 'suppress' ||
      request.kind === 'digest' ||
      (request.kind === 'status' && request.check)
    ) {
      return false;
    }
    // The worker checks again: a deferred command is a claim of the Slack side, not a proof.
    const refusal = await this.readRefusal(request, command);
    if (refusal !== undefined) return this.send(respond, refusal);
    return this.answerLater(respond, describe(request), () =>
      request.kind === 'score'
        ? this.score(request.principal, request.ip)
        : this.slow(request, command, client),
    );
  }

  /** Acks at once and hands the command to the worker, which answers through response_url. */
  private async deferAfterAck(
    ack: CommandArgs['ack'],
    respond: CommandArgs['respond'],
    what: string,
    command: SlashCommand,
    defer: DeferCommand,
  ): Promise<void> {
    await ack();
    await this.answerLater(respond, what, async () => {
      await defer(deferredCommandOf(command));
      return undefined;
    });
  }

  async handle({ command, ack, respond, client }: CommandArgs): Promise<void> {
    const parsed = parseCommand(command.text);
    if (!parsed.ok) {
      await ack(oneLine(`:warning: ${parsed.error.text}`));
      return;
    }
    const request = parsed.command;
    const refusal = await this.readRefusal(request, command);
    if (refusal !== undefined) {
      await ack(refusal);
      return;
    }
    if (request.kind === 'status' && request.check) {
      // Run by the canary (its own function on Lambda), which answers when its checks are done.
      await ack();
      await this.answerLater(respond, 'run the canary', () => this.canaryCheck(command));
      return;
    }
    switch (request.kind) {
      case 'help':
        await ack(renderHelp(request.topic));
        return;
      case 'score': {
        const defer = this.defer;
        if (defer !== undefined) {
          await this.deferAfterAck(ack, respond, describe(request), command, defer);
          return;
        }
        await this.answerFast(ack, respond, () => this.score(request.principal, request.ip));
        return;
      }
      case 'suppress':
        await ack();
        await this.answerLater(respond, 'open the suppress form', () =>
          this.suppress(request.findingId, command),
        );
        return;
      case 'digest':
        // Posted by whoever writes finding records (the digest function on Lambda), never deferred
        // to the worker.
        await ack();
        await this.answerLater(respond, 'post the digest', () => this.digest(command));
        return;
      default: {
        const defer = this.defer;
        if (defer === undefined) {
          await ack();
          await this.answerLater(respond, describe(request), () =>
            this.slow(request, command, client),
          );
          return;
        }
        await this.deferAfterAck(ack, respond, describe(request), command, defer);
      }
    }
  }

  private async canaryCheck(command: SlashCommand): Promise<CommandResponse | undefined> {
    const request = this.deps.requestCanaryCheck;
    if (request === undefined) return oneLine('The canary is not set up in this deployment.');
    return request({ userId: command.user_id, responseUrl: command.response_url });
  }

  private async digest(command: SlashCommand): Promise<CommandResponse | undefined> {
    const request = this.deps.requestDigest;
    if (request === undefined) return oneLine('Digests are not set up in this deployment.');
    return request({
      channel: command.channel_id,
      userId: command.user_id,
      responseUrl: command.response_url,
    });
  }

  private slow(
    request: Exclude<Command, { kind: 'help' | 'score' | 'suppress' | 'digest' }>,
    command: SlashCommand,
    client: CommandArgs['client'],
  ): Promise<CommandResponse> {
    switch (request.kind) {
      case 'list':
        return this.list(request);
      case 'stats':
        return this.stats(request);
      case 'show':
        return this.show(request.findingId, command.user_id);
      case 'archive':
        return this.archive(request.findingId, command);
      case 'audit':
        return this.audit(request, client);
      case 'status':
        return this.status(client);
      case 'threatlist':
      case 'trust':
        return this.listCommand(request, command);
    }
  }

  /** `threatlist|trust list|add|remove`: reads the file, or asks the remediation layer to change it. */
  private async listCommand(
    request: Extract<Command, { kind: 'threatlist' | 'trust' }>,
    command: SlashCommand,
  ): Promise<CommandResponse> {
    const name = request.kind === 'trust' ? 'trusted' : 'threat';
    if (request.action === 'list') {
      const store = this.deps.lists;
      if (store === undefined) return oneLine('The IP lists are not set up in this deployment.');
      const region = request.region ?? this.deps.listRegion;
      return renderIpList(name, region, await store.read(name, region));
    }
    const kind =
      request.kind === 'trust'
        ? request.action === 'add'
          ? 'trust-ip'
          : 'untrust-ip'
        : request.action === 'add'
          ? 'add-to-threat-list'
          : 'remove-from-threat-list';
    const outcome = await this.deps.remediation.request({
      // No finding: the remediation layer names the entry's own audit chain.
      findingId: 'list:',
      kind,
      actor: actorOf(command),
      source: 'command',
      list: {
        entry: request.entry ?? '',
        region: request.region ?? this.deps.listRegion,
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
        ...(request.wholeRange === true ? { wholeRange: true } : {}),
      },
      responseUrl: command.response_url,
    });
    return renderListOutcome(kind, request.entry ?? '', outcome, this.deps.responders);
  }

  /**
   * Reads (list, show, stats, audit, status, score) answer in the security channel, and elsewhere
   * to responders and viewers only; undefined when this user may have the answer here.
   */
  private async readRefusal(
    request: Command,
    command: SlashCommand,
  ): Promise<CommandResponse | undefined> {
    if (!READS.has(request.kind)) return undefined;
    if (await this.deps.access.mayRead(command.user_id, command.channel_id)) return undefined;
    this.deps.log.warn('/guardduty read refused outside the security channel', {
      user: command.user_id,
      subcommand: request.kind,
    });
    return oneLine(
      `:no_entry: \`${COMMAND} ${request.kind}\` answers in <#${this.deps.channel}> or to responders and viewers; ${askAResponder(this.deps.responders)}`,
    );
  }

  /** Answers in the ack when the work is done within the budget, else by response_url. */
  private async answerFast(
    ack: CommandArgs['ack'],
    respond: CommandArgs['respond'],
    work: () => Promise<CommandResponse>,
  ): Promise<void> {
    const answer = work().catch((error: unknown) => this.failure('score', error));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.ackBudgetMs);
    });
    const first = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (first !== 'late') {
      await ack(first);
      return;
    }
    await ack();
    await this.send(respond, await answer);
  }

  /** True when an answer reached the response_url (or none was due). */
  private async answerLater(
    respond: CommandArgs['respond'],
    what: string,
    work: () => Promise<CommandResponse | undefined>,
  ): Promise<boolean> {
    let answer: CommandResponse | undefined;
    try {
      answer = await work();
    } catch (error) {
      answer = this.failure(what, error);
    }
    return answer === undefined ? true : this.send(respond, answer);
  }

  private failure(what: string, error: unknown): CommandResponse {
    this.deps.log.error(`/guardduty: could not ${what}`, {
      error: errorMessage(error),
      name: error instanceof Error ? error.name : undefined,
    });
    return oneLine(`:x: Could not ${what}: ${prose(errorMessage(error), 400)}`);
  }

  private async send(respond: CommandArgs['respond'], answer: CommandResponse): Promise<boolean> {
    try {
      await respond(answer);
      return true;
    } catch (error) {
      // The response_url expired or Slack refused the message; nobody is left to tell but the log.
      this.deps.log.error('/guardduty: response_url post failed', { error: errorMessage(error) });
      return false;
    }
  }

  private async score(principal: string, ip: string): Promise<CommandResponse> {
    const entity = entityForPrincipal(principal);
    const [result] = await this.deps.scorer.score([{ entity, ip }]);
    return renderScore({
      principal,
      entity,
      ip,
      result: result ?? { kind: 'unscored', reason: 'the scorer returned no result' },
      scorer: this.deps.scorer.description,
    });
  }

  private now(): number {
    return this.deps.clock().getTime();
  }

  private async list(request: Extract<Command, { kind: 'list' }>): Promise<CommandResponse> {
    const where = await this.where(request);
    if (where.kind === 'refused') return where.answer;
    const result = await listFindings(
      where.reader,
      this.deps.findings,
      await where.detectorId(),
      {
        ...request,
        ...(where.account === undefined ? {} : { accountId: where.account.accountId }),
      },
      this.now(),
    );
    return renderList(request, result, where);
  }

  private async stats(request: Extract<Command, { kind: 'stats' }>): Promise<CommandResponse> {
    const where = await this.where(request);
    if (where.kind === 'refused') return where.answer;
    const stats = await findingStats(
      where.reader,
      await where.detectorId(),
      {
        since: request.since,
        ...(where.account === undefined ? {} : { accountId: where.account.accountId }),
      },
      this.now(),
    );
    return renderStats(request.since, stats, where);
  }

  /** The account names known here; none when they cannot be read (listings show ids then). */
  private async names(): Promise<ReadonlyMap<string, string>> {
    try {
      return (await this.deps.accounts?.names()) ?? new Map<string, string>();
    } catch (error) {
      this.deps.log.warn('/guardduty: account names could not be read', {
        error: errorMessage(error),
      });
      return new Map<string, string>();
    }
  }

  /** The region's detector and the account a `--region` / `--account` pair means. */
  private async where(scope: Scope): Promise<Where> {
    const names = await this.names();
    let account: NamedAccount | undefined;
    if (scope.account !== undefined) {
      const found = lookUpAccount(scope.account, names);
      if (found.kind === 'unknown') return { kind: 'refused', answer: oneLine(found.text) };
      account = found.account;
    }
    const regions = this.deps.regions;
    const base = { kind: 'ok' as const, names, ...(account === undefined ? {} : { account }) };
    if (regions === undefined) {
      if (scope.region === undefined) {
        return { ...base, reader: this.deps.guardduty, detectorId: this.detectorId };
      }
      return {
        kind: 'refused',
        answer: oneLine(
          `\`--region\` is not available here: this deployment reads GuardDuty in its own region only.`,
        ),
      };
    }
    const region = scope.region ?? regions.home;
    if (region === regions.home) {
      return { ...base, reader: this.deps.guardduty, detectorId: this.detectorId, region };
    }
    const reader = regions.readerIn(region);
    let detectorId = this.regionalDetectors.get(region);
    if (detectorId === undefined) {
      detectorId = detectorResolver(reader, undefined, region);
      this.regionalDetectors.set(region, detectorId);
    }
    return { ...base, reader, detectorId, region };
  }

  /** The finding from the store when the bot has seen it, otherwise from GuardDuty. */
  private async locate(findingId: string): Promise<Located> {
    const record = await this.deps.findings.get(findingId);
    if (record !== undefined) {
      return { kind: 'found', finding: parseStoredFinding(record.finding), record };
    }
    const detectorId = await this.detectorId();
    const fetched = await this.deps.guardduty.getFindings(detectorId, [findingId]);
    const finding = fetched.findings[0];
    if (finding !== undefined) return { kind: 'found', finding };
    const unreadable = fetched.unreadable[0];
    if (unreadable !== undefined) {
      return {
        kind: 'missing',
        answer: oneLine(
          `:x: Finding ${code(findingId, 140)} could not be read: ${prose(unreadable.reason, 300)}`,
        ),
      };
    }
    return {
      kind: 'missing',
      answer: oneLine(
        `No finding ${code(findingId, 140)} in GuardDuty (detector ${code(detectorId, 80)}). Check the id with \`${COMMAND} list\`.`,
      ),
    };
  }

  private async show(findingId: string, userId: string): Promise<CommandResponse> {
    const posted = await this.deps.findings.get(findingId);
    if (posted === undefined && !(await this.deps.access.isResponder(userId))) {
      return oneLine(
        `:no_entry: Finding ${code(findingId, 140)} was never posted here; only responders may look up other findings in GuardDuty (${askAResponder(this.deps.responders)}).`,
      );
    }
    const located = await this.locate(findingId);
    if (located.kind === 'missing') return located.answer;
    const { finding, record } = located;
    const score: ScoreView =
      record === undefined
        ? await scoreFinding(finding, this.deps.scorer, this.deps.log)
        : (JSON.parse(record.score) as ScoreView);
    const extras =
      this.deps.decorate === undefined ? {} : await this.deps.decorate(finding, record);
    // The message as the channel shows it, with its details under it: there is no thread here.
    const message = renderFinding(finding, { score, ...extras });
    const details = renderFindingDetails(finding, score);
    return {
      response_type: 'ephemeral',
      text: message.text,
      blocks: message.blocks,
      attachments: [...(message.attachments ?? []), { blocks: details.blocks }],
    };
  }

  private async archive(findingId: string, command: SlashCommand): Promise<CommandResponse> {
    const located = await this.locate(findingId);
    if (located.kind === 'missing') return located.answer;
    const request: ActionRequest = {
      findingId,
      kind: 'archive',
      actor: actorOf(command),
      source: 'command',
      responseUrl: command.response_url,
      // A finding the bot never posted travels with the request; a posted one is read from the store.
      ...(located.record === undefined ? { finding: located.finding } : {}),
    };
    return renderOutcome(
      'archive',
      findingId,
      await this.deps.remediation.request(request),
      this.deps.responders,
    );
  }

  private async suppress(
    findingId: string,
    command: SlashCommand,
  ): Promise<CommandResponse | undefined> {
    const outcome = await this.deps.openSuppressModal(
      command.trigger_id,
      findingId,
      actorOf(command),
    );
    if (outcome.kind === 'opened') return undefined;
    return renderOutcome('suppress', findingId, outcome, this.deps.responders);
  }

  private async audit(
    request: Extract<Command, { kind: 'audit' }>,
    client: CommandArgs['client'],
  ): Promise<CommandResponse> {
    const { subject } = request;
    let userId = subject?.kind === 'user' ? subject.userId : undefined;
    if (subject?.kind === 'userName') {
      const people = await peopleNamed(client, subject.name);
      const [only] = people;
      if (only === undefined || people.length > 1) return renderNameLookup(subject.name, people);
      userId = only.id;
    }
    const query = {
      limit: request.limit,
      ...(subject?.kind === 'finding' ? { findingId: subject.findingId } : {}),
      ...(userId === undefined ? {} : { userId }),
    };
    return renderAudit(query, await this.deps.audit.list(query));
  }

  private async status(client: CommandArgs['client']): Promise<CommandResponse> {
    const report = await gatherStatus({
      guardduty: this.deps.guardduty,
      detectorId: this.detectorId,
      findings: this.deps.findings,
      scorer: this.deps.scorer,
      dryRun: this.deps.dryRun,
      routes: this.deps.routes,
      clock: this.deps.clock,
      latestMessage: () => latestFindingMessage(client, this.deps.channel),
      ...(this.deps.activity === undefined ? {} : { activity: this.deps.activity }),
      names: () => this.names(),
      ...(this.deps.health === undefined ? {} : { health: this.deps.health }),
    });
    return renderStatus(report);
  }
}

function describe(request: Command): string {
  switch (request.kind) {
    case 'list':
      return 'list findings';
    case 'stats':
      return 'count findings';
    case 'show':
      return 'show the finding';
    case 'archive':
      return 'archive the finding';
    case 'audit':
      return 'read the audit trail';
    case 'status':
      return 'check the status';
    case 'score':
      return 'score the pair';
    default:
      return `run ${request.kind}`;
  }
}

/** Registers `/guardduty` on the Bolt app. */
export function registerCommands(app: App, deps: CommandDeps, options: RegisterOptions = {}): void {
  const handler = new CommandHandler(deps, options);
  app.command(COMMAND, (args) => handler.handle(args));
}

/** Answers a command deferred by the Slack function (the worker's side of `defer`). */
export function commandAnswerer(deps: CommandDeps) {
  const handler = new CommandHandler(deps, {});
  return (command: SlashCommand, respond: CommandArgs['respond'], client: CommandArgs['client']) =>
    handler.answerDeferred(command, respond, client);
}
