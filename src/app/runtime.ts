import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { InProcessDispatcher } from '../actions/dispatch';
import type { AwsGateway } from '../actions/ports/awsGateway';
import type { Dispatcher } from '../actions/ports/dispatch';
import type {
  AuditRepository,
  IntentRepository,
  RemediationStateRepository,
} from '../actions/ports/repositories';
import { postedFindings } from '../actions/postedFindings';
import { Authorizer } from '../actions/responders';
import { DefaultRemediationService } from '../actions/service';
import { RemediationWorker } from '../actions/worker';
import { slackGroupDirectory } from '../bot/interactions/directory';
import {
  registerRemediationListeners,
  suppressModalOpener,
  type OpenSuppressModal,
} from '../bot/interactions/listeners';
import { SlackReporter } from '../bot/interactions/reporter';
import type { Config } from '../config';
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline';
import { auditLog, intents as intentsOf } from './remediationRepositories';

export { createPipeline, type Pipeline, type PipelineOptions } from './pipeline';

/** The remediation layer: buttons, service, worker and audit log, wired to one store. */
export interface Remediation {
  readonly service: DefaultRemediationService;
  readonly worker: RemediationWorker;
  readonly dispatcher: Dispatcher;
  readonly audit: AuditRepository;
  readonly state: RemediationStateRepository;
  readonly intents: IntentRepository;
  /** Registers the button and modal listeners on a Bolt app (for `createBoltApp`'s `register`). */
  readonly listeners: (app: App) => void;
  /** Opens the suppress modal (for `/guardduty suppress`), with the client of the listener. */
  openSuppressModal(client: WebClient): OpenSuppressModal;
  /** Resolves when the in-process worker has no run left (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
}

export interface RemediationOptions {
  /** Live AWS for the worker (`createAwsGateway()`); without it only dry-run intents can run. */
  readonly aws?: AwsGateway;
  /** Where accepted intents go (the worker Lambda on AWS); default: the worker in this process. */
  readonly dispatcher?: Dispatcher;
}

export interface RuntimeOptions extends PipelineOptions {
  readonly remediation?: RemediationOptions;
}

export interface Runtime extends Pipeline {
  readonly remediation: Remediation;
}

/** The pipeline plus the remediation layer: what the Slack function, worker, CLI and demo run. */
export function createRuntime(config: Config, options: RuntimeOptions): Runtime {
  const pipeline = createPipeline(config, options);
  return { ...pipeline, remediation: createRemediation(config, options, pipeline) };
}

function createRemediation(config: Config, options: RuntimeOptions, parts: Pipeline): Remediation {
  const { store, slack, findings, publisher, state, clock } = parts;
  const { log } = options;
  const audit = auditLog(store);
  const intents = intentsOf(store);
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
    responders: config.responders,
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
