import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FindingValidationError, type ParsedFinding } from '../findings';
import { parseFindingFile } from '../app/findingFiles';
import { silentLog } from '../shared/log';
import { openProcessRuntime } from '../app/processRuntime';
import { asksForHelp } from './args';
import type { PublishOutcome } from '../bot/findingPublisher';
import { ExitCode } from './exitCodes';
import { cliConfig, UsageError, type CliCommand } from './io';

const POST_USAGE =
  'usage: post FILE...   (findings, EventBridge events or `aws guardduty get-findings` output; JSON or JSON lines)';

async function readFindings(files: readonly string[], cwd: string): Promise<ParsedFinding[]> {
  const all: ParsedFinding[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(
        `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    try {
      all.push(...parseFindingFile(text));
    } catch (error) {
      if (error instanceof FindingValidationError)
        throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
  }
  return all;
}

/** `post FILE...`: every file is checked before anything is posted, so bad input changes nothing. */
export const post: CliCommand = async (args, io) => {
  if (asksForHelp(args)) {
    io.stdout.write(`${POST_USAGE}\n`);
    return ExitCode.ok;
  }
  if (args.length === 0) throw new UsageError(POST_USAGE);
  const option = args.find((a) => a.startsWith('-'));
  if (option !== undefined) throw new UsageError(`unknown option ${option}`);
  const parsed = await readFindings(args, io.cwd);
  const config = cliConfig(io, ['slackBot', 'channel']);
  // Posting never remediates: no AWS gateway.
  const runtime = await openProcessRuntime(config, { log: silentLog, live: false });
  try {
    for (const { finding } of parsed) {
      const outcome = await runtime.publisher.publish(finding);
      io.stdout.write(
        `${outcome.kind}\t${finding.id}\t${outcomeDetail(outcome, finding.severity)}\n`,
      );
    }
  } finally {
    await runtime.close();
  }
  return ExitCode.ok;
};

function outcomeDetail(outcome: PublishOutcome, severity: number): string {
  switch (outcome.kind) {
    case 'posted':
    case 'updated':
      return `ts ${outcome.ts}`;
    case 'below-threshold':
      return `severity ${severity} < MIN_SEVERITY ${outcome.minSeverity}`;
    case 'dropped':
      return `route ${outcome.route}: ${outcome.reason}`;
    case 'gathered':
      return `route ${outcome.route}: waits for the digest of ${outcome.channel}`;
    case 'unchanged':
      return outcome.reason;
  }
}
