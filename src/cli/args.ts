/**
 * What every subcommand's argument handling shares, on top of node:util's parseArgs.
 */

/** `--help` or `-h` anywhere before a `--`: the command prints its usage to stdout, exit 0. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--epochs -1` as `--epochs=-1`: parseArgs reads a value starting with a dash as another option
 * ("ambiguous"), so a negative number would never reach the range check that names what is
 * allowed. Only the named options, which take a value, are joined; anything else stays.
 */
export function joinNegativeValues(
  args: readonly string[],
  valueOptions: readonly string[],
): string[] {
  const takesValue = new Set(valueOptions.map((name) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (takesValue.has(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
