import { listPolicy } from './listPolicy';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AuditTrail } from '../actions/audit/trail';
import type { Dispatcher } from '../actions/ports/dispatch';
import type {
  AuditRepository,
  IntentRepository,
  SubjectStateRepository,
} from '../actions/ports/repositories';
import type { RefusalLimiter } from '../actions/ports/refusalLimiter';
import type { WorkspaceDirectory } from '../actions/ports/workspace';
import { postedFindings } from '../actions/postedFindings';
import { Authorizer } from '../actions/responders';
import { DefaultRemediationService } from '../actions/service';
import { slackGroupDirectory } from '../bot/interactions/directory';
import {
  registerRemediationListeners,
  suppressModalOpener,
  type OpenSuppressModal,
} from '../bot/interactions/listeners';
import type { HandOffSuppressCount } from '../bot/interactions/suppressCount';
import { botIdentity, type BotAuthorize } from '../bot/botIdentity';
import { registerPagingListeners } from '../bot/paging/listeners';
import type { Config } from '../config';
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline';
import { auditLog, auditTrail, intents, refusalLimiter } from './remediationRepositories';

/**
 * The remediation layer as Slack meets it: the service a click goes through, the listeners, the
 * audit log. Accepted intents go to a dispatcher; the worker that runs them is not part of this
 * (the internet-facing Slack function carries no worker code at all).
 */
export interface Remediation {
  readonly service: DefaultRemediationService;
  readonly dispatcher: Dispatcher;
  /** The audit log as read (listings). */
  readonly audit: AuditRepository;
  /** The audit log as written: each record once, its chain's head anchored. */
  readonly trail: AuditTrail;
  readonly subjects: SubjectStateRepository;
  readonly intents: IntentRepository;
  readonly authorizer: Authorizer;
  readonly workspace: WorkspaceDirectory;
  /** The Bolt app's `authorize`: the same `auth.test` as `workspace`. */
  readonly authorize: BotAuthorize;
  readonly refusals: RefusalLimiter;
  /** Registers the button and modal listeners on a Bolt app (for `createBoltApp`'s `register`). */
  readonly listeners: (app: App) => void;
  /** Opens the suppress modal (for `/guardduty suppress`), with the client of the listener. */
  openSuppressModal(client: WebClient): OpenSuppressModal;
  /** Resolves when an in-process worker has no run left (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
}

export interface Runtime extends Pipeline {
  readonly remediation: Remediation;
}

export interface IntakeOptions extends PipelineOptions {
  /** Where accepted intents go: the worker function on Lambda. */
  readonly dispatcher: Dispatcher;
  /** Who counts the open findings of a type for the suppress modal: the worker on Lambda. */
  readonly suppressCount: HandOffSuppressCount;
}

/** The pipeline and the remediation intake, wired to one store. */
export function createIntakeRuntime(config: Config, options: IntakeOptions): Runtime {
  const pipeline = createPipeline(config, options);
  return {
    ...pipeline,
    remediation: remediationIntake(
      config,
      options,
      pipeline,
      { dispatcher: options.dispatcher, suppressCount: options.suppressCount },
      () => Promise.resolve(),
    ),
  };
}

export function remediationIntake(
  config: Config,
  options: PipelineOptions,
  parts: Pipeline,
  handOffs: { readonly dispatcher: Dispatcher; readonly suppressCount?: HandOffSuppressCount },
  idle: () => Promise<void>,
): Remediation {
  const { dispatcher, suppressCount } = handOffs;
  const { store, slack, findings, publisher, subjects, clock, pages } = parts;
  const { log } = options;
  const authorizer = new Authorizer({
    users: config.responders.users,
    groups: config.responders.groups,
    directory: slackGroupDirectory(slack),
    clock,
    log,
  });
  // One auth.test per container, shared with the Bolt app's authorize.
  const identity = botIdentity(slack, config.slack.botToken);
  const { workspace } = identity;
  const trail = auditTrail(store, config, log);
  const refusals = refusalLimiter(store, clock);
  const intentRepository = intents(store);
  const service = new DefaultRemediationService({
    findings: postedFindings(findings),
    intents: intentRepository,
    subjects,
    audit: trail,
    authorizer,
    workspace,
    refusals,
    dispatcher,
    lists: listPolicy(config),
    config: { dryRun: config.dryRun, protectedPrincipals: config.protectedPrincipals },
    clock,
    log,
  });
  const interactionDeps = {
    service,
    findings: postedFindings(findings),
    subjects,
    publisher,
    responders: config.responders,
    clock,
    log,
    ...(suppressCount === undefined ? {} : { suppressCount }),
  };
  return {
    service,
    dispatcher,
    audit: auditLog(store),
    trail,
    subjects,
    intents: intentRepository,
    authorizer,
    workspace,
    authorize: identity.authorize,
    refusals,
    listeners: (app) => {
      registerRemediationListeners(interactionDeps)(app);
      // "Page on-call" and "Acknowledge", when an on-call tool is configured.
      if (pages !== undefined) {
        registerPagingListeners({
          pages,
          isResponder: (userId) => authorizer.isResponder(userId),
          clock,
          log,
        })(app);
      }
    },
    openSuppressModal: (client) => suppressModalOpener(interactionDeps, client),
    idle,
  };
}
