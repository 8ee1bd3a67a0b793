import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import {
  ArchiveFindingsCommand,
  CreateThreatIntelSetCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListThreatIntelSetsCommand,
} from '@aws-sdk/client-guardduty';
import { IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { rawFinding } from '../../harness/fixtures';
import { startLocalS3, type LocalS3 } from '../../harness/localS3';
import { ListGateway } from '../../src/actions/lists/listGateway';
import type { IpListStore } from '../../src/actions/ports/ipLists';
import { S3IpLists } from '../../src/aws/s3IpLists';
import { AccountGate } from '../../src/actions/accounts/gate';
import type { AccountsPolicy } from '../../src/actions/accounts/policy';
import { memberGateway } from '../../src/app/memberSessions';
import { createAwsGateway } from '../../src/app/awsGateway';
import { organizationActivity } from '../../src/app/organizationActivity';
import { Ec2Gateway } from '../../src/aws/ec2Remediation';
import { GuardDutyGateway } from '../../src/aws/guardDutyRemediation';
import { IamGateway } from '../../src/aws/iamRemediation';
import { StsAccountSessions } from '../../src/aws/memberSessions';
import { parseFindingInput, type Finding } from '../../src/findings';
import { silentLog } from '../../src/shared/log';
import { ALICE, NOW, startBotHarness, type BotHarness } from '../helpers/bot';
import { actionIds, auditRecords, contextTexts, threadTexts } from '../bot/interactions/support';

/**
 * The stack in the GuardDuty administrator account 999988887777, home region eu-west-1; a
 * finding of member account 111122223333 in eu-central-1. Every AWS call is checked at the SDK
 * boundary for its region and the credentials it is signed with.
 */
const ADMIN = '999988887777';
const MEMBER = '111122223333';
const OUTSIDER = '444455556666';
const HOME_REGION = 'eu-west-1';
const MEMBER_REGION = 'eu-central-1';
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/guardduty-chatops-member`;
const SESSION = 'slack-U0ALICE-alice';
const ADMIN_DETECTOR = 'a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5';
const KEY = 'AKIA123456789EXAMPLE';

const HOME_CREDENTIALS = { accessKeyId: 'AKIAHOMESTACKEXAMPLE', secretAccessKey: 'home-secret' };
const MEMBER_CREDENTIALS = {
  AccessKeyId: 'ASIAMEMBERSESSION001',
  SecretAccessKey: 'member-secret',
  SessionToken: 'member-token',
};

const POLICY: AccountsPolicy = {
  organizations: false,
  allow: { accounts: [ADMIN, MEMBER], ous: [] },
  accounts: {
    [MEMBER]: { name: 'prod-payments', protectedPrincipals: ['deploy-bot'] },
    [OUTSIDER]: { name: 'dev-sandbox', protectedPrincipals: [] },
  },
};

function inAccount(accountId: string, id: string): Finding {
  const raw = rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
  return parseFindingInput({ ...raw, id, accountId, region: MEMBER_REGION }).finding;
}

const memberFinding = inAccount(MEMBER, 'member-key-finding');

/** The region and credentials a mocked call's client would sign it with. */
async function signing(client: unknown) {
  const config = (client as GuardDutyClient | IAMClient | EC2Client).config;
  const credentials = await config.credentials();
  return { region: await config.region(), accessKeyId: credentials.accessKeyId };
}

async function signedCalls(stub: AwsClientStub<GuardDutyClient | IAMClient | EC2Client>) {
  return Promise.all(
    stub.calls().map(async (call) => ({
      command: (call.args[0] as { constructor: { name: string } }).constructor.name,
      input: (call.args[0] as { input: unknown }).input,
      ...(await signing(call.thisValue)),
    })),
  );
}

let bot: BotHarness;
let now = NOW;

// Lambda sets the function's region; the IAM client (a global service) and STS read it.
const savedRegion = process.env.AWS_REGION;
beforeAll(() => {
  process.env.AWS_REGION = HOME_REGION;
});
afterAll(() => {
  if (savedRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = savedRegion;
});

async function start(dryRun = false, policy: AccountsPolicy = POLICY, lists?: IpListStore) {
  now = NOW;
  const clock = () => now;
  const accounts = new AccountGate(
    {
      adminAccountId: ADMIN,
      memberRoleName: 'guardduty-chatops-member',
      externalId: 'gd-chatops-7f3a',
      policy,
    },
    undefined,
    silentLog,
  );
  const home = createAwsGateway({
    guardduty: new GuardDutyGateway(
      (region) => new GuardDutyClient({ region, credentials: HOME_CREDENTIALS }),
    ),
    iam: new IamGateway(new IAMClient({ region: HOME_REGION, credentials: HOME_CREDENTIALS })),
    ec2: new Ec2Gateway((region) => new EC2Client({ region, credentials: HOME_CREDENTIALS })),
    ...(lists === undefined ? {} : { lists: new ListGateway(lists) }),
  });
  bot = await startBotHarness({
    dryRun,
    clock,
    organization: {
      accounts,
      aws: home,
      // The composition the worker function uses, with a clock the test moves.
      sessions: new StsAccountSessions({ gatewayFor: memberGateway, clock }),
      activity: true,
    },
  });
}

afterEach(() => bot.close());

describe("a member account finding's remote IP", () => {
  let s3: LocalS3;
  let lists: S3IpLists;
  beforeEach(async () => {
    s3 = await startLocalS3();
    lists = new S3IpLists({ client: s3.client, bucket: s3.bucket });
    await start(false, POLICY, lists);
    bot.aws.guardduty
      .on(ListDetectorsCommand)
      .resolves({ DetectorIds: [ADMIN_DETECTOR] })
      .on(ListThreatIntelSetsCommand)
      .resolves({ ThreatIntelSetIds: [] })
      .on(CreateThreatIntelSetCommand)
      .resolves({ ThreatIntelSetId: 'ts-1' });
    await bot.post(memberFinding);
  });
  afterEach(() => s3.close());

  it("goes on the administrator's threat list in the finding's region, with the stack's own credentials", async () => {
    await bot.click(ALICE, memberFinding.id, 'remediate:add-to-threat-list');
    await bot.idle();

    // Only the administrator manages GuardDuty's lists (they apply to every member): no member role.
    expect(bot.aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    const home = { region: MEMBER_REGION, accessKeyId: HOME_CREDENTIALS.accessKeyId };
    expect(await signedCalls(bot.aws.guardduty)).toEqual([
      { command: 'ListDetectorsCommand', input: {}, ...home },
      {
        command: 'ListThreatIntelSetsCommand',
        input: { DetectorId: ADMIN_DETECTOR, MaxResults: 50 },
        ...home,
      },
      {
        command: 'CreateThreatIntelSetCommand',
        input: expect.objectContaining({
          DetectorId: ADMIN_DETECTOR,
          Name: 'guardduty-chatops-threat-list',
          Format: 'TXT',
          Location: expect.stringContaining(`/threat-list/${MEMBER_REGION}.txt`) as unknown,
          Activate: true,
        }) as unknown,
        ...home,
      },
    ]);
    expect((await lists.read('threat', MEMBER_REGION)).entries).toEqual(['203.0.113.77']);
    const outcome = (await auditRecords(bot)).find(
      (r) => r.type === 'outcome' && r.action === 'add-to-threat-list',
    );
    expect(outcome).toMatchObject({ result: 'succeeded', target: '203.0.113.77' });
    expect(outcome).not.toHaveProperty('assumedRoleArn');
    expect(outcome?.calls?.every((c) => c.account === undefined)).toBe(true);
  });
});

describe('a member account finding from another region', () => {
  beforeEach(async () => {
    await start();
    // Fresh credentials for 15 minutes from the moment they are asked for, as STS gives them.
    bot.aws.sts.on(AssumeRoleCommand).callsFake(() => ({
      Credentials: { ...MEMBER_CREDENTIALS, Expiration: new Date(now.getTime() + 15 * 60_000) },
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${MEMBER}:assumed-role/guardduty-chatops-member/${SESSION}`,
        AssumedRoleId: `AROAMEMBERROLE:${SESSION}`,
      },
      $metadata: { requestId: 'req-sts' },
    }));
    bot.aws.iam
      .on(ListAccessKeysCommand)
      .resolves({
        AccessKeyMetadata: [{ UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Active' }],
        $metadata: { requestId: 'req-list' },
      })
      .on(UpdateAccessKeyCommand)
      .resolves({ $metadata: { requestId: 'req-update' } });
    await bot.post(memberFinding);
  });

  it('names the account and region on the message', async () => {
    const message = await bot.message(memberFinding.id);
    // The compact message names the account; its id is in the Details reply.
    expect(JSON.stringify([message.blocks, message.attachments])).toContain(
      `prod-payments · \`${MEMBER_REGION}\``,
    );
  });

  it('disables the key inside the member account, as the member role assumed for the responder', async () => {
    await bot.click(ALICE, memberFinding.id, 'remediate:disable-key');
    await bot.idle();

    expect(bot.aws.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: SESSION,
        SourceIdentity: SESSION,
        DurationSeconds: 900,
        ExternalId: 'gd-chatops-7f3a',
      },
    ]);
    // STS itself is asked with the stack's own credentials (the default chain), never a member's.
    expect(await signedCalls(bot.aws.iam)).toEqual([
      {
        command: 'ListAccessKeysCommand',
        input: { UserName: 'dev-alice' },
        region: HOME_REGION,
        accessKeyId: 'ASIAMEMBERSESSION001',
      },
      {
        command: 'UpdateAccessKeyCommand',
        input: { UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Inactive' },
        region: HOME_REGION,
        accessKeyId: 'ASIAMEMBERSESSION001',
      },
    ]);
    expect(bot.aws.guardduty.calls()).toHaveLength(0);

    const outcome = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({
      result: 'succeeded',
      account: MEMBER,
      region: MEMBER_REGION,
      assumedRoleArn: `arn:aws:sts::${MEMBER}:assumed-role/guardduty-chatops-member/${SESSION}`,
      sessionName: SESSION,
    });
    expect(outcome?.calls?.map((c) => [c.command, c.account])).toEqual([
      ['ListAccessKeys', MEMBER],
      ['UpdateAccessKey', MEMBER],
    ]);
    const [reply] = await threadTexts(bot, memberFinding.id);
    expect(reply).toContain(
      `*Where:* account \`${MEMBER}\` (prod-payments) · \`${MEMBER_REGION}\` · as \`arn:aws:sts::${MEMBER}:assumed-role/guardduty-chatops-member/${SESSION}\``,
    );
    expect(reply).toContain(
      `• \`iam:UpdateAccessKey\` as the member role of \`${MEMBER}\` \`{"UserName":"dev-alice","AccessKeyId":"${KEY}","Status":"Inactive"}\``,
    );
  });

  it('archives in the administrator’s detector of the finding’s region, with the stack’s own credentials', async () => {
    bot.aws.guardduty
      .on(ListDetectorsCommand)
      .resolves({ DetectorIds: [ADMIN_DETECTOR], $metadata: { requestId: 'req-detectors' } })
      .on(ArchiveFindingsCommand)
      .resolves({ $metadata: { requestId: 'req-archive' } });
    await bot.click(ALICE, memberFinding.id, 'remediate:archive');
    await bot.idle();

    expect(await signedCalls(bot.aws.guardduty)).toEqual([
      {
        command: 'ListDetectorsCommand',
        input: {},
        region: MEMBER_REGION,
        accessKeyId: HOME_CREDENTIALS.accessKeyId,
      },
      {
        command: 'ArchiveFindingsCommand',
        input: { DetectorId: ADMIN_DETECTOR, FindingIds: [memberFinding.id] },
        region: MEMBER_REGION,
        accessKeyId: HOME_CREDENTIALS.accessKeyId,
      },
    ]);
    expect(bot.aws.sts.calls()).toHaveLength(0);
  });

  it('quarantines the member’s instance in the finding’s region, every EC2 call as the member role there', async () => {
    const raw = rawFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json');
    const instanceFinding = parseFindingInput({
      ...(raw as object),
      id: 'member-instance-finding',
      accountId: MEMBER,
      region: MEMBER_REGION,
    }).finding;
    const instanceId = instanceFinding.resource?.instanceDetails?.instanceId ?? '';
    bot.aws.ec2
      .on(DescribeInstancesCommand)
      .resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: instanceId,
                VpcId: 'vpc-0member',
                NetworkInterfaces: [
                  { NetworkInterfaceId: 'eni-0member', Groups: [{ GroupId: 'sg-0web' }] },
                ],
              },
            ],
          },
        ],
      })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [] })
      .on(CreateSecurityGroupCommand)
      .resolves({ GroupId: 'sg-0quarantine' })
      .on(RevokeSecurityGroupEgressCommand)
      .resolves({ Return: true })
      .on(ModifyNetworkInterfaceAttributeCommand)
      .resolves({})
      .on(CreateTagsCommand)
      .resolves({});
    await bot.post(instanceFinding);

    await bot.click(ALICE, instanceFinding.id, 'remediate:quarantine');
    await bot.idle();

    expect(bot.aws.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: SESSION,
        SourceIdentity: SESSION,
        DurationSeconds: 900,
        ExternalId: 'gd-chatops-7f3a',
      },
    ]);
    const calls = await signedCalls(bot.aws.ec2);
    expect(calls.map((c) => c.command)).toEqual([
      'DescribeInstancesCommand',
      'DescribeSecurityGroupsCommand',
      'CreateSecurityGroupCommand',
      'RevokeSecurityGroupEgressCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'CreateTagsCommand',
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({ region: MEMBER_REGION, accessKeyId: 'ASIAMEMBERSESSION001' });
    }
    expect(bot.aws.guardduty.calls()).toHaveLength(0);
    const outcome = (await auditRecords(bot)).find(
      (r) => r.type === 'outcome' && r.findingId === instanceFinding.id,
    );
    expect(outcome).toMatchObject({
      result: 'succeeded',
      account: MEMBER,
      region: MEMBER_REGION,
      sessionName: SESSION,
    });
  });

  it('keeps one session per responder until its credentials are about to expire', async () => {
    await bot.click(ALICE, memberFinding.id, 'remediate:disable-key');
    await bot.idle();
    bot.aws.iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Inactive' }],
    });
    now = new Date(NOW.getTime() + 5 * 60_000);
    await bot.click(ALICE, memberFinding.id, 'remediate:enable-key');
    await bot.idle();
    expect(bot.aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    bot.aws.iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Active' }],
    });
    now = new Date(NOW.getTime() + 14.5 * 60_000);
    await bot.click(ALICE, memberFinding.id, 'remediate:disable-key');
    await bot.idle();
    expect(bot.aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(3);
  });

  it('refuses the member account’s own protected principals', async () => {
    const deployBot = parseFindingInput({
      ...(rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json') as object),
      id: 'deploy-bot-finding',
      accountId: MEMBER,
      region: MEMBER_REGION,
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'AKIADEPLOYBOTEXAMPL1',
          principalId: 'AIDADEPLOYBOTEXAMPLE',
          userName: 'deploy-bot',
          userType: 'IAMUser',
        },
      },
    }).finding;
    await bot.post(deployBot);
    await bot.click(ALICE, deployBot.id, 'remediate:disable-key');
    await bot.idle();
    expect(bot.aws.sts.calls()).toHaveLength(0);
    expect(bot.aws.iam.calls()).toHaveLength(0);
    const refusal = (await auditRecords(bot)).find(
      (r) => r.findingId === deployBot.id && r.type !== 'request',
    );
    expect(refusal).toMatchObject({
      type: 'refusal',
      result:
        'the principal is protected from remediation (deploy-bot); an AWS administrator must act on it by hand',
    });
  });
});

describe('when the member role cannot be assumed', () => {
  it('says which role, which account and the StackSet step; records it for status; does not retry', async () => {
    await start();
    bot.aws.sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: `User: arn:aws:sts::${ADMIN}:assumed-role/worker/fn is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
        $metadata: { requestId: 'req-denied', attempts: 1 },
      }),
    );
    await bot.post(memberFinding);
    await bot.click(ALICE, memberFinding.id, 'remediate:disable-key');
    await bot.idle();

    expect(bot.aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(bot.aws.iam.calls()).toHaveLength(0);
    const [reply] = await threadTexts(bot, memberFinding.id);
    expect(reply).toContain(
      // The error in a code span: literal, and nothing in it formats.
      `*Why:* \`could not assume ${ROLE_ARN} in account ${MEMBER}: AccessDenied: User: arn:aws:sts::${ADMIN}:assumed-role/worker/fn is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}. The role is missing there or does not trust this stack's worker role; deploy it to that account (README, "Deploy across an organization", step 3 (the member-role StackSet)). Nothing was changed.\``,
    );
    expect(contextTexts(await bot.message(memberFinding.id))[0]).toMatch(
      /^:warning: Disable access key by <@U0ALICE> failed at 14:02 UTC: could not assume /,
    );
    expect(actionIds(await bot.message(memberFinding.id))).toContain('remediate:disable-key');
    const failures = await organizationActivity(bot.runtime.store).assumeFailures();
    expect(failures.map((f) => [f.accountId, f.roleArn, f.at])).toEqual([
      [MEMBER, ROLE_ARN, NOW.toISOString()],
    ]);
    expect(failures[0]?.reason).toMatch(/^AccessDenied: User: /);
  });
});

describe('accounts the stack may not act in', () => {
  it('posts a finding of an account outside the allow-list read-only, with the reason', async () => {
    await start();
    const outsider = inAccount(OUTSIDER, 'outsider-finding');
    await bot.post(outsider);
    const message = await bot.message(outsider.id);
    expect(actionIds(message)).toEqual([]);
    expect(contextTexts(message)).toEqual([
      `:lock: Read-only: account ${OUTSIDER} is not in the accounts file’s allow-list`.replace(
        '’',
        "'",
      ),
    ]);
    expect(JSON.stringify([message.blocks, message.attachments])).toContain('dev-sandbox · ');
  });

  it('refuses a forged click on it in the worker, and calls nothing', async () => {
    await start();
    const outsider = inAccount(OUTSIDER, 'outsider-finding');
    await bot.post(outsider);
    // A tampered payload: a button the bot never drew for this finding.
    const forged = await bot.runtime.slack.chat.postMessage({
      channel: 'C0SECURITY',
      text: 'forged',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'remediate:disable-key',
              text: { type: 'plain_text', text: 'Disable access key' },
              value: JSON.stringify({ f: outsider.id, v: 0 }),
            },
          ],
        },
      ],
    });
    await bot.slack.clickButton({
      user: ALICE,
      messageTs: forged.ts!,
      actionId: 'remediate:disable-key',
    });
    await bot.idle();
    expect(bot.aws.sts.calls()).toHaveLength(0);
    expect(bot.aws.iam.calls()).toHaveLength(0);
    expect(
      (await auditRecords(bot)).filter((r) => r.type === 'refusal').map((r) => r.result),
    ).toEqual([`account ${OUTSIDER} is not in the accounts file's allow-list`]);
  });

  it("refuses a forged list click on it too: a read-only finding's IP goes on no list", async () => {
    await start();
    const outsider = inAccount(OUTSIDER, 'outsider-finding');
    await bot.post(outsider);
    const forged = await bot.runtime.slack.chat.postMessage({
      channel: 'C0SECURITY',
      text: 'forged',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'remediate:add-to-threat-list',
              text: { type: 'plain_text', text: 'Threat list' },
              value: JSON.stringify({ f: outsider.id, v: 0 }),
            },
          ],
        },
      ],
    });
    await bot.slack.clickButton({
      user: ALICE,
      messageTs: forged.ts!,
      actionId: 'remediate:add-to-threat-list',
    });
    await bot.idle();
    expect(bot.aws.guardduty.calls()).toHaveLength(0);
    expect(
      (await auditRecords(bot))
        .filter((r) => r.type === 'refusal')
        .map((r) => [r.action, r.result]),
    ).toEqual([
      ['add-to-threat-list', `account ${OUTSIDER} is not in the accounts file's allow-list`],
    ]);
  });

  it('plans only, and names the role it would assume, in a dry-run-only account', async () => {
    await start(false, {
      ...POLICY,
      accounts: { [MEMBER]: { name: 'prod-payments', dryRun: true, protectedPrincipals: [] } },
    });
    await bot.post(memberFinding);
    const drawn = await bot.message(memberFinding.id);
    expect(JSON.stringify([drawn.blocks, drawn.attachments])).toContain(
      '_Dry run only in this account_',
    );
    await bot.click(ALICE, memberFinding.id, 'remediate:disable-key');
    await bot.idle();
    expect(bot.aws.sts.calls()).toHaveLength(0);
    expect(bot.aws.iam.calls()).toHaveLength(0);
    const [reply] = await threadTexts(bot, memberFinding.id);
    expect(reply).toContain(':memo: *Disable access key — dry run*');
    expect(reply).toContain(`· would assume \`${ROLE_ARN}\` as session \`${SESSION}\``);
    const outcome = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({ dryRun: true, account: MEMBER, sessionName: SESSION });
  });
});
