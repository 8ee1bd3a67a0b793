import { listPolicy } from './listPolicy';
import { randomUUID } from 'node:crypto';
import { InProcessDispatcher } from '../actions/dispatch';
import type { AccountSessions } from '../actions/ports/accountSessions';
import type { AwsGateway } from '../actions/ports/awsGateway';
import type { OrganizationActivity } from '../actions/ports/organizationActivity';
import type { Dispatcher } from '../actions/ports/dispatch';
import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import { postedFindings } from '../actions/postedFindings';
import { RemediationWorker } from '../actions/worker';
import { SlackReporter } from '../bot/interactions/reporter';
import { suppressCounter } from '../bot/interactions/suppressCount';
import { resolvingPages } from '../bot/paging/resolveOnRemediation';
import type { Config } from '../config';
import { guardDutyFindingSource } from './guardDutyFindingSource';
import { remediationIntake, type Remediation } from './intakeRuntime';
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline';
import { findingsBySubject } from './remediationRepositories';
import { SuppressionExpiry } from '../actions/expiry';
import { DynamoSuppressionExpiries } from '../store/dynamoSuppressionExpiries';

export { createPipeline, type Pipeline, type PipelineOptions } from './pipeline';
export type { Remediation } from './intakeRuntime';

/** The remediation layer with its worker: what runs intents (the worker function, serve, the demo). */
export interface WorkingRemediation extends Remediation {
  readonly worker: RemediationWorker;
  /** The scheduled job that deletes expired suppression rules through the worker. */
  readonly expiry: SuppressionExpiry;
}

export interface RemediationOptions {
  /** Live AWS for the worker (`createAwsGateway()`); without it only dry-run intents can run. */
  readonly aws?: AwsGateway;
  /** Where accepted intents go; default: the worker in this process, after the answer to Slack. */
  readonly dispatcher?: Dispatcher;
  /**
   * GuardDuty's read API, for the worker to fetch a finding a `/guardduty` command acts on that
   * was never posted (the worker never takes a finding from the intent).
   */
  readonly guardduty?: { readonly reader: GuardDutyReader; readonly detectorId?: string };
  /** Sessions in member accounts (`memberSessions()`), for findings of other accounts. */
  readonly sessions?: AccountSessions;
  /** Where AssumeRole failed, for `/guardduty status`. */
  readonly activity?: OrganizationActivity;
}

export interface RuntimeOptions extends PipelineOptions {
  readonly remediation?: RemediationOptions;
}

export interface Runtime extends Pipeline {
  readonly remediation: WorkingRemediation;
}

/** The pipeline plus the remediation layer and its worker, wired to one store. */
export function createRuntime(config: Config, options: RuntimeOptions): Runtime {
  const pipeline = createPipeline(config, options);
  const { store, slack, findings, publisher, subjects, clock, pages } = pipeline;
  const { log } = options;
  // Runs after the answer to Slack, by which time the worker below exists.
  const inProcess =
    options.remediation?.dispatcher === undefined
      ? new InProcessDispatcher((id) => worker.run(id), log)
      : undefined;
  const dispatcher = options.remediation?.dispatcher ?? inProcess;
  if (dispatcher === undefined) throw new Error('unreachable: no dispatcher');
  const guardduty = options.remediation?.guardduty;
  // The suppress modal's count of open findings, asked from GuardDuty in this process.
  const suppressCount =
    guardduty === undefined
      ? undefined
      : suppressCounter(
          {
            findings: postedFindings(findings),
            reader: guardduty.reader,
            ...(guardduty.detectorId === undefined ? {} : { detectorId: guardduty.detectorId }),
            log,
          },
          slack,
        );
  const intake = remediationIntake(
    config,
    options,
    pipeline,
    { dispatcher, ...(suppressCount === undefined ? {} : { suppressCount }) },
    () => (inProcess === undefined ? Promise.resolve() : inProcess.idle()),
  );
  // Archiving or remediating a paged finding resolves its page.
  const reporting = (reporter: SlackReporter) =>
    pages === undefined ? reporter : resolvingPages(reporter, pages, clock, log);
  const expiries = new DynamoSuppressionExpiries(store.client, store.tables.health);
  const worker = new RemediationWorker({
    intents: intake.intents,
    subjects,
    findings: postedFindings(findings),
    ...(guardduty === undefined
      ? {}
      : { guardduty: guardDutyFindingSource(guardduty.reader, guardduty.detectorId) }),
    authorizer: intake.authorizer,
    workspace: intake.workspace,
    audit: intake.trail,
    lists: listPolicy(config),
    ...(options.remediation?.aws === undefined ? {} : { aws: options.remediation.aws }),
    ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
    ...(options.remediation?.sessions === undefined
      ? {}
      : { sessions: options.remediation.sessions }),
    ...(options.remediation?.activity === undefined
      ? {}
      : { activity: options.remediation.activity }),
    reporter: reporting(
      new SlackReporter({
        publisher,
        findings,
        bySubject: findingsBySubject(store),
        client: slack,
        channel: config.slack.channelId,
        log,
      }),
    ),
    config: { dryRun: config.dryRun, protectedPrincipals: config.protectedPrincipals },
    clock,
    newToken: randomUUID,
    log,
    expiries,
  });
  const expiry = new SuppressionExpiry({
    expiries,
    subjects,
    intents: intake.intents,
    worker,
    dryRun: config.dryRun,
    clock,
    log,
  });
  return { ...pipeline, remediation: { ...intake, worker, expiry } };
}
