import { parseArgs } from 'node:util';
import type { AuditRecord } from '../actions/audit/record';
import { verifyChain } from '../actions/audit/verify';
import type { AuditEntry } from '../actions/contract';
import type { AuditRepository } from '../actions/ports/repositories';
import { openStore } from '../app/embeddedStore';
import { auditLog } from '../app/remediationRepositories';
import { asksForHelp, joinNegativeValues } from './args';
import { ExitCode } from './exitCodes';
import { cliConfig, UsageError, type CliCommand, type CliIo } from './io';

const USAGE =
  'usage: guardduty-chatops audit verify | audit list [--finding ID] [--user U…] [--limit N]';

async function withAuditLog<T>(io: CliIo, use: (log: AuditRepository) => Promise<T>): Promise<T> {
  const config = cliConfig(io);
  const store = await openStore(config);
  try {
    return await use(auditLog(store));
  } finally {
    await store.close();
  }
}

async function verify(io: CliIo): Promise<ExitCode> {
  return withAuditLog(io, async (log) => {
    const records: AuditRecord[] = [];
    for await (const record of log.records()) records.push(record);
    const verdict = verifyChain(records);
    if (!verdict.ok) {
      io.stderr.write(
        `guardduty-chatops audit: verify failed at record #${verdict.seq}: ${verdict.problem}\n`,
      );
      return ExitCode.failure;
    }
    io.stdout.write(
      verdict.count === 0
        ? 'audit chain intact: no records yet\n'
        : `audit chain intact: ${verdict.count} records, head #${verdict.headSeq} sha256 ${verdict.headHash}\n`,
    );
    return ExitCode.ok;
  });
}

/** One line per record; tabs between columns, no tabs or newlines inside them. */
function entryLine(entry: AuditEntry): string {
  const clean = (text: string) => text.replace(/[\t\r\n]+/g, ' ');
  const outcome =
    entry.error === undefined ? (entry.result ?? '') : `${entry.result ?? ''}: ${entry.error}`;
  return [
    `#${entry.seq}`,
    entry.at,
    entry.type,
    entry.action,
    entry.findingId,
    entry.target,
    entry.actor.userName === undefined
      ? entry.actor.userId
      : `${entry.actor.userId} (${entry.actor.userName})`,
    entry.dryRun ? 'dry-run' : 'live',
    outcome,
  ]
    .map(clean)
    .join('\t')
    .trimEnd();
}

async function list(args: readonly string[], io: CliIo): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(args, ['limit']),
      options: {
        finding: { type: 'string' },
        user: { type: 'string' },
        limit: { type: 'string', default: '50' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0] ?? ''} (${USAGE})`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError(`--limit: must be a whole number from 1 to 10000, got "${values.limit}"`);
  }
  if (values.finding !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(values.finding)) {
    throw new UsageError(`--finding: not a GuardDuty finding id: "${values.finding}"`);
  }
  if (values.user !== undefined && !/^[UW][A-Z0-9]+$/.test(values.user)) {
    throw new UsageError(`--user: not a Slack user id (U…): "${values.user}"`);
  }
  return withAuditLog(io, async (log) => {
    const entries = await log.list({
      limit,
      ...(values.finding === undefined ? {} : { findingId: values.finding }),
      ...(values.user === undefined ? {} : { userId: values.user }),
    });
    for (const entry of entries) io.stdout.write(`${entryLine(entry)}\n`);
    return ExitCode.ok;
  });
}

/** `audit verify` checks the hash chain; `audit list` prints records, newest first. */
export const audit: CliCommand = async (args, io) => {
  if (asksForHelp(args)) {
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  const [sub, ...rest] = args;
  if (sub === 'verify') {
    if (rest.length > 0) throw new UsageError(`audit verify takes no arguments (${USAGE})`);
    return verify(io);
  }
  if (sub === 'list') return list(rest, io);
  throw new UsageError(sub === undefined ? USAGE : `unknown audit command "${sub}" (${USAGE})`);
};
