#!/usr/bin/env node
import { errorMessage } from '../shared/errors';
import { ExitCode, exitCodeFor } from './exitCodes';
import { processIo, type CliCommand, type CliIo } from './io';
import { version } from '../../package.json';

const USAGE = `usage: guardduty-chatops <command> [options]

commands:
  serve                      Bolt app on PORT (default 3000), POST /slack/events
  demo                       local sandbox: fake workspace page + bot + sample findings
  post FILE...               post findings, EventBridge events, get-findings output (JSON or lines)
  train --cloudtrail PATH... --out MODEL   (or --tuples FILE.csv)
  train ... --sagemaker --role-arn ARN --data s3://…/   SageMaker's built-in IP Insights
  tuples --athena --database DB --table T --out s3://…/  pairs of an org trail by Athena CTAS
  score --model MODEL [FILE.csv]
  audit verify|list          check the audit hash chain / print records

  --help, -h                 this usage; COMMAND --help for one command
  --version, -V              the version`;

// Loaded on demand so `score` does not pay for Bolt and the AWS SDK at start-up.
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  demo: async () => (await import('./demo')).demo,
  post: async () => (await import('./post')).post,
  train: async () => (await import('./train')).train,
  score: async () => (await import('./score')).score,
  tuples: async () => (await import('./tuples')).tuples,
  audit: async () => (await import('./audit')).audit,
  serve: async () => (await import('./serve')).serve,
};

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined) {
    // Nothing asked: the usage is the error message, so it goes where errors go.
    io.stderr.write(`${USAGE}\n`);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`guardduty-chatops ${version}\n`);
    return ExitCode.ok;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    io.stderr.write(`guardduty-chatops: unknown command "${name}" (try --help)\n`);
    return ExitCode.usage;
  }
  try {
    const command = await load();
    return await command(args, io);
  } catch (error) {
    io.stderr.write(`guardduty-chatops ${name}: ${errorMessage(error).split('\n')[0] ?? ''}\n`);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  // Node 20 is supported here (Lambda runs 22); the SDK's warning about its future releases is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
