import {
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountGate } from '../../../src/actions/accounts/gate';
import { sdkRegionalReaders } from '../../../src/aws/regionalGuardDutyReaders';
import { formatUtc } from '../../../src/bot/render/time';
import { NoModelScorer } from '../../../src/ipinsights/scorer';
import { silentLog } from '../../../src/shared/log';
import {
  contextBlock,
  sectionBlock,
  startCommandHarness,
  type CommandHarness,
} from '../../../harness/commandHarness';
import { sdkFixture } from '../../../harness/sdkFindings';

/**
 * The stack in the GuardDuty administrator account's home region eu-west-1, asked about a member
 * account by name and about another region: every GuardDuty call is checked at the SDK boundary
 * for the region it is signed for.
 */
const NOW = new Date('2026-11-25T08:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ADMIN = '999988887777';
const MEMBER = '111122223333';
const SANDBOX = '444455556666';
const HOME = 'eu-west-1';
const OTHER = 'eu-central-1';
const CREDENTIALS = { accessKeyId: 'AKIAHOMESTACKEXAMPLE', secretAccessKey: 'home-secret' };
const BITCOIN = 'Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json';
const BITCOIN_ID = 'd4e5f60718293a4b5c6d7e8f90a1b2c3';

const guardduty = mockClient(GuardDutyClient);
let h: CommandHarness;

/** Each GuardDuty call: its command, the region its client signs for, and its input. */
async function signedCalls() {
  return Promise.all(
    guardduty.calls().map(async (call) => ({
      command: (call.args[0] as { constructor: { name: string } }).constructor.name,
      region: await (call.thisValue as GuardDutyClient).config.region(),
      accessKeyId: (await (call.thisValue as GuardDutyClient).config.credentials()).accessKeyId,
      input: (call.args[0] as { input: unknown }).input,
    })),
  );
}

beforeAll(async () => {
  const accounts = new AccountGate(
    {
      adminAccountId: ADMIN,
      memberRoleName: 'guardduty-chatops-member',
      policy: {
        organizations: false,
        accounts: {
          [ADMIN]: { name: 'security-tooling', protectedPrincipals: [] },
          [MEMBER]: { name: 'prod-payments', protectedPrincipals: [] },
          [SANDBOX]: { name: 'dev-sandbox', protectedPrincipals: [] },
        },
      },
    },
    undefined,
    silentLog,
  );
  // The composition the worker function uses, with the test's credentials.
  const { guardduty: home, regions } = await sdkRegionalReaders(
    new GuardDutyClient({ region: HOME, credentials: CREDENTIALS }),
    (region) => new GuardDutyClient({ region, credentials: CREDENTIALS }),
  );
  h = await startCommandHarness({
    guardduty: home,
    regions,
    accounts,
    organizationActivity: true,
    scorer: new NoModelScorer(),
    clock: () => NOW,
  });
});

afterAll(() => h.close());

beforeEach(() => {
  guardduty.reset();
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['admin-detector'] });
});

describe('/guardduty list --account --region', () => {
  it('reads the administrator’s detector in that region, for that account only', async () => {
    const finding = { ...sdkFixture(BITCOIN), AccountId: MEMBER, Region: OTHER };
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [BITCOIN_ID] });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [finding] });

    const answer = await h.runAndWait(`list --account PROD-payments --region ${OTHER}`);

    const criteria = {
      Criterion: {
        updatedAt: { GreaterThanOrEqual: NOW.getTime() - 7 * DAY },
        'service.archived': { Equals: ['false'] },
        accountId: { Equals: [MEMBER] },
      },
    };
    const sort = { AttributeName: 'severity', OrderBy: 'DESC' };
    expect(await signedCalls()).toEqual([
      {
        command: 'ListDetectorsCommand',
        region: OTHER,
        accessKeyId: CREDENTIALS.accessKeyId,
        input: {},
      },
      {
        command: 'ListFindingsCommand',
        region: OTHER,
        accessKeyId: CREDENTIALS.accessKeyId,
        input: {
          DetectorId: 'admin-detector',
          FindingCriteria: criteria,
          SortCriteria: sort,
          MaxResults: 50,
        },
      },
      {
        command: 'GetFindingsCommand',
        region: OTHER,
        accessKeyId: CREDENTIALS.accessKeyId,
        input: { DetectorId: 'admin-detector', FindingIds: [BITCOIN_ID], SortCriteria: sort },
      },
    ]);
    const scope = `in account prod-payments (\`${MEMBER}\`), in \`${OTHER}\`, updated in the last 7d, not archived`;
    expect(answer.text).toBe(`1 finding ${scope}`);
    expect(answer.blocks?.[0]).toEqual(sectionBlock(`*1 finding* ${scope}, most severe first`));
    expect(JSON.stringify(answer.blocks?.[1])).toContain(
      `· prod-payments (\`${MEMBER}\`) \`${OTHER}\` · \`${BITCOIN_ID}\``,
    );
  });

  it('reads the home region when no region is given, and says which', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const answer = await h.runAndWait('list --since 24h');
    expect((await signedCalls()).map((c) => [c.command, c.region])).toEqual([
      // Each region's detector is found once: the home one now.
      ['ListDetectorsCommand', HOME],
      ['ListFindingsCommand', HOME],
    ]);
    expect(answer.text).toBe(`No findings in \`${HOME}\`, updated in the last 24h, not archived.`);
  });

  it('says which names it knows when no account has that name, and asks GuardDuty nothing', async () => {
    const answer = await h.runAndWait('list --account prod-paymnts');
    expect(answer.text).toBe(
      'No account is named `prod-paymnts`. Did you mean `prod-payments`? Give its name as the accounts file or AWS Organizations has it, or its 12-digit id.',
    );
    expect(guardduty.calls()).toEqual([]);
  });

  it('takes an id it has no name for as it is', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
    const answer = await h.runAndWait('list --account 222233334444');
    const list = guardduty.commandCalls(ListFindingsCommand)[0]?.args[0].input;
    expect(list?.FindingCriteria?.Criterion?.accountId).toEqual({ Equals: ['222233334444'] });
    expect(answer.text).toBe(
      `No findings in account \`222233334444\`, in \`${HOME}\`, updated in the last 7d, not archived.`,
    );
  });
});

describe('/guardduty stats by account', () => {
  it('counts by account in the region asked, each account by its name', async () => {
    guardduty
      .on(GetFindingsStatisticsCommand, { GroupBy: 'SEVERITY' })
      .resolves({ FindingStatistics: { GroupedBySeverity: [{ Severity: 8, TotalFindings: 5 }] } })
      .on(GetFindingsStatisticsCommand, { GroupBy: 'FINDING_TYPE' })
      .resolves({
        FindingStatistics: {
          GroupedByFindingType: [
            { FindingType: 'CryptoCurrency:EC2/BitcoinTool.B', TotalFindings: 5 },
          ],
        },
      })
      .on(GetFindingsStatisticsCommand, { GroupBy: 'ACCOUNT' })
      .resolves({
        FindingStatistics: {
          GroupedByAccount: [
            { AccountId: MEMBER, TotalFindings: 3 },
            { AccountId: SANDBOX, TotalFindings: 1 },
            { AccountId: '222233334444', TotalFindings: 1 },
          ],
        },
      });
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [] });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [] });

    const answer = await h.runAndWait(`stats --region ${OTHER}`);

    const calls = await signedCalls();
    expect(new Set(calls.map((c) => c.region))).toEqual(new Set([OTHER]));
    expect(
      calls
        .filter((c) => c.command === 'GetFindingsStatisticsCommand')
        .map((c) => (c.input as { GroupBy: string }).GroupBy)
        .sort(),
    ).toEqual(['ACCOUNT', 'FINDING_TYPE', 'SEVERITY']);
    expect(answer.text).toBe(`5 findings in \`${OTHER}\`, updated in the last 7d, not archived`);
    expect(answer.blocks).toContainEqual(
      sectionBlock(
        [
          '*By account*',
          `3 · prod-payments (\`${MEMBER}\`)`,
          `1 · dev-sandbox (\`${SANDBOX}\`)`,
          '1 · `222233334444`',
        ].join('\n'),
      ),
    );
    expect(answer.blocks?.at(-1)).toEqual(
      contextBlock(
        'Counts by severity, type and account from GuardDuty. Top lists over all 0 findings.',
      ),
    );
  });
});

describe('/guardduty status across the organization', () => {
  it('lists the accounts and regions seen in the last 24 h and every member where AssumeRole fails', async () => {
    await h.activity.sawFinding(MEMBER, OTHER, new Date(NOW.getTime() - 2 * HOUR));
    await h.activity.sawFinding(MEMBER, HOME, new Date(NOW.getTime() - 30 * 60_000));
    await h.activity.sawFinding(ADMIN, HOME, new Date(NOW.getTime() - 5 * HOUR));
    // Seen 25 hours ago only: not in the last 24 h.
    await h.activity.sawFinding(SANDBOX, 'us-east-1', new Date(NOW.getTime() - 25 * HOUR));
    const failedAt = new Date(NOW.getTime() - HOUR).toISOString();
    await h.activity.assumeFailed({
      accountId: SANDBOX,
      roleArn: `arn:aws:iam::${SANDBOX}:role/guardduty-chatops-member`,
      reason: 'AccessDenied: not authorized to perform sts:AssumeRole',
      at: failedAt,
    });
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });

    const answer = await h.runAndWait('status');
    const text = (answer.blocks ?? [])
      .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
      .join('\n');

    expect(text).toContain(
      [
        ':globe_with_meridians: *Accounts and regions seen in the last 24 h*: 2 accounts in 2 regions',
        `• prod-payments (\`${MEMBER}\`): \`${HOME}\`, \`${OTHER}\` (last seen 30 min ago)`,
        `• security-tooling (\`${ADMIN}\`): \`${HOME}\` (last seen 5 h ago)`,
        ':x: *Member roles*: AssumeRole failed in 1 account (deploy the member role there: README, "Deploy across an organization", step 3 (the member-role StackSet))',
        `• dev-sandbox (\`${SANDBOX}\`) at ${formatUtc(failedAt)}: \`arn:aws:iam::${SANDBOX}:role/guardduty-chatops-member\`: AccessDenied: not authorized to perform sts:AssumeRole`,
      ].join('\n'),
    );

    // An AssumeRole that works again clears the account's failure.
    await h.activity.assumeSucceeded(SANDBOX);
    const again = await h.runAndWait('status');
    expect(JSON.stringify(again.blocks)).toContain(
      ':white_check_mark: *Member roles*: no account where AssumeRole is failing',
    );
  });
});
