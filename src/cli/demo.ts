import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { DemoStartError } from '../app/demo/errors';
import { startDemo, type RunningDemo } from '../app/demo/start';
import type { Log } from '../shared/log';
import { joinNegativeValues } from './args';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand } from './io';
import { argumentError } from './score';
import { untilSignal } from './signals';

export const DEMO_USAGE = 'usage: demo [--port N] [--data DIR] [--live]';

const DEFAULT_PORT = 3000;
const DEFAULT_DATA_DIR = '.local/demo';

export interface DemoCommandDeps {
  /** Resolves with the signal's name when the user stops the demo (Ctrl-C). */
  readonly untilStopped: () => Promise<string>;
  readonly start: typeof startDemo;
}

interface DemoArgs {
  readonly port: number;
  readonly data: string;
  readonly live: boolean;
}

function parsePort(value: string, where: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${where}: "${value}" is not a TCP port (0-65535) (${DEMO_USAGE})`);
  }
  return Number(value);
}

function parseDemoArgs(args: readonly string[], env: NodeJS.ProcessEnv): DemoArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, ['port']),
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        live: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw argumentError(error, DEMO_USAGE);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env.PORT !== undefined && env.PORT !== ''
        ? parsePort(env.PORT, 'PORT')
        : DEFAULT_PORT;
  if (values.data === '') throw new UsageError(`--data: must name a folder (${DEMO_USAGE})`);
  return { port, data: values.data ?? DEFAULT_DATA_DIR, live: values.live };
}

/** Warnings and errors of the running demo, one line each on stderr. */
function stderrLog(stream: Writable): Log {
  const write = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    const details = attributes === undefined ? '' : ` ${JSON.stringify(attributes)}`;
    stream.write(`${level}: ${message}${details}\n`);
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: write('warn'),
    error: write('error'),
  };
}

function countOutcomes(demo: RunningDemo): string {
  const count = (kind: string) => demo.samples.filter((s) => s.outcome.kind === kind).length;
  const posted = count('posted');
  const gathered = count('gathered');
  const kept = demo.samples.length - posted - gathered;
  const digest = gathered === 0 ? '' : `; ${gathered} Low ones are in today's digest`;
  if (kept === 0) return `posted ${posted} sample findings to #security${digest}`;
  if (posted === 0 && gathered === 0) {
    return `${kept} sample findings already in #security (from the last run)`;
  }
  return `posted ${posted} sample findings to #security${digest}; ${kept} were already there`;
}

/** What the newcomer reads first: where things are, the URL, and what to try. */
function demoBanner(demo: RunningDemo): string {
  const aws = demo.dryRun
    ? 'dry run: remediation shows the AWS calls it would make and makes none (--live to call AWS)'
    : 'LIVE: remediation calls AWS with your credentials';
  const model = `${demo.model.description}, ${demo.model.trained ? 'trained now on synthetic CloudTrail' : 'kept from the last run'}`;
  const lines = [
    'guardduty-chatops demo: the whole product on this machine, on 127.0.0.1 only',
    '',
    `  Slack        a local workspace with #security; alice is a responder, bob is not`,
    `  Store        ${resolve(demo.dataDir, 'store')} (embedded, kept between runs)`,
    `  IP Insights  ${model}`,
    `  AWS          ${aws}`,
    `  On-call      a PagerDuty stand-in on ${demo.pagerDuty.url} (nobody is paged): Critical and High findings open incidents`,
    `  Findings     ${countOutcomes(demo)}`,
    '',
    `Open ${demo.url}`,
    '',
    'Then try:',
    '  - as alice, click "Disable access key" on the dev-alice finding and confirm',
    '  - switch to bob and click a button: the bot refuses, bob is not a responder',
    '  - type /guardduty list (or /guardduty help) in the message box',
  ];
  lines.push('', `Ctrl-C stops the demo. Delete ${demo.dataDir} to start over.`, '');
  return lines.join('\n');
}

/** `demo`: starts the local sandbox and keeps it running until Ctrl-C. */
export function createDemoCommand(deps: DemoCommandDeps): CliCommand {
  return async (args, io) => {
    const options = parseDemoArgs(args, io.env);
    if (options === 'help') {
      io.stdout.write(`${DEMO_USAGE}\n`);
      return ExitCode.ok;
    }
    let demo: RunningDemo;
    try {
      demo = await deps.start({
        dataDir: resolve(io.cwd, options.data),
        port: options.port,
        live: options.live,
        log: stderrLog(io.stderr),
      });
    } catch (error) {
      if (!(error instanceof DemoStartError)) throw error;
      io.stderr.write(`guardduty-chatops demo: ${error.message}\n`);
      return ExitCode.failure;
    }
    io.stdout.write(demoBanner(demo));
    const signal = await deps.untilStopped();
    io.stdout.write(`${signal}: stopping the demo\n`);
    await demo.close();
    return ExitCode.ok;
  };
}

export const demo: CliCommand = createDemoCommand({ untilStopped: untilSignal, start: startDemo });
