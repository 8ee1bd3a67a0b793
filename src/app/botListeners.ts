import type { IpListStore } from '../actions/ports/ipLists';
import type { App } from '@slack/bolt';
import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import type { Config } from '../config';
import type { Log } from '../shared/log';
import type { Runtime } from './intakeRuntime';
import type { CommandDeps, RegionalReaders } from '../bot/commands/deps';
import type { DeferCommand } from '../bot/commands/defer';
import { registerCommands } from '../bot/commands/register';
import { ownWorkspaceOnly } from '../bot/ownWorkspace';
import { readAccess } from '../bot/commands/readAccess';
import { slackGroupDirectory } from '../bot/interactions/directory';
import { Authorizer } from '../actions/responders';
import { registerDetailsListener } from '../bot/interactions/details';

export interface BotWiring {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly log: Log;
  /** GuardDuty's read API for the `/guardduty` commands. */
  readonly guardduty: GuardDutyReader;
  /** GuardDuty in the other regions (`--region`); without it, the commands read one region. */
  readonly regions?: RegionalReaders;
  /** `status`: accounts and regions seen, AssumeRole failures (`organizationActivity(store)`). */
  readonly activity?: CommandDeps['activity'];
  /** Pins the detector the commands read; otherwise the region's detector. */
  readonly detectorId?: string;
  /** Lambda only: hands slow subcommands to the worker (see `RegisterOptions.defer`). */
  readonly deferCommand?: DeferCommand;
  /** `/guardduty digest`: in this process, or handed to the digest function (Lambda). */
  readonly requestDigest?: CommandDeps['requestDigest'];
  /** What `status` reads of the canary (where status is answered: the worker, serve, the demo). */
  readonly health?: CommandDeps['health'];
  /** `/guardduty status --check`: in this process, or handed to the canary function (Lambda). */
  readonly requestCanaryCheck?: CommandDeps['requestCanaryCheck'];
  /** The IP list files, for `threatlist list` and `trust list` (the worker's, or the laptop's). */
  readonly lists?: IpListStore;
}

/**
 * What the commands need, from the runtime: the worker answers deferred commands with it too.
 * The suppress modal opens through the runtime's client, which holds the bot token.
 */
export function commandDeps(wiring: BotWiring): CommandDeps {
  const { config, runtime, log } = wiring;
  return {
    guardduty: wiring.guardduty,
    ...(wiring.regions === undefined ? {} : { regions: wiring.regions }),
    ...(runtime.accounts === undefined ? {} : { accounts: runtime.accounts }),
    ...(wiring.activity === undefined ? {} : { activity: wiring.activity }),
    findings: runtime.findings,
    scorer: runtime.scorer,
    remediation: runtime.remediation.service,
    audit: runtime.remediation.audit,
    openSuppressModal: runtime.remediation.openSuppressModal(runtime.slack),
    decorate: runtime.publisher.decorator,
    responders: config.responders,
    channel: config.slack.channelId,
    dryRun: config.dryRun,
    routes: runtime.routes,
    ...(wiring.requestDigest === undefined ? {} : { requestDigest: wiring.requestDigest }),
    ...(wiring.health === undefined ? {} : { health: wiring.health }),
    ...(wiring.requestCanaryCheck === undefined
      ? {}
      : { requestCanaryCheck: wiring.requestCanaryCheck }),
    clock: runtime.clock,
    log,
    ...(wiring.detectorId === undefined ? {} : { detectorId: wiring.detectorId }),
    access: readAccess(config.slack.channelId, runtime.remediation.authorizer, viewers(wiring)),
    ...(wiring.lists === undefined ? {} : { lists: wiring.lists }),
    listRegion: config.ipLists.defaultRegion,
  };
}

/** The configured viewers, their user groups asked from Slack like the responders'. */
function viewers(wiring: BotWiring): { isResponder(userId: string): Promise<boolean> } {
  const { config, runtime, log } = wiring;
  if (config.viewers.users.length === 0 && config.viewers.groups.length === 0) {
    return { isResponder: () => Promise.resolve(false) };
  }
  return new Authorizer({
    users: config.viewers.users,
    groups: config.viewers.groups,
    directory: slackGroupDirectory(runtime.slack),
    clock: runtime.clock,
    log,
  });
}

/** Refuses, tells and audits a request from another workspace before any listener runs. */
export function workspaceGuard(runtime: Runtime, log: Log): (app: App) => void {
  const { remediation } = runtime;
  return (app) => {
    app.use(
      ownWorkspaceOnly({
        workspace: remediation.workspace,
        audit: remediation.trail,
        refusals: remediation.refusals,
        clock: runtime.clock,
        log,
      }),
    );
  };
}

/**
 * Every listener the bot has — remediation buttons and modals, and `/guardduty` — wired to one
 * runtime. `serve`, the Slack Lambda function and the sandbox all register exactly these.
 */
export function botListeners(wiring: BotWiring): ReadonlyArray<(app: App) => void> {
  return [
    // First: a request from another workspace reaches no listener.
    workspaceGuard(wiring.runtime, wiring.log),
    wiring.runtime.remediation.listeners,
    registerDetailsListener({ findings: wiring.runtime.findings, log: wiring.log }),
    // Last: the `/guardduty` commands.
    (app) => {
      registerCommands(
        app,
        commandDeps(wiring),
        wiring.deferCommand === undefined ? {} : { defer: wiring.deferCommand },
      );
    },
  ];
}
