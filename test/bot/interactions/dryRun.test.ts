import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds, auditRecords, contextTexts, threadTexts } from './support';

let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness({ dryRun: true });
});
afterEach(() => bot.close());

describe('DRY_RUN=true', () => {
  it('plans a sample finding key disable, shows the plan, audits it as a dry run and calls nothing', async () => {
    const sample = fixtureFinding('Recon_IAMUser_MaliciousIPCaller.Custom.json');
    await bot.post(sample);
    await bot.click(ALICE, sample.id, 'remediate:disable-key');
    await bot.idle();

    expect([bot.aws.iam.calls(), bot.aws.ec2.calls(), bot.aws.guardduty.calls()]).toEqual([
      [],
      [],
      [],
    ]);
    const [reply] = await threadTexts(bot, sample.id);
    expect(reply).toContain(
      ':memo: *Disable access key — dry run* by <@U0ALICE>: nothing was called; these are the calls a live run makes',
    );
    expect(reply).toContain(
      '• `iam:UpdateAccessKey` `{"UserName":"GeneratedFindingUserName","AccessKeyId":"GeneratedFindingAccessKeyId","Status":"Inactive"}`',
    );
    const message = await bot.message(sample.id);
    expect(contextTexts(message)).toEqual([
      ':white_check_mark: Access key disabled by <@U0ALICE> at 14:02 UTC (dry run: nothing was changed in AWS) — undo with the button below.',
    ]);
    expect(actionIds(message)).toContain('remediate:enable-key');
    expect((await auditRecords(bot)).map((r) => [r.type, r.dryRun, r.calls?.length ?? 0])).toEqual([
      ['request', true, 0],
      ['outcome', true, 1],
    ]);
  });

  it('plans a quarantine from the finding alone, naming the calls it cannot know yet', async () => {
    const finding = fixtureFinding('Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json');
    await bot.post(finding);
    await bot.click(ALICE, finding.id, 'remediate:quarantine:snapshot');
    await bot.idle();

    expect(bot.aws.ec2.calls()).toEqual([]);
    const [reply] = await threadTexts(bot, finding.id);
    const plan = reply!.split('\n').filter((line) => line.startsWith('• '));
    expect(plan).toEqual([
      `• \`ec2:CreateSnapshot\` in \`us-east-2\` \`{"VolumeId":"&lt;volumeId&gt;","Description":"guardduty-chatops forensics before quarantine of i-0fedc9876ba543210 (finding ${finding.id})","TagSpecifications":[{"ResourceType":"snapshot","Tags":[{"Key":"guardduty-chatops:quarantined-finding","Value":"${finding.id}"},{"Key":"guardduty-chatops:instance","Value":"i-0fedc9876ba543210"}]}]}\` _(one call per attached EBS volume)_`,
      '• `ec2:CreateSecurityGroup` in `us-east-2` `{"GroupName":"guardduty-chatops-quarantine","Description":"guardduty-chatops quarantine: no inbound and no outbound rules","VpcId":"vpc-0a1b2c3d","TagSpecifications":[{"ResourceType":"security-group","Tags":[{"Key":"guardduty-chatops:quarantine-group","Value":"true"}]}]}` _(only if guardduty-chatops-quarantine does not exist in vpc-0a1b2c3d yet)_',
      '• `ec2:RevokeSecurityGroupEgress` in `us-east-2` `{"GroupId":"&lt;quarantineGroupId&gt;","IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}` _(removes the allow-all egress rule a new group starts with)_',
      '• `ec2:ModifyNetworkInterfaceAttribute` in `us-east-2` `{"NetworkInterfaceId":"eni-0123456789abcdef0","Groups":["&lt;quarantineGroupId&gt;"]}`',
      `• \`ec2:CreateTags\` in \`us-east-2\` \`{"Resources":["i-0fedc9876ba543210"],"Tags":[{"Key":"guardduty-chatops:quarantined-by","Value":"alice"},{"Key":"guardduty-chatops:quarantined-at","Value":"2026-11-21T14:02:00.000Z"},{"Key":"guardduty-chatops:quarantined-finding","Value":"${finding.id}"}]}\``,
    ]);
  });
});
