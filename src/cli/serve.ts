import { parseArgs } from 'node:util';
import { botListeners } from '../app/botListeners';
import { listStoreOf } from '../app/ipLists';
import { createLogger } from '../app/logging';
import { openProcessRuntime, regionalGuardDuty } from '../app/processRuntime';
import { organizationActivity } from '../app/organizationActivity';
import { PortUnavailableError, startBotServer } from '../bot/server';
import { ExitCode } from './exitCodes';
import { cliConfig, type CliCommand } from './io';
import { argumentError } from './score';
import { untilSignal } from './signals';
import { digestPoster, inProcessDigest } from '../app/digests';

const SERVE_USAGE =
  'usage: serve   (Bolt app on PORT, POST /slack/events; Socket Mode when SLACK_APP_TOKEN is set)';

export interface ServeDeps {
  /** Resolves with the signal's name when the server should stop. */
  readonly untilStopped: () => Promise<string>;
}

/**
 * `serve`: the whole bot in one long-running process — remediation listeners, `/guardduty`,
 * the worker in-process — for a server or container, or Socket Mode while developing.
 */
export function createServeCommand(deps: ServeDeps): CliCommand {
  return async (args, io) => {
    let help;
    try {
      ({
        values: { help },
      } = parseArgs({
        args: [...args],
        options: { help: { type: 'boolean', short: 'h', default: false } },
        allowPositionals: false,
        strict: true,
      }));
    } catch (error) {
      throw argumentError(error, SERVE_USAGE);
    }
    if (help) {
      io.stdout.write(`${SERVE_USAGE}\n`);
      return ExitCode.ok;
    }
    const config = cliConfig(io, ['slack', 'channel']);
    const { log } = createLogger('guardduty-chatops-serve');
    const runtime = await openProcessRuntime(config, { log, live: !config.dryRun });
    try {
      const { guardduty, regions } = await regionalGuardDuty();
      const listeners = botListeners({
        config,
        runtime,
        log,
        guardduty,
        ...(regions === undefined ? {} : { regions }),
        activity: organizationActivity(runtime.store),
        requestDigest: inProcessDigest(digestPoster(runtime, log)),
        ...listStoreOf(config),
      });
      let bot;
      try {
        bot = await startBotServer({
          slack: config.slack,
          listeners,
          port: config.port,
          authorize: runtime.remediation.authorize,
        });
      } catch (error) {
        if (!(error instanceof PortUnavailableError)) throw error;
        io.stderr.write(`guardduty-chatops serve: ${error.message}\n`);
        return ExitCode.failure;
      }
      const where = bot.eventsUrl ?? 'Slack over Socket Mode';
      const mode = config.dryRun ? 'dry run: AWS calls are planned, not made' : 'live';
      io.stdout.write(`guardduty-chatops serve: listening on ${where} (${mode})\n`);
      const signal = await deps.untilStopped();
      io.stdout.write(`${signal}: stopping\n`);
      await bot.stop();
      // An action under way finishes and is audited before the store closes.
      await runtime.remediation.idle();
      return ExitCode.ok;
    } finally {
      await runtime.close();
    }
  };
}

export const serve: CliCommand = createServeCommand({ untilStopped: untilSignal });
