/**
 * The `/guardduty` subcommands: their usage and flags, shared by the parser (what is accepted)
 * and the help text (what is shown), so the two cannot drift apart.
 */

export type SubcommandName =
  | 'help'
  | 'list'
  | 'show'
  | 'stats'
  | 'score'
  | 'archive'
  | 'suppress'
  | 'audit'
  | 'status'
  | 'digest'
  | 'threatlist'
  | 'trust';

export interface FlagSpec {
  readonly name: string;
  /** Placeholder of the value; none for a switch such as `--archived`. */
  readonly value?: string;
  readonly meaning: string;
}

export interface SubcommandSpec {
  readonly name: SubcommandName;
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly flags: readonly FlagSpec[];
}

export const COMMAND = '/guardduty';
/** The longest trust a command may ask for (the worker checks the same). */
const TRUST_MAX_DAYS = 90;

/** GuardDuty keeps findings for 90 days; a longer window would promise what is not there. */
export const MAX_WINDOW_DAYS = 90;
export const DEFAULT_WINDOW = '7d';
export const DEFAULT_AUDIT_LIMIT = 20;
export const MAX_AUDIT_LIMIT = 100;

/** The GuardDuty administrator sees every member's findings: one account of them. */
const ACCOUNT_FLAG: FlagSpec = {
  name: 'account',
  value: 'NAME|ID',
  meaning: 'one account: its 12-digit id, or its name (the accounts file or AWS Organizations)',
};

/** GuardDuty is regional: the administrator's detector in another region. */
const REGION_FLAG: FlagSpec = {
  name: 'region',
  value: 'REGION',
  meaning: "the findings of that region (default: the stack's own)",
};

/** The lists are per region, in each region's detector (the administrator's). */
const LIST_REGION_FLAG: FlagSpec = {
  name: 'region',
  value: 'REGION',
  meaning: "that region's list (default: the stack's own)",
};

const SPECS: readonly SubcommandSpec[] = [
  {
    name: 'list',
    usage:
      'list [--severity low|medium|high|critical] [--since 24h|7d] [--type PATTERN] [--account NAME|ID] [--region REGION] [--archived]',
    summary: `Recent findings, most severe first, each linked to its message (default: last ${DEFAULT_WINDOW}, not archived, the stack's region).`,
    examples: [
      'list --severity high --since 24h',
      'list --type Recon:EC2/*',
      'list --type tor',
      'list --account prod-payments --region eu-central-1',
    ],
    flags: [
      { name: 'severity', value: 'BAND', meaning: 'this band and above' },
      {
        name: 'since',
        value: 'DURATION',
        meaning: `updated within (30m, 24h, 7d, 2w; at most ${MAX_WINDOW_DAYS}d)`,
      },
      {
        name: 'type',
        value: 'PATTERN',
        meaning: 'finding type, any case: part of it (`recon`), or `*` for any text',
      },
      ACCOUNT_FLAG,
      REGION_FLAG,
      { name: 'archived', meaning: 'include archived findings' },
    ],
  },
  {
    name: 'show',
    usage: 'show FINDING_ID',
    summary: 'The full finding message, with its buttons.',
    examples: ['show 12abc34d567e8fa901bc2d34e56789f0'],
    flags: [],
  },
  {
    name: 'stats',
    usage: 'stats [--since 7d] [--account NAME|ID] [--region REGION]',
    summary: 'Counts by severity, type and account; the top principals, instances and remote IPs.',
    examples: ['stats', 'stats --since 24h', 'stats --region eu-central-1'],
    flags: [
      { name: 'since', value: 'DURATION', meaning: `window (default ${DEFAULT_WINDOW})` },
      ACCOUNT_FLAG,
      REGION_FLAG,
    ],
  },
  {
    name: 'score',
    usage: 'score PRINCIPAL IP',
    summary: 'How unusual IP Insights finds this principal calling from this address.',
    examples: ['score AIDACKCEVSQ6C2EXAMPLE 198.51.100.7'],
    flags: [],
  },
  {
    name: 'archive',
    usage: 'archive FINDING_ID',
    summary: 'Archive the finding in GuardDuty (responders only; audited).',
    examples: ['archive 12abc34d567e8fa901bc2d34e56789f0'],
    flags: [],
  },
  {
    name: 'suppress',
    usage: 'suppress FINDING_ID',
    summary: 'Open the suppression rule form for findings like this one (responders only).',
    examples: ['suppress 12abc34d567e8fa901bc2d34e56789f0'],
    flags: [],
  },
  {
    name: 'threatlist',
    usage:
      'threatlist list [--region REGION] | add IP [--reason TEXT] [--region REGION] | remove IP [--region REGION]',
    summary:
      "The account's GuardDuty threat list (a ThreatIntelSet): GuardDuty raises findings for activity with its addresses. Adding and removing: responders only; audited.",
    examples: [
      'threatlist list',
      'threatlist add 203.0.113.9 --reason "C2 from incident 42"',
      'threatlist add 2001:db8:1::/48',
      'threatlist remove 203.0.113.9',
      'threatlist list --region eu-west-1',
    ],
    flags: [
      { name: 'reason', value: 'TEXT', meaning: 'why, shown on every finding from it' },
      LIST_REGION_FLAG,
    ],
  },
  {
    name: 'trust',
    usage:
      'trust list [--region REGION] | add IP --reason TEXT --expires YYYY-MM-DD [--whole-range] [--region REGION] | remove IP [--region REGION]',
    summary: `The trusted IP list (an IPSet): GuardDuty makes no findings for its addresses. A reason and an expiry (at most ${TRUST_MAX_DAYS} days) are required; wider than a /24 (IPv6 /64) needs --whole-range.`,
    examples: [
      'trust list',
      'trust add 203.0.113.20 --reason "weekly scanner" --expires 2026-12-31',
      'trust remove 203.0.113.20',
    ],
    flags: [
      { name: 'reason', value: 'TEXT', meaning: 'why this address is trusted (required to add)' },
      { name: 'expires', value: 'DATE', meaning: 'the day the trust ends (required to add)' },
      { name: 'whole-range', meaning: 'I mean this whole range (wider than a /24 or /64)' },
      LIST_REGION_FLAG,
    ],
  },
  {
    name: 'audit',
    usage: 'audit [FINDING_ID|@user] [--limit N]',
    summary:
      'The audit trail, newest first: everything, one finding, or one person (a mention, @name or user id).',
    examples: ['audit', 'audit @alice --limit 50', 'audit U0123ABCD'],
    flags: [
      {
        name: 'limit',
        value: 'N',
        meaning: `records shown (1-${MAX_AUDIT_LIMIT}, default ${DEFAULT_AUDIT_LIMIT})`,
      },
    ],
  },
  {
    name: 'status',
    usage: 'status [--check]',
    summary:
      'Health: the GuardDuty detector, each region’s last canary run, the last finding posted, the IP Insights model and its retraining, dry-run or live, the accounts and regions findings came from in the last 24 h, and member accounts whose role could not be assumed.',
    examples: ['status', 'status --check'],
    flags: [
      {
        name: 'check',
        meaning: 'run the canary now (a sample finding through the whole path, every check)',
      },
    ],
  },
  {
    name: 'digest',
    usage: 'digest',
    summary:
      'Post this channel’s digest now: the findings waiting for it, counted, each in the thread with its buttons.',
    examples: ['digest'],
    flags: [],
  },
  {
    name: 'help',
    usage: 'help [SUBCOMMAND]',
    summary: 'This help, or one subcommand in detail.',
    examples: ['help list'],
    flags: [],
  },
];

/** In the order help lists them. */
export const SUBCOMMANDS: readonly SubcommandSpec[] = SPECS;

export const SUBCOMMAND_SPECS = Object.fromEntries(SPECS.map((s) => [s.name, s])) as Readonly<
  Record<SubcommandName, SubcommandSpec>
>;
