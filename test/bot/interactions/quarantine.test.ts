import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2ServiceException,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { parseFindingInput } from '../../../src/findings';
import { fixtureFinding, rawFinding } from '../../../harness/fixtures';
import { ALICE, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds, auditRecords, contextTexts, threadTexts, blocksOf } from './support';

const finding = fixtureFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json');
const INSTANCE = 'i-0abcd1234ef567890';

function instance(tags: { Key: string; Value: string }[] = [{ Key: 'Name', Value: 'bastion' }]) {
  const described: Instance = {
    InstanceId: INSTANCE,
    VpcId: 'vpc-0a1b2c3d',
    Tags: tags,
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1',
        Groups: [{ GroupId: 'sg-0web' }, { GroupId: 'sg-0ssh' }],
      },
      { NetworkInterfaceId: 'eni-0bbbbbbbbbbbbbbb2', Groups: [{ GroupId: 'sg-0mgmt' }] },
    ],
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0root' } },
      { DeviceName: '/dev/xvdb', Ebs: { VolumeId: 'vol-0data' } },
    ],
  };
  return { Reservations: [{ Instances: [described] }], $metadata: { requestId: 'req-describe' } };
}

/** The EC2 commands sent, in order, by name. */
function ec2Commands(bot: BotHarness): string[] {
  return bot.aws.ec2.calls().map((call) => (call.args[0] as object).constructor.name);
}

let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness();
  await bot.post(finding);
  bot.aws.ec2.on(DescribeInstancesCommand).resolves(instance());
  bot.aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  bot.aws.ec2
    .on(CreateSecurityGroupCommand)
    .resolves({ GroupId: 'sg-0quarantine', $metadata: { requestId: 'req-create-sg' } });
  bot.aws.ec2.on(RevokeSecurityGroupEgressCommand).resolves({ Return: true });
  bot.aws.ec2.on(ModifyNetworkInterfaceAttributeCommand).resolves({});
  bot.aws.ec2.on(CreateTagsCommand).resolves({});
  bot.aws.ec2.on(DeleteTagsCommand).resolves({});
  bot.aws.ec2
    .on(CreateSnapshotCommand)
    .callsFake((input: { VolumeId: string }) => ({ SnapshotId: `snap-of-${input.VolumeId}` }));
});
afterEach(() => bot.close());

describe('Quarantine instance / Release from quarantine', () => {
  it('offers quarantine, with and without snapshots, behind a confirm dialog', async () => {
    const message = await bot.message(finding.id);
    expect(actionIds(message)).toEqual([
      'remediate:archive',
      'remediate:suppress',
      'remediate:quarantine',
      'remediate:quarantine:snapshot',
      'remediate:add-to-threat-list',
      'remediate:trust-ip',
    ]);
    const blocks = blocksOf(message) as {
      block_id?: string;
      elements?: Record<string, unknown>[];
    }[];
    const quarantine = blocks.find((b) => b.block_id === 'finding_actions')!.elements![2];
    expect(quarantine).toMatchObject({
      confirm: {
        text: {
          text: 'Move `i-0abcd1234ef567890` into the quarantine security group (no traffic in or out)? Tracked connections may survive a security-group change.',
        },
      },
    });
  });

  it('creates the quarantine group, moves every interface to it, tags the instance; release restores', async () => {
    await bot.click(ALICE, finding.id, 'remediate:quarantine');
    await bot.idle();

    expect(ec2Commands(bot)).toEqual([
      'DescribeInstancesCommand',
      'DescribeSecurityGroupsCommand',
      'CreateSecurityGroupCommand',
      'RevokeSecurityGroupEgressCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'CreateTagsCommand',
    ]);
    expect(bot.aws.ec2.calls().map((c) => (c.args[0] as { input: unknown }).input)).toEqual([
      { InstanceIds: [INSTANCE] },
      {
        Filters: [
          { Name: 'vpc-id', Values: ['vpc-0a1b2c3d'] },
          { Name: 'group-name', Values: ['guardduty-chatops-quarantine'] },
        ],
      },
      {
        GroupName: 'guardduty-chatops-quarantine',
        Description: 'guardduty-chatops quarantine: no inbound and no outbound rules',
        VpcId: 'vpc-0a1b2c3d',
        TagSpecifications: [
          {
            ResourceType: 'security-group',
            Tags: [{ Key: 'guardduty-chatops:quarantine-group', Value: 'true' }],
          },
        ],
      },
      {
        GroupId: 'sg-0quarantine',
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      { NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', Groups: ['sg-0quarantine'] },
      { NetworkInterfaceId: 'eni-0bbbbbbbbbbbbbbb2', Groups: ['sg-0quarantine'] },
      {
        Resources: [INSTANCE],
        Tags: [
          { Key: 'guardduty-chatops:quarantined-by', Value: 'alice' },
          { Key: 'guardduty-chatops:quarantined-at', Value: '2026-11-21T14:02:00.000Z' },
          { Key: 'guardduty-chatops:quarantined-finding', Value: finding.id },
        ],
      },
    ]);
    const message = await bot.message(finding.id);
    expect(contextTexts(message)).toEqual([
      ':white_check_mark: Quarantined by <@U0ALICE> at 14:02 UTC — undo with the button below. Tracked connections may survive a security-group change.',
    ]);
    expect(actionIds(message)).toContain('remediate:release');
    const outcome = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({
      before: {
        instanceId: INSTANCE,
        vpcId: 'vpc-0a1b2c3d',
        interfaces: [
          { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', groupIds: ['sg-0web', 'sg-0ssh'] },
          { networkInterfaceId: 'eni-0bbbbbbbbbbbbbbb2', groupIds: ['sg-0mgmt'] },
        ],
      },
      after: { quarantineGroupId: 'sg-0quarantine', snapshots: [] },
      awsRequestIds: ['req-describe', 'req-create-sg'],
    });
    const [reply] = await threadTexts(bot, finding.id);
    expect(reply).toContain(
      'Tracked connections may survive a security-group change; check for open sessions.',
    );

    bot.aws.ec2.resetHistory();
    await bot.click(ALICE, finding.id, 'remediate:release');
    await bot.idle();
    expect(bot.aws.ec2.calls().map((c) => (c.args[0] as { input: unknown }).input)).toEqual([
      { NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', Groups: ['sg-0web', 'sg-0ssh'] },
      { NetworkInterfaceId: 'eni-0bbbbbbbbbbbbbbb2', Groups: ['sg-0mgmt'] },
      {
        Resources: [INSTANCE],
        Tags: [
          { Key: 'guardduty-chatops:quarantined-by' },
          { Key: 'guardduty-chatops:quarantined-at' },
          { Key: 'guardduty-chatops:quarantined-finding' },
        ],
      },
    ]);
    expect(contextTexts(await bot.message(finding.id))).toEqual([
      ':leftwards_arrow_with_hook: Released from quarantine by <@U0ALICE> at 14:02 UTC',
    ]);
  });

  it('snapshots every attached volume first, and reuses an existing quarantine group', async () => {
    bot.aws.ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0existing' }] });
    await bot.click(ALICE, finding.id, 'remediate:quarantine:snapshot');
    await bot.idle();
    expect(ec2Commands(bot)).toEqual([
      'DescribeInstancesCommand',
      'DescribeSecurityGroupsCommand',
      'CreateSnapshotCommand',
      'CreateSnapshotCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'CreateTagsCommand',
    ]);
    expect(bot.aws.ec2.commandCalls(CreateSnapshotCommand)[0]!.args[0].input).toEqual({
      VolumeId: 'vol-0root',
      Description: `guardduty-chatops forensics before quarantine of ${INSTANCE} (finding ${finding.id})`,
      TagSpecifications: [
        {
          ResourceType: 'snapshot',
          Tags: [
            { Key: 'guardduty-chatops:quarantined-finding', Value: finding.id },
            { Key: 'guardduty-chatops:instance', Value: INSTANCE },
          ],
        },
      ],
    });
    const outcome = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(outcome?.after).toMatchObject({
      quarantineGroupId: 'sg-0existing',
      snapshots: ['snap-of-vol-0root', 'snap-of-vol-0data'],
    });
  });

  it('shows the quarantine on every message about the instance; a second one from another finding is refused with who and when', async () => {
    const other = parseFindingInput({
      ...rawFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json'),
      id: 'same-instance-other-finding',
    }).finding;
    await bot.post(other);
    expect(actionIds(await bot.message(other.id))).toContain('remediate:quarantine');

    await bot.click(ALICE, finding.id, 'remediate:quarantine');
    await bot.idle();
    const callsAfterFirst = bot.aws.ec2.calls().length;

    // The other finding's message is redrawn with the instance's state: badge, who, Release.
    const redrawn = await bot.message(other.id);
    expect(blocksOf(redrawn)[0]?.text?.text).toMatch(/^QUARANTINED · /);
    expect(contextTexts(redrawn).join('\n')).toContain('by <@U0ALICE> at 14:02 UTC');
    expect(actionIds(redrawn)).toContain('remediate:release');
    expect(actionIds(redrawn)).not.toContain('remediate:quarantine');

    // A quarantine from the other finding (an old copy of its message): refused, nothing called.
    const outcome = await bot.runtime.remediation.service.request({
      findingId: other.id,
      kind: 'quarantine',
      actor: { userId: ALICE, teamId: 'T0LOCAL001' },
      source: 'button',
    });
    expect(outcome).toEqual({
      kind: 'invalid',
      reason: 'already quarantined by alice at 14:02 UTC (undo it first)',
    });
    await bot.idle();
    expect(bot.aws.ec2.calls()).toHaveLength(callsAfterFirst);
  });

  it('refuses an instance tagged guardduty-chatops:protected, in the finding or live', async () => {
    const tagged = parseFindingInput({
      ...rawFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json'),
      id: 'protected-instance-finding',
    }).finding;
    tagged.resource!.instanceDetails!.tags = [{ key: 'guardduty-chatops:protected', value: 'yes' }];
    await bot.post(tagged);
    await bot.click(ALICE, tagged.id, 'remediate:quarantine');
    await bot.idle();
    expect(bot.aws.ec2.calls()).toHaveLength(0);
    expect(bot.slack.workspace.listEphemerals().at(-1)?.text).toBe(
      ':no_entry: Quarantine instance refused: the instance is tagged guardduty-chatops:protected',
    );

    // The finding predates the tag: the worker's live check refuses.
    bot.aws.ec2
      .on(DescribeInstancesCommand)
      .resolves(instance([{ Key: 'guardduty-chatops:protected', Value: '' }]));
    await bot.click(ALICE, finding.id, 'remediate:quarantine');
    await bot.idle();
    expect(ec2Commands(bot)).toEqual(['DescribeInstancesCommand']);
    expect((await auditRecords(bot)).map((r) => [r.type, r.result])).toEqual([
      ['refusal', 'the instance is tagged guardduty-chatops:protected'],
      ['request', undefined],
      ['refusal', 'the instance is tagged guardduty-chatops:protected'],
    ]);
    expect(actionIds(await bot.message(finding.id))).toContain('remediate:quarantine');
  });

  it('records a half-done quarantine so that release restores what was moved', async () => {
    bot.aws.ec2
      .on(ModifyNetworkInterfaceAttributeCommand, { NetworkInterfaceId: 'eni-0bbbbbbbbbbbbbbb2' })
      .rejects(
        new EC2ServiceException({
          name: 'InvalidNetworkInterfaceID.NotFound',
          $fault: 'client',
          message: "The networkInterface ID 'eni-0bbbbbbbbbbbbbbb2' does not exist",
          $metadata: { requestId: 'req-missing' },
        }),
      );
    await bot.click(ALICE, finding.id, 'remediate:quarantine');
    await bot.idle();

    const message = await bot.message(finding.id);
    expect(contextTexts(message)).toEqual([
      ":warning: Quarantine instance by <@U0ALICE> failed at 14:02 UTC: Not found: ec2:ModifyNetworkInterfaceAttribute says InvalidNetworkInterfaceID[.]NotFound (The networkInterface ID 'eni-0bbbbbbbbbbbbbbb2' does not exist) — details in the thread; Partly done: release restores what was moved.",
    ]);
    expect(actionIds(message)).toContain('remediate:release');
    bot.aws.ec2.resetHistory();
    await bot.click(ALICE, finding.id, 'remediate:release');
    await bot.idle();
    expect(
      bot.aws.ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((c) => c.args[0].input),
    ).toEqual([{ NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', Groups: ['sg-0web', 'sg-0ssh'] }]);
  });
});
