import type { Readable, Writable } from 'node:stream';
import { loadConfig, type Config, type ConfigNeed } from '../config';
import type { ExitCode } from './exitCodes';
import { CodedError, ErrorCode } from '../shared/errors';

/** Everything a CLI command touches outside itself, so tests run commands in-process. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
}

/** Bad usage or bad input: exit code 2, one line on stderr. */
export class UsageError extends CodedError {
  override readonly name = 'UsageError';
  readonly code = ErrorCode.Usage;
}

/** A CLI sub-command: parses its own arguments, returns the exit code, throws UsageError on bad input. */
export type CliCommand = (args: readonly string[], io: CliIo) => Promise<ExitCode>;

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    interactive: process.stderr.isTTY,
  };
}

/** The configuration a command needs; a missing or bad variable is bad usage (exit 2). */
export function cliConfig(io: CliIo, needs: readonly ConfigNeed[] = []): Config {
  return loadConfig(io.env, needs, io.cwd);
}
