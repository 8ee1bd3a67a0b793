import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import type { AuditEntry } from '../../../src/actions/contract';
import {
  messageLink,
  tallyFindings,
  typeMatcher,
  type ListResult,
} from '../../../src/bot/commands/queries';
import { renderAudit, renderHelp, renderOutcome } from '../../../src/bot/commands/responses';
import { renderList, renderStats } from '../../../src/bot/commands/findingListings';
import { SUBCOMMANDS } from '../../../src/bot/commands/spec';
import type { FindingRecord } from '../../../src/actions/findingRecords';
import { blockKitViolations, textObjects } from '../../helpers/blockKit';
import { fixtureFinding } from '../../../harness/fixtures';

const EXFIL = 'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json';
const WEEK = { text: '7d', ms: 7 * 86_400_000 };

/** Text Slack would act on: a mention, broadcast or link written by someone else. */
function unsafeMarkup(blocks: readonly KnownBlock[]): string[] {
  return textObjects(blocks)
    .map((t) =>
      t.text.replace(
        /<https:\/\/(slack\.com\/archives|console\.aws\.amazon\.com\/guardduty)\/[^|<>\s]+\|[a-z ]+>|<@U0[A-Z]+>/g,
        '',
      ),
    )
    .filter((text) => /[<>]/.test(text));
}

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.constantFrom(
    '<!channel>',
    '<@U0EVE>',
    '<https://evil.example|click>',
    '`x`',
    '&amp;',
    '\n\n*x*',
  ),
);

describe('typeMatcher', () => {
  it.each([
    ['Recon:EC2/*', 'Recon:EC2/Portscan', true],
    ['Recon:EC2/*', 'Recon:IAMUser/Portscan', false],
    ['*SSHBruteForce', 'UnauthorizedAccess:EC2/SSHBruteForce', true],
    ['Backdoor:EC2/C&CActivity.B!DNS', 'Backdoor:EC2/C&CActivity.B!DNS', true],
    // A dot is literal, not "any character".
    ['Trojan:EC2/DNS.Data*', 'Trojan:EC2/DNSxData', false],
    // Any case; without `*`, a part of the type.
    ['recon:ec2/*', 'Recon:EC2/Portscan', true],
    ['recon', 'Recon:EC2/Portscan', true],
    ['sshbrute', 'UnauthorizedAccess:EC2/SSHBruteForce', true],
    ['tor', 'UnauthorizedAccess:EC2/TorClient', true],
    ['recon', 'UnauthorizedAccess:EC2/SSHBruteForce', false],
    ['Recon:EC2', 'Recon:EC2/Portscan', true],
    ['Recon:EC2', 'Recon:EC', false],
  ])('%s on %s → %s', (pattern, type, expected) => {
    expect(typeMatcher(pattern)(type)).toBe(expected);
  });
});

describe('messageLink', () => {
  const record = (channel: string, ts: string | undefined): FindingRecord =>
    ({ status: 'posted', channel, ts }) as FindingRecord;
  it('links a posted message', () => {
    expect(messageLink(record('C0SECURITY', '1732543200.000100'))).toBe(
      'https://slack.com/archives/C0SECURITY/p1732543200000100',
    );
  });
  it('gives no link for an unposted or odd record', () => {
    expect(messageLink(undefined)).toBeUndefined();
    expect(messageLink({ ...record('C0SECURITY', undefined), status: 'posting' })).toBeUndefined();
    expect(messageLink(record('C0SECURITY|evil', '1.2'))).toBeUndefined();
  });
});

describe('tallyFindings', () => {
  it('counts each principal, instance and remote IP once per finding, largest first', () => {
    const exfil = fixtureFinding(EXFIL);
    const again = { ...exfil, id: 'other' };
    const probe = fixtureFinding('Synthetic_Recon_EC2_PortProbeUnprotectedPort.MultiSource.json');
    expect(tallyFindings([exfil, again, probe])).toEqual({
      principals: [{ key: 'AROA123456789EXAMPLE:i-0abcd1234ef567890', label: 'ec2-app', count: 2 }],
      instances: [{ key: 'i-0abcd1234ef567890', count: 1 }],
      remoteIps: [
        { key: '198.51.100.23', count: 2 },
        { key: '192.0.2.101', count: 1 },
        { key: '192.0.2.102', count: 1 },
        { key: '192.0.2.103', count: 1 },
      ],
    });
  });
});

it('the markup check finds what it looks for', () => {
  const bad = (text: string): KnownBlock[] => [{ type: 'section', text: { type: 'mrkdwn', text } }];
  expect(unsafeMarkup(bad('hi <!channel>'))).toHaveLength(1);
  expect(unsafeMarkup(bad('<https://slack.com/archives/C1/p1|message>'))).toEqual([]);
  expect(unsafeMarkup(bad('<https://evil.example|click here>'))).toHaveLength(1);
  expect(unsafeMarkup(bad('<https://evil.example|<@U0EVE>>'))).toHaveLength(1);
});

describe('renderers stay within Block Kit limits and keep hostile text inert', () => {
  it('list', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 50 }), (titles) => {
        const base = fixtureFinding(EXFIL);
        const result: ListResult = {
          findings: titles.map((title, i) => ({
            finding: { ...base, id: `f${i}`, title, accountId: `${100000000000 + i}` },
            link: 'https://slack.com/archives/C0SECURITY/p1',
          })),
          total: 500,
          more: 500 - titles.length,
          unreadable: 1,
        };
        // Account names are not ours either: a member account's owner can rename it.
        const names = new Map(titles.map((title, i) => [`${100000000000 + i}`, title]));
        const message = renderList({ since: WEEK, includeArchived: false }, result, {
          names,
          region: 'us-east-2',
          account: { accountId: '100000000000', name: titles[0] ?? '' },
        });
        expect(blockKitViolations(message)).toEqual([]);
        expect(unsafeMarkup(message.blocks)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('audit', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 100 }), (texts) => {
        const entries: AuditEntry[] = texts.map((text, i) => ({
          chain: 'f1',
          seq: i + 1,
          at: '2026-11-25T07:00:00.000Z',
          type: 'outcome',
          actor: { userId: i % 2 === 0 ? 'U0ALICE' : text, teamId: 'T1' },
          action: 'archive',
          findingId: 'f1',
          target: text,
          dryRun: false,
          result: text,
          error: text,
        }));
        const message = renderAudit({ limit: 100 }, entries);
        expect(blockKitViolations(message)).toEqual([]);
        if (message.blocks.length === 50) {
          expect(message.blocks.at(-1)).toEqual({
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                verbatim: true,
                text: 'Too long for one message: the rest is not shown. Narrow the query.',
              },
            ],
          });
        }
        expect(unsafeMarkup(message.blocks)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('stats', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 100 }), (keys) => {
        const message = renderStats(
          WEEK,
          {
            bySeverity: [{ key: '8', count: keys.length + 1 }],
            byType: keys.map((key) => ({ key, count: 1 })),
            principals: keys.slice(0, 5).map((key) => ({ key, label: key, count: 1 })),
            instances: keys.slice(0, 5).map((key) => ({ key, count: 1 })),
            remoteIps: keys.slice(0, 5).map((key) => ({ key, count: 1 })),
            byAccount: keys.map((_, i) => ({ key: `${100000000000 + i}`, count: 1 })),
            examined: keys.length,
            examinedAll: false,
          },
          { names: new Map(keys.map((key, i) => [`${100000000000 + i}`, key])) },
        );
        expect(blockKitViolations(message)).toEqual([]);
        expect(unsafeMarkup(message.blocks)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('outcomes', () => {
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom('archive' as const, 'suppress' as const),
        (reason, kind) => {
          for (const outcome of [
            { kind: 'refused' as const, reason },
            { kind: 'invalid' as const, reason },
            {
              kind: 'duplicate' as const,
              by: { userId: reason, teamId: 'T1' },
              at: reason,
              status: 'running' as const,
            },
          ]) {
            const message = renderOutcome(kind, 'f1', outcome, { users: ['U0ALICE'], groups: [] });
            expect(blockKitViolations(message)).toEqual([]);
            expect(unsafeMarkup(message.blocks)).toEqual([]);
          }
        },
      ),
    );
  });

  it('help, for every topic', () => {
    for (const topic of [undefined, ...SUBCOMMANDS.map((s) => s.name)]) {
      const message = renderHelp(topic);
      expect(blockKitViolations(message)).toEqual([]);
    }
  });
});
