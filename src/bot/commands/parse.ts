import { isIP } from 'node:net';
import { closest, distance } from 'fastest-levenshtein';
import type { SeverityBand } from '../../findings';
import { code } from '../render/text';
import {
  COMMAND,
  DEFAULT_AUDIT_LIMIT,
  DEFAULT_WINDOW,
  MAX_AUDIT_LIMIT,
  MAX_WINDOW_DAYS,
  SUBCOMMAND_SPECS,
  SUBCOMMANDS,
  type SubcommandName,
  type SubcommandSpec,
} from './spec';
import { CodedError, ErrorCode } from '../../shared/errors';

/**
 * The `/guardduty` text parser. Pure and total: whatever Slack sends, it returns a command or one
 * line of safe mrkdwn saying which argument is wrong and why — it never throws, and nothing runs
 * on an error. Everything echoed back goes through `code()`, so hostile text cannot mention,
 * link or format.
 *
 * Slack sends the text escaped (`&amp;`, `&lt;`, `&gt;`), with user mentions as `<@U123|alice>`
 * (the manifest sets `should_escape`) and autolinked text as `<mailto:a@b.c|a@b.c>`.
 */

export interface Duration {
  /** As typed, normalised: "24h". */
  readonly text: string;
  readonly ms: number;
}

export type AuditSubject =
  | { readonly kind: 'finding'; readonly findingId: string }
  | { readonly kind: 'user'; readonly userId: string }
  /** `@alice` typed without picking the person: looked up by name. */
  | { readonly kind: 'userName'; readonly name: string };

/** `--account`: an id as typed, or a name looked up in the accounts file or Organizations. */
export type AccountArg =
  | { readonly kind: 'id'; readonly accountId: string }
  | { readonly kind: 'name'; readonly name: string };

/** Where `list` and `stats` look: one account, one region (absent = every account, home region). */
export interface Scope {
  readonly account?: AccountArg;
  readonly region?: string;
}

export type Command =
  | { readonly kind: 'help'; readonly topic?: SubcommandName }
  | ({
      readonly kind: 'list';
      readonly severity?: SeverityBand;
      readonly since: Duration;
      readonly typePattern?: string;
      readonly includeArchived: boolean;
    } & Scope)
  | { readonly kind: 'show'; readonly findingId: string }
  | ({ readonly kind: 'stats'; readonly since: Duration } & Scope)
  | { readonly kind: 'score'; readonly principal: string; readonly ip: string }
  | { readonly kind: 'archive'; readonly findingId: string }
  | { readonly kind: 'suppress'; readonly findingId: string }
  | { readonly kind: 'audit'; readonly subject?: AuditSubject; readonly limit: number }
  | { readonly kind: 'status'; readonly check: boolean }
  | { readonly kind: 'digest' }
  | {
      readonly kind: 'threatlist' | 'trust';
      readonly action: 'list' | 'add' | 'remove';
      /** add/remove: the address or range as typed (the remediation layer checks it). */
      readonly entry?: string;
      readonly reason?: string;
      /** trust add: end of the given day, UTC. */
      readonly expiresAt?: string;
      readonly wholeRange?: boolean;
      /** `--region`: that region's list; absent, the stack's own. */
      readonly region?: string;
    };

export interface ParseError {
  /** One line of safe mrkdwn: which argument, and why. */
  readonly text: string;
}

export type ParseResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly error: ParseError };

type Token = { readonly kind: 'word'; readonly text: string } | UserToken;
interface UserToken {
  readonly kind: 'user';
  readonly userId: string;
  readonly text: string;
}

/** A parse failure inside the parser; turned into `{ok: false}` at the top, never escapes. */
class ArgumentError extends CodedError {
  override readonly name = 'ArgumentError';
  readonly code = ErrorCode.CommandArgumentInvalid;
}

const FINDING_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Principal ids: AIDA…, AROA…:session, an account id (session names allow `+=,.@_-`).
const PRINCIPAL = /^[A-Za-z0-9]{1,128}(:[A-Za-z0-9+=,.@_-]{1,64})?$/;
// Finding types: "Backdoor:EC2/C&CActivity.B!DNS"; `*` is the wildcard of a pattern.
const TYPE_PATTERN = /^[A-Za-z0-9:/.!&_*-]{1,256}$/;
const DURATION = /^(\d{1,6})([mhdw])$/;
const ACCOUNT_ID = /^\d{12}$/;
/** Account names as Organizations allows them (1–50 characters), one word as typed in Slack. */
const ACCOUNT_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._+=@,&'()-]{0,49}$/u;
/** `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(?:-[a-z]+){1,2}-\d{1,2}$/;
const DAY_MS = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
};
const MENTION = /^<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>$/;
/** A Slack user id typed as text: `U0ALICE`, `@U0ALICE` (never a GuardDuty id: those are hex). */
const USER_ID = /^@?([UW][A-Z0-9]{2,})$/;
/** `@alice`, `@alice.smith`: a name as Slack's display and user names allow. */
const USER_NAME = /^@([\p{L}\p{N}][\p{L}\p{N}._'-]{0,79})$/u;
const BANDS: readonly SeverityBand[] = ['Low', 'Medium', 'High', 'Critical'];
const ECHO_MAX = 60;

/** Inline code of something the user typed, escaped and cut short. */
function echo(text: string): string {
  return code(text, ECHO_MAX);
}

/** `&lt;` → `<` etc.: the characters the user actually typed. `&amp;` last, so it is not re-read. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function toToken(raw: string): Token {
  const mention = MENTION.exec(raw);
  if (mention?.[1] !== undefined) return { kind: 'user', userId: mention[1], text: raw };
  // Autolinked text (`<mailto:a@b.c|a@b.c>`, `<https://x.y>`): the label is what was typed.
  const unlinked = raw
    .replace(/<[^<>|]*\|([^<>]*)>/g, '$1')
    .replace(/<((?:https?|mailto):[^<>|]*)>/g, '$1');
  // Phones and Macs turn "--" into a dash; read a leading dash as the flag prefix it was.
  const text = unescapeSlack(unlinked).replace(/^[\u2013\u2014]/, '--');
  return { kind: 'word', text };
}

/**
 * Words split on white space; a phrase in double quotes (straight or curly, as phones type them)
 * is one word without its quotes: `--reason "C2 from incident 42"`.
 */
function tokenize(text: string): Token[] {
  const words = text.match(/"[^"]*"|\u201c[^\u201d]*\u201d|\S+/gu) ?? [];
  return words
    .map((word) =>
      /^["\u201c].*["\u201d]$/u.test(word) && word.length >= 2 ? word.slice(1, -1) : word,
    )
    .filter((word) => word !== '')
    .map(toToken);
}

/** The closest candidate worth suggesting: a unique prefix, or a small edit away. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  if (word === '' || candidates.length === 0) return undefined;
  const prefixed = candidates.filter((c) => c.startsWith(word));
  if (word.length >= 2 && prefixed.length === 1) return prefixed[0];
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function didYouMean(suggestion: string | undefined, render: (s: string) => string): string {
  return suggestion === undefined ? '' : ` Did you mean ${render(suggestion)}?`;
}

function parseDuration(flag: string, value: string): Duration {
  const match = DURATION.exec(value.toLowerCase());
  const amount = Number(match?.[1]);
  const unit = match?.[2] ?? '';
  const unitMs = UNIT_MS[unit];
  if (match === null || unitMs === undefined) {
    throw new ArgumentError(
      `${echo(`--${flag} ${value}`)}: a duration is a whole number and a unit m, h, d or w, e.g. \`30m\`, \`24h\`, \`7d\`, \`2w\`.`,
    );
  }
  if (amount === 0)
    throw new ArgumentError(`${echo(`--${flag} ${value}`)}: must be more than zero.`);
  const ms = amount * unitMs;
  if (ms > MAX_WINDOW_DAYS * DAY_MS) {
    throw new ArgumentError(
      `${echo(`--${flag} ${value}`)}: at most ${MAX_WINDOW_DAYS}d, as GuardDuty keeps findings ${MAX_WINDOW_DAYS} days.`,
    );
  }
  return { text: `${amount}${unit}`, ms };
}

function parseBand(value: string): SeverityBand {
  const band = BANDS.find((b) => b.toLowerCase() === value.toLowerCase());
  if (band !== undefined) return band;
  const names = BANDS.map((b) => b.toLowerCase());
  throw new ArgumentError(
    `${echo(`--severity ${value}`)}: must be low, medium, high or critical.${didYouMean(suggest(value, names), (s) => `\`${s}\``)}`,
  );
}

function parseLimit(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_AUDIT_LIMIT) {
    throw new ArgumentError(
      `${echo(`--limit ${value}`)}: must be a whole number from 1 to ${MAX_AUDIT_LIMIT}.`,
    );
  }
  return n;
}

function parseTypePattern(value: string): string {
  if (!TYPE_PATTERN.test(value)) {
    throw new ArgumentError(
      `${echo(`--type ${value}`)}: a finding type such as \`Recon:EC2/Portscan\`, with \`*\` for any text.`,
    );
  }
  return value;
}

function parseAccount(value: string): AccountArg {
  if (ACCOUNT_ID.test(value)) return { kind: 'id', accountId: value };
  if (/^\d+$/.test(value)) {
    throw new ArgumentError(`${echo(`--account ${value}`)}: an account id has 12 digits.`);
  }
  if (!ACCOUNT_NAME.test(value)) {
    throw new ArgumentError(
      `${echo(`--account ${value}`)}: an account's 12-digit id, or its name (letters, digits and \`._+=@,&'()-\`).`,
    );
  }
  return { kind: 'name', name: value };
}

function parseRegion(value: string): string {
  const region = value.toLowerCase();
  if (!REGION.test(region)) {
    throw new ArgumentError(
      `${echo(`--region ${value}`)}: an AWS region such as \`eu-west-1\` or \`us-east-2\`.`,
    );
  }
  return region;
}

function parseScope(flags: ReadonlyMap<string, string | true>): Scope {
  const account = stringFlag(flags, 'account');
  const region = stringFlag(flags, 'region');
  return {
    ...(account === undefined ? {} : { account: parseAccount(account) }),
    ...(region === undefined ? {} : { region: parseRegion(region) }),
  };
}

function findingId(subcommand: string, token: Token | undefined): string {
  if (token === undefined) {
    throw new ArgumentError(
      `\`${subcommand}\` needs a finding id, e.g. \`${COMMAND} ${subcommand} 12abc34d567e8fa901bc2d34e56789f0\`.`,
    );
  }
  if (token.kind !== 'word' || !FINDING_ID.test(token.text)) {
    throw new ArgumentError(
      `${echo(token.text)}: a finding id is 1 to 128 letters, digits, \`_\` or \`-\`.`,
    );
  }
  return token.text;
}

interface SplitArgs {
  readonly positionals: readonly Token[];
  readonly flags: ReadonlyMap<string, string | true>;
  readonly help: boolean;
}

/** Separates `--flag value`, `--flag=value` and switches from positional arguments. */
function splitArgs(spec: SubcommandSpec, tokens: readonly Token[]): SplitArgs {
  const positionals: Token[] = [];
  const flags = new Map<string, string | true>();
  let help = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (token.kind !== 'word' || !token.text.startsWith('-') || token.text === '-') {
      positionals.push(token);
      continue;
    }
    const body = token.text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).toLowerCase();
    if (name === 'help' || name === 'h') {
      help = true;
      continue;
    }
    const flag = spec.flags.find((f) => f.name === name);
    if (flag === undefined) {
      const names = spec.flags.map((f) => f.name);
      const hint =
        names.length === 0
          ? ` It takes no flags.`
          : didYouMean(suggest(name, names), (s) => `\`--${s}\``);
      throw new ArgumentError(`\`${spec.name}\` has no flag ${echo(`--${name}`)}.${hint}`);
    }
    if (flags.has(flag.name)) throw new ArgumentError(`\`--${flag.name}\` is given twice.`);
    if (flag.value === undefined) {
      if (eq >= 0) throw new ArgumentError(`\`--${flag.name}\` takes no value.`);
      flags.set(flag.name, true);
      continue;
    }
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (value === undefined) {
      const next = tokens[i + 1];
      if (next?.kind === 'word' && !next.text.startsWith('--')) {
        value = next.text;
        i++;
      }
    }
    if (value === undefined || value === '') {
      throw new ArgumentError(
        `\`--${flag.name}\` needs a value, e.g. \`--${flag.name} ${exampleValue(flag.name)}\`.`,
      );
    }
    flags.set(flag.name, value);
  }
  return { positionals, flags, help };
}

function exampleValue(flag: string): string {
  if (flag === 'severity') return 'high';
  if (flag === 'type') return 'Recon:EC2/*';
  if (flag === 'limit') return '50';
  if (flag === 'account') return 'prod-payments';
  if (flag === 'region') return 'eu-west-1';
  return '24h';
}

function noMorePositionals(spec: SubcommandSpec, extra: readonly Token[]): void {
  const first = extra[0];
  if (first === undefined) return;
  throw new ArgumentError(
    `Unexpected argument ${echo(first.text)}: usage is \`${COMMAND} ${spec.usage}\`.`,
  );
}

function stringFlag(flags: ReadonlyMap<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

function auditSubject(token: Token | undefined): AuditSubject | undefined {
  if (token === undefined) return undefined;
  if (token.kind === 'user') return { kind: 'user', userId: token.userId };
  const userId = USER_ID.exec(token.text)?.[1];
  if (userId !== undefined) return { kind: 'user', userId };
  const name = USER_NAME.exec(token.text)?.[1];
  if (name !== undefined) return { kind: 'userName', name };
  if (token.text.startsWith('@')) {
    throw new ArgumentError(
      `${echo(token.text)}: not a Slack name; pick the person from the list as you type @.`,
    );
  }
  if (!FINDING_ID.test(token.text)) {
    throw new ArgumentError(
      `${echo(token.text)}: give a finding id, or a person as @name, a mention or a user id (U…).`,
    );
  }
  return { kind: 'finding', findingId: token.text };
}

function defaultWindow(): Duration {
  return parseDuration('since', DEFAULT_WINDOW);
}

function build(name: SubcommandName, tokens: readonly Token[]): Command {
  const spec = SUBCOMMAND_SPECS[name];
  const { positionals, flags, help } = splitArgs(spec, tokens);
  if (help) return name === 'help' ? { kind: 'help' } : { kind: 'help', topic: name };
  const since = stringFlag(flags, 'since');
  switch (name) {
    case 'help': {
      noMorePositionals(spec, positionals.slice(1));
      const topic = positionals[0];
      return topic === undefined
        ? { kind: 'help' }
        : { kind: 'help', topic: subcommandName(topic) };
    }
    case 'list': {
      noMorePositionals(spec, positionals);
      const severity = stringFlag(flags, 'severity');
      const type = stringFlag(flags, 'type');
      return {
        kind: 'list',
        since: since === undefined ? defaultWindow() : parseDuration('since', since),
        includeArchived: flags.get('archived') === true,
        ...(severity === undefined ? {} : { severity: parseBand(severity) }),
        ...(type === undefined ? {} : { typePattern: parseTypePattern(type) }),
        ...parseScope(flags),
      };
    }
    case 'stats':
      noMorePositionals(spec, positionals);
      return {
        kind: 'stats',
        since: since === undefined ? defaultWindow() : parseDuration('since', since),
        ...parseScope(flags),
      };
    case 'show':
    case 'archive':
    case 'suppress': {
      const id = findingId(name, positionals[0]);
      noMorePositionals(spec, positionals.slice(1));
      return { kind: name, findingId: id };
    }
    case 'score':
      return parseScore(spec, positionals);
    case 'audit': {
      noMorePositionals(spec, positionals.slice(1));
      const subject = auditSubject(positionals[0]);
      const limit = stringFlag(flags, 'limit');
      return {
        kind: 'audit',
        limit: limit === undefined ? DEFAULT_AUDIT_LIMIT : parseLimit(limit),
        ...(subject === undefined ? {} : { subject }),
      };
    }
    case 'status':
      noMorePositionals(spec, positionals);
      return { kind: 'status', check: flags.get('check') === true };
    case 'digest':
      noMorePositionals(spec, positionals);
      return { kind: 'digest' };
    case 'threatlist':
    case 'trust':
      return parseListCommand(name, spec, positionals, flags);
  }
}

const LIST_ACTIONS = ['list', 'add', 'remove'] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseListCommand(
  name: 'threatlist' | 'trust',
  spec: SubcommandSpec,
  positionals: readonly Token[],
  flags: ReadonlyMap<string, string | true>,
): Command {
  const [actionToken, entryToken] = positionals;
  const action = LIST_ACTIONS.find((a) => a === actionToken?.text.toLowerCase());
  if (action === undefined) {
    throw new ArgumentError(
      `\`${name}\` takes \`list\`, \`add IP\` or \`remove IP\`: usage is \`${COMMAND} ${spec.usage}\`.`,
    );
  }
  const regionFlag = stringFlag(flags, 'region');
  const region = regionFlag === undefined ? {} : { region: parseRegion(regionFlag) };
  const others = [...flags.keys()].filter((flag) => flag !== 'region');
  if (action === 'list') {
    noMorePositionals(spec, positionals.slice(1));
    if (others.length > 0) throw new ArgumentError(`\`${name} list\` takes only \`--region\`.`);
    return { kind: name, action, ...region };
  }
  if (entryToken === undefined) {
    throw new ArgumentError(
      `\`${name} ${action}\` needs an IP address or CIDR range, e.g. \`${COMMAND} ${name} ${action} 203.0.113.9\`.`,
    );
  }
  noMorePositionals(spec, positionals.slice(2));
  const entry = entryToken.text;
  if (!/^[0-9A-Fa-f:./]{2,64}$/.test(entry)) {
    throw new ArgumentError(`${echo(entry)}: not an IPv4 or IPv6 address or CIDR range.`);
  }
  const reason = stringFlag(flags, 'reason');
  const expires = stringFlag(flags, 'expires');
  if (action === 'remove' && others.length > 0) {
    throw new ArgumentError(
      `\`${name} remove\` takes only the address or range (and \`--region\`).`,
    );
  }
  let expiresAt: string | undefined;
  if (expires !== undefined) {
    const match = DATE.exec(expires);
    const parsed = match === null ? Number.NaN : Date.parse(`${expires}T23:59:59.000Z`);
    if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== expires) {
      throw new ArgumentError(`${echo(expires)}: give the day the trust ends as YYYY-MM-DD.`);
    }
    expiresAt = new Date(parsed).toISOString();
  }
  return {
    kind: name,
    action,
    entry,
    ...(reason === undefined ? {} : { reason }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(flags.get('whole-range') === true ? { wholeRange: true } : {}),
    ...region,
  };
}

function parseScore(spec: SubcommandSpec, positionals: readonly Token[]): Command {
  const [principal, ip] = positionals;
  if (principal === undefined || ip === undefined) {
    throw new ArgumentError(
      `\`score\` needs a principal and an IP address, e.g. \`${COMMAND} ${spec.examples[0] ?? ''}\`.`,
    );
  }
  if (principal.kind !== 'word' || !PRINCIPAL.test(principal.text)) {
    throw new ArgumentError(
      `${echo(principal.text)}: a principal is an IAM principal id such as \`AIDA…\` or \`AROA…:session\`, or an account id.`,
    );
  }
  if (ip.kind !== 'word' || isIP(ip.text) === 0) {
    throw new ArgumentError(`${echo(ip.text)}: not an IPv4 or IPv6 address.`);
  }
  noMorePositionals(spec, positionals.slice(2));
  return { kind: 'score', principal: principal.text, ip: ip.text };
}

const NAMES = SUBCOMMANDS.map((s) => s.name);

function isSubcommandName(word: string): word is SubcommandName {
  return (NAMES as readonly string[]).includes(word);
}

function subcommandName(token: Token): SubcommandName {
  const word = token.text.toLowerCase();
  if (isSubcommandName(word)) return word;
  const hint = didYouMean(suggest(word, NAMES), (s) => `\`${COMMAND} ${s}\``);
  throw new ArgumentError(
    `Unknown subcommand ${echo(token.text)}.${hint === '' ? ` Subcommands: ${NAMES.join(', ')}.` : hint} See \`${COMMAND} help\`.`,
  );
}

/** Parses the text after `/guardduty`. Never throws. */
export function parseCommand(text: string): ParseResult {
  try {
    const [first, ...rest] = tokenize(text);
    if (first === undefined) return { ok: true, command: { kind: 'help' } };
    if (first.kind === 'word' && /^--?h(elp)?$/i.test(first.text)) {
      return { ok: true, command: { kind: 'help' } };
    }
    return { ok: true, command: build(subcommandName(first), rest) };
  } catch (error) {
    if (error instanceof ArgumentError) return { ok: false, error: { text: error.message } };
    // A defect, not bad input: still answer in one safe line rather than fail the request.
    return {
      ok: false,
      error: { text: `Could not read that command. See \`${COMMAND} help\`.` },
    };
  }
}
