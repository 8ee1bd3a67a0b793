import fc from 'fast-check';
import { parseCommand, suggest, type ParseResult } from '../../../src/bot/commands/parse';
import { SUBCOMMANDS } from '../../../src/bot/commands/spec';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function command(text: string) {
  const result = parseCommand(text);
  if (!result.ok)
    throw new Error(`expected a command for ${JSON.stringify(text)}: ${result.error.text}`);
  return result.command;
}

function error(text: string): string {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return result.error.text;
}

describe('parseCommand: commands', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['  HELP   list ', { kind: 'help', topic: 'list' }],
    ['--help', { kind: 'help' }],
    ['show --help', { kind: 'help', topic: 'show' }],
    ['list', { kind: 'list', since: { text: '7d', ms: 7 * DAY }, includeArchived: false }],
    [
      'list --severity HIGH --since 24h --type Recon:EC2/* --archived',
      {
        kind: 'list',
        severity: 'High',
        since: { text: '24h', ms: 24 * HOUR },
        typePattern: 'Recon:EC2/*',
        includeArchived: true,
      },
    ],
    [
      'list --since=30m --severity=critical',
      {
        kind: 'list',
        severity: 'Critical',
        since: { text: '30m', ms: 1_800_000 },
        includeArchived: false,
      },
    ],
    [
      'list --account prod-payments --region EU-Central-1',
      {
        kind: 'list',
        since: { text: '7d', ms: 7 * DAY },
        includeArchived: false,
        account: { kind: 'name', name: 'prod-payments' },
        region: 'eu-central-1',
      },
    ],
    [
      'stats --account=111122223333 --region us-gov-west-1',
      {
        kind: 'stats',
        since: { text: '7d', ms: 7 * DAY },
        account: { kind: 'id', accountId: '111122223333' },
        region: 'us-gov-west-1',
      },
    ],
    // Phones and Macs turn "--" into an em dash.
    [
      'list —since 2w',
      { kind: 'list', since: { text: '2w', ms: 14 * DAY }, includeArchived: false },
    ],
    [
      'list --since 90d',
      { kind: 'list', since: { text: '90d', ms: 90 * DAY }, includeArchived: false },
    ],
    [
      'list --type Backdoor:EC2/C&amp;CActivity.B!DNS',
      {
        kind: 'list',
        since: { text: '7d', ms: 7 * DAY },
        typePattern: 'Backdoor:EC2/C&CActivity.B!DNS',
        includeArchived: false,
      },
    ],
    [
      'show 12abc34d567e8fa901bc2d34e56789f0',
      { kind: 'show', findingId: '12abc34d567e8fa901bc2d34e56789f0' },
    ],
    ['stats', { kind: 'stats', since: { text: '7d', ms: 7 * DAY } }],
    ['stats --since 24h', { kind: 'stats', since: { text: '24h', ms: 24 * HOUR } }],
    [
      'score AROAEXAMPLE:alice 198.51.100.7',
      { kind: 'score', principal: 'AROAEXAMPLE:alice', ip: '198.51.100.7' },
    ],
    [
      'score 123456789012 2001:db8::1',
      { kind: 'score', principal: '123456789012', ip: '2001:db8::1' },
    ],
    // Slack autolinks an e-mail-like session name; the label is what was typed.
    [
      'score <mailto:AROA1:bob@example.com|AROA1:bob@example.com> 10.0.0.1',
      { kind: 'score', principal: 'AROA1:bob@example.com', ip: '10.0.0.1' },
    ],
    ['archive f-1', { kind: 'archive', findingId: 'f-1' }],
    ['suppress f_2', { kind: 'suppress', findingId: 'f_2' }],
    ['audit', { kind: 'audit', limit: 20 }],
    [
      'audit f1 --limit 100',
      { kind: 'audit', subject: { kind: 'finding', findingId: 'f1' }, limit: 100 },
    ],
    [
      'audit <@U0ALICE|alice>',
      { kind: 'audit', subject: { kind: 'user', userId: 'U0ALICE' }, limit: 20 },
    ],
    [
      'audit --limit 1 <@W0BOB>',
      { kind: 'audit', subject: { kind: 'user', userId: 'W0BOB' }, limit: 1 },
    ],
    ['audit U0ALICE', { kind: 'audit', subject: { kind: 'user', userId: 'U0ALICE' }, limit: 20 }],
    ['audit @W0BOB', { kind: 'audit', subject: { kind: 'user', userId: 'W0BOB' }, limit: 20 }],
    [
      'audit @alice.smith',
      { kind: 'audit', subject: { kind: 'userName', name: 'alice.smith' }, limit: 20 },
    ],
    ['status', { kind: 'status', check: false }],
    ['status --check', { kind: 'status', check: true }],
  ])('%j', (text, expected) => {
    expect(command(text)).toEqual(expected);
  });
});

describe('parseCommand: errors say which argument and why', () => {
  it.each([
    ['lsit', 'Unknown subcommand `lsit`. Did you mean `/guardduty list`? See `/guardduty help`.'],
    ['stat', 'Unknown subcommand `stat`. Did you mean `/guardduty stats`? See `/guardduty help`.'],
    [
      'supress f1',
      'Unknown subcommand `supress`. Did you mean `/guardduty suppress`? See `/guardduty help`.',
    ],
    [
      'xyzzy',
      'Unknown subcommand `xyzzy`. Subcommands: list, show, stats, score, archive, suppress, threatlist, trust, audit, status, digest, help. See `/guardduty help`.',
    ],
    [
      'help lst',
      'Unknown subcommand `lst`. Did you mean `/guardduty list`? See `/guardduty help`.',
    ],
    ['list --sevrity high', '`list` has no flag `--sevrity`. Did you mean `--severity`?'],
    ['list --account 1111', '`--account 1111`: an account id has 12 digits.'],
    ['list --account <@U0EVE>', '`--account` needs a value, e.g. `--account prod-payments`.'],
    [
      'stats --account pay*',
      "`--account pay*`: an account's 12-digit id, or its name (letters, digits and `._+=@,&'()-`).",
    ],
    [
      'list --region europe',
      '`--region europe`: an AWS region such as `eu-west-1` or `us-east-2`.',
    ],
    ['list --region', '`--region` needs a value, e.g. `--region eu-west-1`.'],
    ['list --acount x', '`list` has no flag `--acount`. Did you mean `--account`?'],
    ['list --bogus', '`list` has no flag `--bogus`.'],
    ['show f1 --since 2d', '`show` has no flag `--since`. It takes no flags.'],
    [
      'list --severity hgih',
      '`--severity hgih`: must be low, medium, high or critical. Did you mean `high`?',
    ],
    ['list --severity 7', '`--severity 7`: must be low, medium, high or critical.'],
    [
      'list --since 3y',
      '`--since 3y`: a duration is a whole number and a unit m, h, d or w, e.g. `30m`, `24h`, `7d`, `2w`.',
    ],
    ['stats --since 91d', '`--since 91d`: at most 90d, as GuardDuty keeps findings 90 days.'],
    ['stats --since 13w', '`--since 13w`: at most 90d, as GuardDuty keeps findings 90 days.'],
    ['list --since 0h', '`--since 0h`: must be more than zero.'],
    ['list --since', '`--since` needs a value, e.g. `--since 24h`.'],
    ['list --type --archived', '`--type` needs a value, e.g. `--type Recon:EC2/*`.'],
    ['list --since 1d --since 2d', '`--since` is given twice.'],
    ['list --archived=yes', '`--archived` takes no value.'],
    [
      'list extra',
      'Unexpected argument `extra`: usage is `/guardduty list [--severity low|medium|high|critical] [--since 24h|7d] [--type PATTERN] [--account NAME|ID] [--region REGION] [--archived]`.',
    ],
    [
      'list --type Recon:EC2/Port%20scan',
      '`--type Recon:EC2/Port%20scan`: a finding type such as `Recon:EC2/Portscan`, with `*` for any text.',
    ],
    ['show', '`show` needs a finding id, e.g. `/guardduty show 12abc34d567e8fa901bc2d34e56789f0`.'],
    [
      'archive',
      '`archive` needs a finding id, e.g. `/guardduty archive 12abc34d567e8fa901bc2d34e56789f0`.',
    ],
    ['show f1 f2', 'Unexpected argument `f2`: usage is `/guardduty show FINDING_ID`.'],
    [
      'show ../etc/passwd',
      '`../etc/passwd`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    ],
    [
      'suppress <@U0ALICE|alice>',
      '`&lt;@U0ALICE|alice&gt;`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    ],
    [
      'score AIDA1',
      '`score` needs a principal and an IP address, e.g. `/guardduty score AIDACKCEVSQ6C2EXAMPLE 198.51.100.7`.',
    ],
    ['score AIDA1 999.1.1.1', '`999.1.1.1`: not an IPv4 or IPv6 address.'],
    [
      'score AIDA1 10.0.0.1 extra',
      'Unexpected argument `extra`: usage is `/guardduty score PRINCIPAL IP`.',
    ],
    [
      'score AIDA1;rm 10.0.0.1',
      '`AIDA1;rm`: a principal is an IAM principal id such as `AIDA…` or `AROA…:session`, or an account id.',
    ],
    ['audit @b*b', '`@b*b`: not a Slack name; pick the person from the list as you type @.'],
    ['audit b*b', '`b*b`: give a finding id, or a person as @name, a mention or a user id (U…).'],
    ['audit --limit 0', '`--limit 0`: must be a whole number from 1 to 100.'],
    ['audit --limit 101', '`--limit 101`: must be a whole number from 1 to 100.'],
    ['audit --limit 1e2', '`--limit 1e2`: must be a whole number from 1 to 100.'],
    [
      'audit f1 f2',
      'Unexpected argument `f2`: usage is `/guardduty audit [FINDING_ID|@user] [--limit N]`.',
    ],
    ['status now', 'Unexpected argument `now`: usage is `/guardduty status [--check]`.'],
  ])('%j', (text, expected) => {
    expect(error(text)).toBe(expected);
  });

  it('echoes hostile text escaped, as the user typed it', () => {
    // Slack sends "<!channel>" typed by a user as "&lt;!channel&gt;".
    expect(error('show &lt;!channel&gt;')).toBe(
      '`&lt;!channel&gt;`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    );
    expect(error('list --type `<https://evil.example|click>`')).toBe(
      '`--type ˋclickˋ`: a finding type such as `Recon:EC2/Portscan`, with `*` for any text.',
    );
    expect(error('score https://evil.example/x 1.2.3.4')).toBe(
      '`https[:]//evil.example/x`: a principal is an IAM principal id such as `AIDA…` or `AROA…:session`, or an account id.',
    );
  });

  it('cuts a long echo short', () => {
    const text = error(`show ${'x'.repeat(200)}!`);
    expect(text).toBe(
      `\`${'x'.repeat(57)}…\`: a finding id is 1 to 128 letters, digits, \`_\` or \`-\`.`,
    );
  });
});

describe('suggest', () => {
  const names = SUBCOMMANDS.map((s) => s.name);
  it.each([
    ['lis', 'list'],
    ['statu', 'status'],
    ['stauts', 'stats'],
    ['sh', 'show'],
    ['AUDTI', 'audit'],
    ['s', undefined],
    ['completely-different', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(suggest(input, names)).toBe(expected);
  });
});

/** Text shaped like commands: real words, flags, Slack escapes and mentions, and noise. */
const commandLikeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...SUBCOMMANDS.map((s) => s.name),
        '--since',
        '--severity',
        '--type',
        '--archived',
        '--limit',
        '--help',
        '—since',
        '--since=',
        '24h',
        '91d',
        'high',
        '&lt;',
        '&amp;',
        '<@U0ALICE|alice>',
        '<mailto:a@b.c|a@b.c>',
        '<!channel>',
        '198.51.100.7',
        '::1',
        'f1',
        '`',
        '\n',
        '\u202e',
      ),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(' '));

function assertWellFormed(result: ParseResult): void {
  if (result.ok) return;
  const { text } = result.error;
  // Bad input is always named; the parser's own catch-all (a defect) is never reached.
  expect(text).not.toBe('Could not read that command. See `/guardduty help`.');
  // One line, bounded, and nothing Slack would turn into a mention, link or broadcast.
  expect(text).not.toMatch(/[\n\r\u2028\u2029]/);
  expect(text.length).toBeLessThanOrEqual(400);
  expect(text).not.toMatch(/[<>]/);
  expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  expect(text).not.toMatch(/https?:\/\//);
}

describe('parseCommand properties', () => {
  it('never throws, and every error is one safe line, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        assertWellFormed(parseCommand(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, and every error is one safe line, for command-like text', () => {
    fc.assert(
      fc.property(commandLikeText, (text) => {
        assertWellFormed(parseCommand(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every duration up to 90 days and refuses every longer one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom('m', 'h', 'd', 'w'),
        (n, unit) => {
          const ms = n * { m: 60_000, h: HOUR, d: DAY, w: 7 * DAY }[unit];
          const result = parseCommand(`stats --since ${n}${unit}`);
          expect(result.ok).toBe(ms <= 90 * DAY);
          if (result.ok)
            expect(result.command).toEqual({ kind: 'stats', since: { text: `${n}${unit}`, ms } });
        },
      ),
    );
  });
});
