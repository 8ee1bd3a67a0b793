import { parseArgs } from 'node:util';
import { verifyTrail } from '../actions/audit/verify';
import type { AuditEntry } from '../actions/contract';
import type { AuditAnchorHistory } from '../actions/ports/auditAnchors';
import type { AuditChains, AuditRepository } from '../actions/ports/repositories';
import { auditAnchorHistory, auditChains } from '../app/auditVerification';
import { openExistingStore } from '../app/embeddedStore';
import { auditLog } from '../app/remediationRepositories';
import { asksForHelp, joinNegativeValues } from './args';
import { ExitCode } from './exitCodes';
import { cliConfig, UsageError, type CliCommand, type CliIo } from './io';

const USAGE =
  'usage: guardduty-chatops audit verify | audit list [--finding ID] [--user U…] [--limit N]';

interface AuditReading {
  readonly log: AuditRepository;
  readonly chains: AuditChains;
  readonly anchors: AuditAnchorHistory;
}

/** The audit log of an existing store (nothing is created where there is none). */
async function withAuditLog<T>(io: CliIo, use: (audit: AuditReading) => Promise<T>): Promise<T> {
  const config = cliConfig(io);
  const store = await openExistingStore(config);
  try {
    return await use({
      log: auditLog(store),
      chains: auditChains(store),
      anchors: auditAnchorHistory(config),
    });
  } finally {
    await store.close();
  }
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Every chain's hash links, and every chain against its anchors outside the table: an edited,
 * reordered or removed record, records removed from a chain's end and removed chains fail it.
 */
async function verify(io: CliIo): Promise<ExitCode> {
  return withAuditLog(io, async ({ chains, anchors }) => {
    const verdict = verifyTrail(await chains.chains(), await anchors.history());
    if (!verdict.ok) {
      for (const problem of verdict.problems) {
        io.stderr.write(`guardduty-chatops audit: verify failed: ${problem}\n`);
      }
      return ExitCode.failure;
    }
    if (verdict.records === 0) {
      io.stdout.write('audit trail intact: no records yet\n');
      return ExitCode.ok;
    }
    io.stdout.write(
      `audit trail intact: ${plural(verdict.records, 'record')} in ${plural(verdict.chains, 'chain')}, heads checked against ${anchors.description}\n`,
    );
    for (const { chain, records } of verdict.unanchored) {
      io.stdout.write(
        `warning: chain ${chain}: the newest ${plural(records, 'record')} ${records === 1 ? 'has' : 'have'} no anchor outside the table; removing ${records === 1 ? 'it' : 'them'} would go unnoticed\n`,
      );
    }
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
  return withAuditLog(io, async ({ log }) => {
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
