import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { createAwsGateway } from './awsGateway';
import { accountGate, loadAccountsPolicy } from './accounts';
import { memberSessions } from './memberSessions';
import { organizationActivity } from './organizationActivity';
import { sdkRegionalReaders } from '../aws/regionalGuardDutyReaders';
import type { RegionalReaders } from '../bot/commands/deps';
import type { OrganizationActivity } from '../actions/ports/organizationActivity';
import { listGateway, listStoreOf, s3ListStore } from './ipLists';
import { DeferredCommandSchema, respondTo, slashCommandOf } from '../bot/commands/defer';
import { SuppressCountJobSchema, suppressCounter } from '../bot/interactions/suppressCount';
import { postedFindings } from '../actions/postedFindings';
import { commandAnswerer } from '../bot/commands/register';
import { commandDeps } from './botListeners';
import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import { loadConfig, type Config } from '../config';
import type { Log } from '../shared/log';
import { createLogger } from './logging';
import { coldStartOnce } from './coldStart';
import { createRuntime, type Runtime } from './runtime';
import { loadRoutingTable } from './routes';
import { scorerFromConfig } from './scorer';
import { openDynamoStore } from './store';
import { findingReader } from './findingRepositories';
import { withSlackSecrets } from '../aws/slackSecrets';
import { queuedPaging } from './queuedPaging';
import { healthView } from './regionStates';

const WorkerEventSchema = z.union([
  z.object({ intentId: z.string().min(1).max(1024) }),
  z.object({ command: DeferredCommandSchema }),
  z.object({ suppressCount: SuppressCountJobSchema }),
  // The hourly schedule (template: ExpirySchedule).
  z.object({ upkeep: z.literal('suppression-expiry') }),
]);

export type WorkerResult =
  | { readonly kind: 'done'; readonly intentId: string }
  | { readonly kind: 'expired'; readonly deleted: number; readonly failed: number }
  | { readonly kind: 'answered'; readonly command: string }
  /** The suppress modal's count of open findings was filled in (or the modal was gone). */
  | { readonly kind: 'counted'; readonly findingId: string }
  /** The answer could not be delivered (the response_url expired or refused it); logged as such. */
  | { readonly kind: 'unanswered'; readonly command: string }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface WorkerParts {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly guardduty: GuardDutyReader;
  /** `--region`: GuardDuty in the other regions. */
  readonly regions?: RegionalReaders;
  /** `status`: the accounts and regions seen, the AssumeRole failures. */
  readonly activity?: OrganizationActivity;
  /** Posts to a response_url (injected so tests can watch it). */
  readonly fetch?: typeof fetch;
}

/**
 * The worker, invoked asynchronously by the Slack function with `{intentId}` (a remediation to
 * run once: a Lambda retry finds it taken or finished and only re-reports) or `{command}` (a slow
 * `/guardduty` subcommand to answer through its response_url), and by the schedule with
 * `{upkeep}` (expired suppression rules deleted, each through an intent of the stack's own). An error from Slack or the store
 * throws, so Lambda retries and finally sends the event to the dead-letter queue.
 */
export function createWorkerHandler(parts: () => Promise<WorkerParts>, log: Log) {
  return async (event: unknown): Promise<WorkerResult> => {
    const parsed = WorkerEventSchema.safeParse(event);
    if (!parsed.success) {
      const reason = `not a worker event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      log.error('rejected worker event', { reason });
      return { kind: 'rejected', reason };
    }
    const { runtime, config, guardduty, regions, activity, fetch: fetchFn } = await parts();
    if ('upkeep' in parsed.data) {
      const results = await runtime.remediation.expiry.run();
      return {
        kind: 'expired',
        deleted: results.filter((r) => r.kind === 'deleted').length,
        failed: results.filter((r) => r.kind === 'failed').length,
      };
    }
    if ('intentId' in parsed.data) {
      await runtime.remediation.worker.run(parsed.data.intentId);
      return { kind: 'done', intentId: parsed.data.intentId };
    }
    if ('suppressCount' in parsed.data) {
      const job = parsed.data.suppressCount;
      const count = suppressCounter(
        { findings: postedFindings(runtime.findings), reader: guardduty, log },
        runtime.slack,
      );
      await count(job);
      return { kind: 'counted', findingId: job.findingId };
    }
    const command = slashCommandOf(parsed.data.command);
    const answer = commandAnswerer(
      commandDeps({
        config,
        runtime,
        log,
        guardduty,
        health: healthView(config, runtime.store),
        ...(regions === undefined ? {} : { regions }),
        ...(activity === undefined ? {} : { activity }),
        ...listStoreOf(config),
      }),
    );
    const delivered = await answer(
      command,
      respondTo(command.response_url, fetchFn),
      runtime.slack,
    );
    // `archive` records an intent and runs it in this process after answering: Lambda freezes
    // the container once the handler returns, so the handler returns only when it has finished.
    await runtime.remediation.idle();
    if (!delivered) {
      log.error('deferred command NOT answered: its response_url refused the answer', {
        user: command.user_id,
        text: command.text,
      });
      return { kind: 'unanswered', command: command.text };
    }
    log.info('deferred command answered', { user: command.user_id, text: command.text });
    return { kind: 'answered', command: command.text };
  };
}

/** The worker function as Lambda runs it: live AWS, configuration from the environment. */
export function workerFunction() {
  const { logger, log } = createLogger('guardduty-chatops-worker');
  const parts = coldStartOnce(async (): Promise<WorkerParts> => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
    const store = openDynamoStore(config);
    const { guardduty, regions } = await sdkRegionalReaders();
    const activity = organizationActivity(store);
    const runtime = createRuntime(config, {
      paging: queuedPaging(config),
      log,
      store,
      findings: findingReader(store),
      // `/guardduty status` lists the routes: the worker answers it.
      routes: await loadRoutingTable(config),
      scorer: await scorerFromConfig(config, { log }),
      accounts: accountGate(config, await loadAccountsPolicy(config), log),
      remediation: {
        aws: createAwsGateway(listGateway(s3ListStore(config))),
        guardduty: { reader: guardduty },
        sessions: memberSessions(),
        activity,
      },
    });
    return { config, runtime, guardduty, activity, ...(regions === undefined ? {} : { regions }) };
  });
  const handle = createWorkerHandler(parts, log);
  // Every log line of an invocation carries its request id and cold-start flag (Lambda context).
  return (event: unknown, context: Context): Promise<WorkerResult> => {
    logger.addContext(context);
    return handle(event);
  };
}
