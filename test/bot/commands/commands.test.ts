import {
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import type { Button, KnownBlock } from '@slack/types';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkGuardDutyReader } from '../../../src/aws/guardDutyFindings';
import type { MessageDecorator } from '../../../src/bot/findingPublisher';
import {
  renderFinding,
  renderFindingDetails,
  type ScoreView,
} from '../../../src/bot/render/finding';
import type { Finding } from '../../../src/findings';
import type { ScoreResult, Scorer, Tuple } from '../../../src/ipinsights/scorer';
import { blockKitViolations, textObjects } from '../../helpers/blockKit';
import {
  ALICE,
  BOB,
  CHANNEL,
  TEAM,
  contextBlock,
  sectionBlock,
  seedPostedFinding,
  startCommandHarness,
  type CommandHarness,
} from '../../../harness/commandHarness';
import { fixtureFinding } from '../../../harness/fixtures';
import { sdkFixture } from '../../../harness/sdkFindings';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Four synthetic findings (us-east-2, updated 2026-11-21 09:45 UTC).
const EXFIL = 'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json';
const BITCOIN = 'Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json';
const DISCOVERY = 'Synthetic_Discovery_IAMUser_AnomalousBehavior.json';
const SSH = 'Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json';
const ID = {
  exfil: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  bitcoin: 'd4e5f60718293a4b5c6d7e8f90a1b2c3',
  discovery: 'b2c3d4e5f60718293a4b5c6d7e8f90a1',
  ssh: 'c3d4e5f60718293a4b5c6d7e8f90a1b2',
};
const POSTED_TS = '1732543200.000100';
const CONSOLE =
  'https://console.aws.amazon.com/guardduty/home?region=us-east-2#/findings?macros=current&fId=';

const SORT = { AttributeName: 'severity', OrderBy: 'DESC' };

/** A scorer the test steers: a fixed result, or held until the test lets it answer. */
class SteeredScorer implements Scorer {
  readonly description = 'test scorer';
  readonly calls: Tuple[][] = [];
  result: ScoreResult = {
    kind: 'scored',
    score: -1.25,
    calibration: { unusualVsNormal: 0.995, unusualVsRandom: 0.01, knownEntity: true },
  };
  hold: Promise<void> | undefined;

  async score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    this.calls.push([...tuples]);
    if (this.hold !== undefined) await this.hold;
    return tuples.map(() => this.result);
  }
}

function deferred(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

const archiveButton = (finding: Finding): Button => ({
  type: 'button',
  action_id: 'archive',
  text: { type: 'plain_text', text: 'Archive' },
  value: finding.id,
});
const decorate: MessageDecorator = (finding) =>
  Promise.resolve({ buttons: [archiveButton(finding)] });

const guardduty = mockClient(GuardDutyClient);
const scorer = new SteeredScorer();
let h: CommandHarness;

beforeAll(async () => {
  h = await startCommandHarness({
    guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
    scorer,
    clock: () => NOW,
    decorate,
    ackBudgetMs: 300,
  });
});

afterAll(() => h.close());

beforeEach(() => {
  guardduty.reset();
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
  h.remediation.requests.length = 0;
  h.audit.entries.length = 0;
  h.audit.queries.length = 0;
  scorer.calls.length = 0;
  scorer.hold = undefined;
});

const inputsOf = (command: Parameters<typeof guardduty.commandCalls>[0]): unknown[] =>
  guardduty.commandCalls(command).map((call) => call.args[0].input as unknown);

/** Every GuardDuty call except finding the detector (which the listener caches). */
const guarddutyWork = () =>
  guardduty.calls().filter((c) => !(c.args[0] instanceof ListDetectorsCommand));

const section = sectionBlock;
const oneLine = (text: string) => ({
  response_type: 'ephemeral',
  text,
  blocks: [section(text)],
});

/** The response_url answer as Slack shows it: the ephemeral message's text and blocks. */
const shown = (answer: { text: string; blocks?: unknown }) => ({
  text: answer.text,
  blocks: answer.blocks,
});
const shownLine = (text: string) => ({ text, blocks: [section(text)] });

const EXFIL_SCORE: ScoreView = { reading: 'Stored reading of the posted message' };
beforeAll(async () => {
  await seedPostedFinding(h.findings, fixtureFinding(EXFIL), {
    ts: POSTED_TS,
    score: EXFIL_SCORE,
    atMs: NOW.getTime(),
  });
});

describe('/guardduty help', () => {
  it('answers in the ack with usage and examples, visible only to the user', async () => {
    const { status, ack } = await h.run('help list');
    expect(status).toBe(200);
    expect(ack).toEqual({
      response_type: 'ephemeral',
      text: '/guardduty list [--severity low|medium|high|critical] [--since 24h|7d] [--type PATTERN] [--account NAME|ID] [--region REGION] [--archived]',
      blocks: [
        section(
          [
            '`/guardduty list [--severity low|medium|high|critical] [--since 24h|7d] [--type PATTERN] [--account NAME|ID] [--region REGION] [--archived]`',
            "Recent findings, most severe first, each linked to its message (default: last 7d, not archived, the stack's region).",
            '*Flags*',
            '`--severity BAND` this band and above',
            '`--since DURATION` updated within (30m, 24h, 7d, 2w; at most 90d)',
            '`--type PATTERN` finding type, any case: part of it (`recon`), or `*` for any text',
            '`--account NAME|ID` one account: its 12-digit id, or its name (the accounts file or AWS Organizations)',
            "`--region REGION` the findings of that region (default: the stack's own)",
            '`--archived` include archived findings',
            '*Examples*',
            '`/guardduty list --severity high --since 24h`',
            '`/guardduty list --type Recon:EC2/*`',
            '`/guardduty list --type tor`',
            '`/guardduty list --account prod-payments --region eu-central-1`',
          ].join('\n'),
        ),
      ],
    });
    expect(h.slack.workspace.listEphemerals().at(-1)).toMatchObject({
      user: ALICE,
      channel: CHANNEL,
      source: 'command_ack',
    });
  });

  it('lists every subcommand for a bare /guardduty', async () => {
    const { ack } = await h.run('');
    const text = textObjects(ack)
      .map((t) => t.text)
      .join('\n');
    for (const name of [
      'list',
      'show',
      'stats',
      'score',
      'archive',
      'suppress',
      'audit',
      'status',
    ]) {
      expect(text).toContain(`\`/guardduty ${name}`);
    }
    expect(text).toContain('`/guardduty list --severity high --since 24h`');
    expect(guardduty.calls()).toHaveLength(0);
  });
});

describe('bad arguments: one ephemeral line, nothing executed', () => {
  it.each([
    [
      'unknown subcommand',
      'lsit',
      'Unknown subcommand `lsit`. Did you mean `/guardduty list`? See `/guardduty help`.',
    ],
    [
      'bad finding id',
      'show ../../etc',
      '`../../etc`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    ],
    [
      'bad finding id to archive',
      'archive a;b',
      '`a;b`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    ],
    ['bad IP', 'score AIDA1 300.1.2.3', '`300.1.2.3`: not an IPv4 or IPv6 address.'],
    [
      'bad duration',
      'list --since 2y',
      '`--since 2y`: a duration is a whole number and a unit m, h, d or w, e.g. `30m`, `24h`, `7d`, `2w`.',
    ],
    [
      'duration too long',
      'stats --since 120d',
      '`--since 120d`: at most 90d, as GuardDuty keeps findings 90 days.',
    ],
    [
      'unknown flag',
      'list --sevrity high',
      '`list` has no flag `--sevrity`. Did you mean `--severity`?',
    ],
    [
      'bad flag value',
      'list --severity urgent',
      '`--severity urgent`: must be low, medium, high or critical.',
    ],
    ['bad limit', 'audit --limit 500', '`--limit 500`: must be a whole number from 1 to 100.'],
    [
      'missing argument',
      'suppress',
      '`suppress` needs a finding id, e.g. `/guardduty suppress 12abc34d567e8fa901bc2d34e56789f0`.',
    ],
    [
      'extra argument',
      'status now',
      'Unexpected argument `now`: usage is `/guardduty status [--check]`.',
    ],
    // Slack sends "<!channel>" typed by a user as "&lt;!channel&gt;"; it comes back inert.
    [
      'hostile text',
      'archive &lt;!channel&gt;',
      '`&lt;!channel&gt;`: a finding id is 1 to 128 letters, digits, `_` or `-`.',
    ],
    [
      'hostile link',
      'score <https://evil.example|AIDA1> 10.0.0.1;<!here>',
      '`10.0.0.1;&lt;!here&gt;`: not an IPv4 or IPv6 address.',
    ],
  ])('%s', async (_class, text, message) => {
    const { status, ack } = await h.run(text);
    expect(status).toBe(200);
    expect(ack).toEqual(oneLine(`:warning: ${message}`));
    expect(guardduty.calls()).toHaveLength(0);
    expect(h.remediation.requests).toEqual([]);
    expect(h.slack.views.list()).toEqual([]);
  });
});

describe('/guardduty list', () => {
  it('lists recent findings most severe first, linked to their messages, by response_url', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [ID.bitcoin, ID.exfil] });
    guardduty
      .on(GetFindingsCommand)
      .resolves({ Findings: [sdkFixture(BITCOIN), sdkFixture(EXFIL)] });

    const answer = await h.runAndWait('list --severity high --since 24h');

    expect(inputsOf(ListFindingsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: {
          Criterion: {
            severity: { GreaterThanOrEqual: 7 },
            updatedAt: { GreaterThanOrEqual: NOW.getTime() - 24 * HOUR },
            'service.archived': { Equals: ['false'] },
          },
        },
        SortCriteria: SORT,
        MaxResults: 50,
      },
    ]);
    expect(inputsOf(GetFindingsCommand)).toEqual([
      { DetectorId: 'd1', FindingIds: [ID.bitcoin, ID.exfil], SortCriteria: SORT },
    ]);
    // All findings fit on one page: no count is needed.
    expect(inputsOf(GetFindingsStatisticsCommand)).toEqual([]);
    expect(shown(answer)).toEqual({
      text: '2 findings updated in the last 24h, high and above, not archived',
      blocks: [
        section(
          '*2 findings* updated in the last 24h, high and above, not archived, most severe first',
        ),
        section(
          [
            `:large_orange_circle: *High 8.0* EC2 instance i-0fedc9876ba543210 is communicating with a Bitcoin mining pool. · \`123456789012\` \`us-east-2\` · \`${ID.bitcoin}\` · 2026-11-21 09:45 UTC · not posted · <${CONSOLE}${ID.bitcoin}|console>`,
            `:large_orange_circle: *High 8.0* Credentials for instance role ec2-app used from external IP address. · \`123456789012\` \`us-east-2\` · \`${ID.exfil}\` · 2026-11-21 09:45 UTC · <https://slack.com/archives/C0SECURITY/p1732543200000100|message> · <${CONSOLE}${ID.exfil}|console>`,
          ].join('\n'),
        ),
        contextBlock('`/guardduty show ID` for the full finding'),
      ],
    });
  });

  it('includes archived findings with --archived and says when nothing matches', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    const answer = await h.runAndWait('list --archived');
    expect(inputsOf(ListFindingsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: {
          Criterion: { updatedAt: { GreaterThanOrEqual: NOW.getTime() - 7 * DAY } },
        },
        SortCriteria: SORT,
        MaxResults: 50,
      },
    ]);
    expect(inputsOf(GetFindingsCommand)).toEqual([]);
    expect(shown(answer)).toEqual(
      shownLine('No findings updated in the last 7d, archived included.'),
    );
  });

  it('pages ListFindings up to 50, counts the rest, and keeps hostile titles inert', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    guardduty
      .on(ListFindingsCommand)
      .resolvesOnce({ FindingIds: ids.slice(0, 30), NextToken: 'p2' })
      .resolvesOnce({ FindingIds: ids.slice(30, 50), NextToken: 'p3' });
    guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: { GroupedBySeverity: [{ Severity: 8, TotalFindings: 130 }] },
    });
    guardduty.on(GetFindingsCommand).callsFake((input: { FindingIds: string[] }) => ({
      Findings: input.FindingIds.map((id) =>
        sdkFixture(EXFIL, (w) => {
          w.id = id;
          w.title = `<!channel> see https://evil.example/${id} \u202e *now*`;
        }),
      ),
    }));

    const answer = await h.runAndWait('list');

    expect(inputsOf(ListFindingsCommand)).toEqual([
      expect.objectContaining({ MaxResults: 50 }),
      expect.objectContaining({ MaxResults: 20, NextToken: 'p2' }),
    ]);
    expect(inputsOf(GetFindingsStatisticsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: {
          Criterion: {
            updatedAt: { GreaterThanOrEqual: NOW.getTime() - 7 * DAY },
            'service.archived': { Equals: ['false'] },
          },
        },
        GroupBy: 'SEVERITY',
        OrderBy: 'DESC',
        MaxResults: 100,
      },
    ]);
    expect(inputsOf(GetFindingsCommand)).toEqual([
      { DetectorId: 'd1', FindingIds: ids.slice(0, 50), SortCriteria: SORT },
    ]);
    const blocks = answer.blocks as unknown as KnownBlock[];
    expect(blockKitViolations({ text: answer.text, blocks })).toEqual([]);
    expect(blocks[0]).toEqual(
      section('*130 findings* updated in the last 7d, not archived, most severe first'),
    );
    expect(blocks.at(-1)).toEqual(
      contextBlock(
        'and 80 more not shown: narrow with `--severity`, `--since`, `--type` or `--account` · `/guardduty show ID` for the full finding',
      ),
    );
    const all = textObjects(blocks)
      .map((t) => t.text)
      .join('\n');
    expect(all.match(/\*High 8\.0\*/g)).toHaveLength(50);
    expect(all).toContain(
      '*High 8.0* &lt;!channel&gt; see https[:]//evil[.]example/f000   ∗now∗ · `123456789012` `us-east-2` · `f000`',
    );
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('https://evil');
  });

  it('resolves a --type wildcard to the types GuardDuty has in the window', async () => {
    guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [
          { FindingType: 'UnauthorizedAccess:EC2/SSHBruteForce', TotalFindings: 3 },
          { FindingType: 'Recon:EC2/Portscan', TotalFindings: 2 },
          {
            FindingType: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
            TotalFindings: 1,
          },
        ],
      },
    });
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [ID.ssh] });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [sdkFixture(SSH)] });

    const answer = await h.runAndWait('list --type UnauthorizedAccess:*');

    const criterion = {
      updatedAt: { GreaterThanOrEqual: NOW.getTime() - 7 * DAY },
      'service.archived': { Equals: ['false'] },
    };
    expect(inputsOf(GetFindingsStatisticsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: { Criterion: criterion },
        GroupBy: 'FINDING_TYPE',
        OrderBy: 'DESC',
        MaxResults: 100,
      },
    ]);
    expect(inputsOf(ListFindingsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: {
          Criterion: {
            ...criterion,
            type: {
              Equals: [
                'UnauthorizedAccess:EC2/SSHBruteForce',
                'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
              ],
            },
          },
        },
        SortCriteria: SORT,
        MaxResults: 50,
      },
    ]);
    expect(answer.text).toBe(
      '1 finding updated in the last 7d, type `UnauthorizedAccess:*`, not archived',
    );
  });

  it('matches --type as a part of the type in any case: `recon` lists Recon:EC2/Portscan', async () => {
    guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [
          { FindingType: 'UnauthorizedAccess:EC2/SSHBruteForce', TotalFindings: 3 },
          { FindingType: 'Recon:EC2/Portscan', TotalFindings: 2 },
        ],
      },
    });
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    await h.runAndWait('list --type recon');
    expect(inputsOf(ListFindingsCommand)).toEqual([
      expect.objectContaining({
        FindingCriteria: {
          Criterion: expect.objectContaining({
            type: { Equals: ['Recon:EC2/Portscan'] },
          }) as unknown,
        },
      }),
    ]);
  });

  it('says so when a wildcard matches no type, without listing', async () => {
    guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [{ FindingType: 'Recon:EC2/Portscan', TotalFindings: 2 }],
      },
    });
    const answer = await h.runAndWait('list --type Backdoor:*');
    expect(inputsOf(ListFindingsCommand)).toEqual([]);
    expect(shown(answer)).toEqual(
      shownLine('No finding type matches `Backdoor:*` among the findings updated in the last 7d.'),
    );
  });

  it('acks at once and answers by response_url when GuardDuty is slow', async () => {
    const gate = deferred();
    guardduty.on(ListFindingsCommand).callsFake(async () => {
      await gate.promise;
      return { FindingIds: [] };
    });
    const before = h.slack.workspace.listEphemerals().length;
    const ack = await h.run('list');
    // The ack came back while GuardDuty had not answered yet.
    expect(ack).toEqual({ status: 200, ack: undefined });
    expect(h.slack.workspace.listEphemerals()).toHaveLength(before);
    const count = h.slack.workspace
      .listEphemerals()
      .filter((e) => e.source === 'response_url').length;
    gate.release();
    const answers = await h.responses(count + 1);
    expect(answers.at(-1)?.text).toBe('No findings updated in the last 7d, not archived.');
  });

  it('reports a GuardDuty failure in one line', async () => {
    guardduty.on(ListFindingsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: guardduty:ListFindings'), {
        name: 'AccessDeniedException',
      }),
    );
    const answer = await h.runAndWait('list');
    expect(shown(answer)).toEqual(
      shownLine(
        ':x: Could not list findings: User is not authorized to perform: guardduty:ListFindings',
      ),
    );
  });
});

describe('/guardduty show', () => {
  it('shows a posted finding from the store with the same renderer and its buttons', async () => {
    const answer = await h.runAndWait(`show ${ID.exfil}`);
    const finding = fixtureFinding(EXFIL);
    const expected = renderFinding(finding, {
      score: EXFIL_SCORE,
      buttons: [archiveButton(finding)],
    });
    // As the channel shows it, with its details under it: an ephemeral answer has no thread.
    expect(answer).toMatchObject({ text: expected.text, blocks: expected.blocks });
    expect((answer as { attachments?: unknown }).attachments).toEqual([
      ...(expected.attachments ?? []),
      { blocks: renderFindingDetails(finding, EXFIL_SCORE).blocks },
    ]);
    expect(guarddutyWork()).toEqual([]);
    expect(scorer.calls).toEqual([]);
  });

  it('fetches and scores a finding the bot never posted', async () => {
    guardduty.on(GetFindingsCommand).resolves({ Findings: [sdkFixture(BITCOIN)] });
    const answer = await h.runAndWait(`show ${ID.bitcoin}`);
    expect(inputsOf(GetFindingsCommand)).toEqual([
      { DetectorId: 'd1', FindingIds: [ID.bitcoin], SortCriteria: SORT },
    ]);
    expect(scorer.calls.map((tuples) => tuples.map(({ entity, ip }) => ({ entity, ip })))).toEqual([
      [{ entity: 'i-0fedc9876ba543210', ip: '198.18.0.9' }],
    ]);
    const finding = fixtureFinding(BITCOIN);
    const tuple = {
      entity: 'i-0fedc9876ba543210',
      ip: '198.18.0.9',
      remote: finding.service.action?.networkConnectionAction?.remoteIpDetails ?? {},
    };
    const expected = renderFinding(finding, {
      score: {
        tuple,
        score: -1.25,
        level: 'rare',
        label: 'Rare',
        reading: "Rare: more unusual than 99.5% of the account's normal activity",
      },
      buttons: [archiveButton(finding)],
    });
    expect(shown(answer)).toEqual({ text: expected.text, blocks: expected.blocks });
  });

  it('says when GuardDuty has no such finding', async () => {
    guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const answer = await h.runAndWait('show 0000deadbeef');
    expect(shown(answer)).toEqual(
      shownLine(
        'No finding `0000deadbeef` in GuardDuty (detector `d1`). Check the id with `/guardduty list`.',
      ),
    );
  });
});

describe('/guardduty stats', () => {
  it('counts by severity and type from GuardDuty and tops principals, instances and IPs', async () => {
    guardduty
      .on(GetFindingsStatisticsCommand, { GroupBy: 'SEVERITY' })
      .resolves({
        FindingStatistics: {
          GroupedBySeverity: [
            { Severity: 8, TotalFindings: 2 },
            { Severity: 5, TotalFindings: 1 },
            { Severity: 2, TotalFindings: 1 },
          ],
        },
      })
      .on(GetFindingsStatisticsCommand, { GroupBy: 'ACCOUNT' })
      .resolves({
        FindingStatistics: {
          GroupedByAccount: [
            { AccountId: '123456789012', TotalFindings: 3 },
            { AccountId: '111122223333', TotalFindings: 1 },
          ],
        },
      })
      .on(GetFindingsStatisticsCommand, { GroupBy: 'FINDING_TYPE' })
      .resolves({
        FindingStatistics: {
          GroupedByFindingType: [
            { FindingType: 'CryptoCurrency:EC2/BitcoinTool.B', TotalFindings: 1 },
            { FindingType: 'Discovery:IAMUser/AnomalousBehavior', TotalFindings: 1 },
            { FindingType: 'UnauthorizedAccess:EC2/SSHBruteForce', TotalFindings: 1 },
            {
              FindingType: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
              TotalFindings: 1,
            },
          ],
        },
      });
    guardduty
      .on(ListFindingsCommand)
      .resolves({ FindingIds: [ID.exfil, ID.bitcoin, ID.discovery, ID.ssh] });
    guardduty.on(GetFindingsCommand).resolves({
      Findings: [sdkFixture(EXFIL), sdkFixture(BITCOIN), sdkFixture(DISCOVERY), sdkFixture(SSH)],
    });

    const answer = await h.runAndWait('stats --since 7d');

    const criteria = {
      Criterion: {
        updatedAt: { GreaterThanOrEqual: NOW.getTime() - 7 * DAY },
        'service.archived': { Equals: ['false'] },
      },
    };
    expect(inputsOf(GetFindingsStatisticsCommand)).toEqual(
      expect.arrayContaining([
        {
          DetectorId: 'd1',
          FindingCriteria: criteria,
          GroupBy: 'SEVERITY',
          OrderBy: 'DESC',
          MaxResults: 100,
        },
        {
          DetectorId: 'd1',
          FindingCriteria: criteria,
          GroupBy: 'FINDING_TYPE',
          OrderBy: 'DESC',
          MaxResults: 100,
        },
        {
          DetectorId: 'd1',
          FindingCriteria: criteria,
          GroupBy: 'ACCOUNT',
          OrderBy: 'DESC',
          MaxResults: 100,
        },
      ]),
    );
    expect(inputsOf(ListFindingsCommand)).toEqual([
      { DetectorId: 'd1', FindingCriteria: criteria, SortCriteria: SORT, MaxResults: 50 },
    ]);
    expect(shown(answer)).toEqual({
      text: '4 findings updated in the last 7d, not archived',
      blocks: [
        section('*4 findings* updated in the last 7d, not archived'),
        section(
          ':red_circle: Critical *0*   :large_orange_circle: High *2*   :large_yellow_circle: Medium *1*   :large_blue_circle: Low *1*',
        ),
        section(
          [
            '*By type*',
            '1 · `CryptoCurrency:EC2/BitcoinTool.B`',
            '1 · `Discovery:IAMUser/AnomalousBehavior`',
            '1 · `UnauthorizedAccess:EC2/SSHBruteForce`',
            '1 · `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`',
          ].join('\n'),
        ),
        section(['*By account*', '3 · `123456789012`', '1 · `111122223333`'].join('\n')),
        {
          type: 'section',
          fields: [
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Top principals*\n1 · `AIDA123456789EXAMPLE` (`dev-alice`)\n1 · `AROA123456789EXAMPLE:i-0abcd1234ef567890` (`ec2-app`)',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Top instances*\n1 · `i-0abcd1234ef567890`\n1 · `i-0fedc9876ba543210`',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Top remote IPs*\n1 · `192.0.2.15`\n1 · `198.18.0.9`\n1 · `198.51.100.23`\n1 · `203.0.113.77`',
            },
          ],
        },
        contextBlock(
          'Counts by severity, type and account from GuardDuty. Top lists over all 4 findings.',
        ),
      ],
    });
  });

  it('says so when the window holds no findings', async () => {
    guardduty.on(GetFindingsStatisticsCommand).resolves({ FindingStatistics: {} });
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    const answer = await h.runAndWait('stats --since 30m');
    expect(shown(answer)).toEqual(shownLine('No findings updated in the last 30m, not archived.'));
  });
});

describe('/guardduty score', () => {
  it('answers in the ack with the score and its reading, scoring a session as its role', async () => {
    const { ack } = await h.run('score AROAEXAMPLE:alice 198.51.100.7');
    expect(scorer.calls).toEqual([[{ entity: 'AROAEXAMPLE', ip: '198.51.100.7' }]]);
    const line =
      ":mag: *IP Insights* for `AROAEXAMPLE` from `198.51.100.7`: *Rare*: more unusual than 99.5% of the account's normal activity";
    expect(ack).toEqual({
      response_type: 'ephemeral',
      text: line,
      blocks: [
        section(line),
        contextBlock(
          'Scorer: test scorer · `AROAEXAMPLE:alice` is scored as its role `AROAEXAMPLE` · Raw score -1.250: higher is more usual',
        ),
      ],
    });
  });

  it('says why a pair is unscored', async () => {
    scorer.result = {
      kind: 'unscored',
      reason: 'IPv6 address: IP Insights models score IPv4 only',
    };
    try {
      const { ack } = await h.run('score AIDA1 2001:db8::1');
      const line =
        ':mag: *IP Insights* for `AIDA1` from `2001:db8::1`: *Not scored*: IPv6 address: IP Insights models score IPv4 only';
      expect(ack).toMatchObject({ text: line, blocks: [section(line), expect.anything()] });
    } finally {
      scorer.result = {
        kind: 'scored',
        score: -1.25,
        calibration: { unusualVsNormal: 0.995, unusualVsRandom: 0.01, knownEntity: true },
      };
    }
  });

  it('answers by response_url when the scorer is slower than the ack allows', async () => {
    const gate = deferred();
    scorer.hold = gate.promise;
    const before = h.slack.workspace
      .listEphemerals()
      .filter((e) => e.source === 'response_url').length;
    const ack = await h.run('score AIDA1 10.0.0.1');
    expect(ack).toEqual({ status: 200, ack: undefined });
    gate.release();
    const [answer] = (await h.responses(before + 1)).slice(before);
    expect(answer?.text).toBe(
      ":mag: *IP Insights* for `AIDA1` from `10.0.0.1`: *Rare*: more unusual than 99.5% of the account's normal activity",
    );
  });
});

describe('/guardduty archive', () => {
  it('asks the remediation service, as the user, for a posted finding', async () => {
    const answer = await h.runAndWait(`archive ${ID.exfil}`);
    expect(h.remediation.requests).toEqual([
      {
        findingId: ID.exfil,
        kind: 'archive',
        actor: { userId: ALICE, teamId: TEAM, userName: 'alice' },
        source: 'command',
        responseUrl: expect.stringMatching(/\/respond\/R\d+$/) as unknown,
      },
    ]);
    expect(guarddutyWork()).toEqual([]);
    expect(shown(answer)).toEqual(
      shownLine(
        `:hourglass_flowing_sand: Archive of \`${ID.exfil}\` requested (dry run: planned and audited, AWS is not changed). The result will appear in the finding's message and thread.`,
      ),
    );

    const again = await h.runAndWait(`archive ${ID.exfil}`);
    expect(shown(again)).toEqual(
      shownLine(
        `:information_source: Archive of \`${ID.exfil}\` was already requested by <@U0ALICE> at 2026-11-25 08:00 UTC (pending); nothing new was done.`,
      ),
    );
  });

  it('sends a finding the bot never posted along with the request', async () => {
    guardduty.on(GetFindingsCommand).resolves({ Findings: [sdkFixture(SSH)] });
    await h.runAndWait(`archive ${ID.ssh}`);
    expect(inputsOf(GetFindingsCommand)).toEqual([
      { DetectorId: 'd1', FindingIds: [ID.ssh], SortCriteria: SORT },
    ]);
    expect(h.remediation.requests).toHaveLength(1);
    expect(h.remediation.requests[0]).toMatchObject({
      findingId: ID.ssh,
      kind: 'archive',
      source: 'command',
      finding: { id: ID.ssh, type: 'UnauthorizedAccess:EC2/SSHBruteForce' },
    });
  });

  it('refuses a non-responder, through the service, and shows why', async () => {
    const answer = await h.runAndWait(`archive ${ID.exfil}`, BOB);
    expect(shown(answer)).toEqual(
      shownLine(`:no_entry: Archive of \`${ID.exfil}\` refused: U0BOB is not a responder`),
    );
    expect(h.remediation.requests).toMatchObject([{ actor: { userId: BOB }, kind: 'archive' }]);
    expect(h.audit.entries).toMatchObject([{ type: 'refusal', actor: { userId: BOB } }]);
  });

  it('asks nothing of the service for a finding GuardDuty does not have', async () => {
    guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const answer = await h.runAndWait('archive nosuchfinding');
    expect(h.remediation.requests).toEqual([]);
    expect(answer.text).toBe(
      'No finding `nosuchfinding` in GuardDuty (detector `d1`). Check the id with `/guardduty list`.',
    );
  });
});

describe('/guardduty suppress', () => {
  it('opens the suppress form with the trigger id for a responder, and says nothing else', async () => {
    const before = h.slack.workspace.listEphemerals().length;
    const { status, ack } = await h.run(`suppress ${ID.exfil}`);
    expect([status, ack]).toEqual([200, undefined]);
    await h.slack.waitForCalls('views.open');
    const [open] = h.slack.views.list();
    expect(open).toMatchObject({
      user: ALICE,
      view: {
        callback_id: 'suppress_similar',
        private_metadata: JSON.stringify({ findingId: ID.exfil }),
      },
    });
    expect(h.slack.workspace.listEphemerals()).toHaveLength(before);
    h.slack.views.close(open!.view.id);
  });

  it('shows a non-responder the refusal and opens nothing', async () => {
    const opened = h.slack.callsTo('views.open').length;
    const answer = await h.runAndWait(`suppress ${ID.exfil}`, BOB);
    expect(shown(answer)).toEqual(
      shownLine(`:no_entry: Suppression of \`${ID.exfil}\` refused: U0BOB is not a responder`),
    );
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    expect(h.slack.views.list()).toEqual([]);
  });
});

describe('/guardduty audit', () => {
  const actor = (userId: string) => ({ userId, teamId: TEAM });
  beforeEach(() => {
    h.audit.append({
      at: '2026-11-25T07:00:00.000Z',
      type: 'request',
      actor: actor(ALICE),
      action: 'archive',
      findingId: ID.exfil,
      target: '',
      dryRun: true,
    });
    h.audit.append({
      at: '2026-11-25T07:01:00.000Z',
      type: 'outcome',
      actor: actor(ALICE),
      action: 'archive',
      findingId: ID.exfil,
      target: '',
      dryRun: true,
      result: 'failed',
      error: 'AccessDenied for <!channel> https://evil.example',
    });
    h.audit.append({
      at: '2026-11-25T07:02:00.000Z',
      type: 'refusal',
      actor: actor(BOB),
      action: 'quarantine',
      findingId: ID.bitcoin,
      target: 'i-0fedc9876ba543210',
      dryRun: false,
      result: 'not a responder',
    });
  });

  it('lists one person’s records, newest first, within the limit', async () => {
    const answer = await h.runAndWait('audit <@U0ALICE|alice> --limit 1');
    expect(h.audit.queries).toEqual([{ userId: ALICE, limit: 1 }]);
    expect(shown(answer)).toEqual({
      text: 'Audit trail by <@U0ALICE>',
      blocks: [
        section('*Audit trail by <@U0ALICE>*, newest first (1, the 1 newest)'),
        section(
          `\`#2\` 2026-11-25 07:01 UTC · <@U0ALICE> · outcome *archive* · finding \`${ID.exfil}\` · dry run · failed · error: AccessDenied for &lt;!channel&gt; https[:]//evil[.]example`,
        ),
      ],
    });
  });

  it('takes a plain @name or a user id where no mention is available', async () => {
    await h.runAndWait('audit @Alice --limit 1');
    await h.runAndWait('audit U0ALICE --limit 2');
    await h.runAndWait('audit @U0BOB');
    expect(h.audit.queries).toEqual([
      { userId: ALICE, limit: 1 },
      { userId: ALICE, limit: 2 },
      { userId: BOB, limit: 20 },
    ]);
    expect(h.slack.callsTo('users.list')).toHaveLength(1);
  });

  it('says who a name could be, or that it is no one, and lists nothing', async () => {
    const several = await h.runAndWait('audit @sam');
    expect(shown(several)).toEqual(
      shownLine(
        '`@sam` could be <@U0SAM1> (`U0SAM1`), <@U0SAM2> (`U0SAM2`). Run `/guardduty audit` with the user id.',
      ),
    );
    const nobody = await h.runAndWait('audit @nobody');
    expect(shown(nobody)).toEqual(
      shownLine(
        'No one in this workspace is named `@nobody`. Pick the person from the list as you type @, or give their user id (U…).',
      ),
    );
    expect(h.audit.queries).toEqual([]);
  });

  it('lists everything, or one finding’s records', async () => {
    const all = await h.runAndWait('audit');
    expect(h.audit.queries).toEqual([{ limit: 20 }]);
    expect(all.blocks?.[1]).toEqual(
      section(
        [
          `\`#1\` 2026-11-25 07:02 UTC · <@U0BOB> · refusal *quarantine* · finding \`${ID.bitcoin}\` · target \`i-0fedc9876ba543210\` · not a responder`,
          `\`#2\` 2026-11-25 07:01 UTC · <@U0ALICE> · outcome *archive* · finding \`${ID.exfil}\` · dry run · failed · error: AccessDenied for &lt;!channel&gt; https[:]//evil[.]example`,
          `\`#1\` 2026-11-25 07:00 UTC · <@U0ALICE> · request *archive* · finding \`${ID.exfil}\` · dry run`,
        ].join('\n'),
      ),
    );
    const none = await h.runAndWait('audit 0000nothing');
    expect(h.audit.queries.at(-1)).toEqual({ findingId: '0000nothing', limit: 20 });
    expect(shown(none)).toEqual(shownLine('No audit records for finding `0000nothing`.'));
  });
});
