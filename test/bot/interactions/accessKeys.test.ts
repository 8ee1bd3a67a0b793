import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  GetRoleCommand,
  IAMServiceException,
  ListAccessKeysCommand,
  PutRolePermissionsBoundaryCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { fixtureFinding, rawFinding } from '../../../harness/fixtures';
import { parseFindingInput } from '../../../src/findings';
import { ALICE, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds, auditRecords, contextTexts, threadTexts, blocksOf } from './support';

const userKey = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const roleSession = fixtureFinding(
  'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
);
const KEY = 'AKIA123456789EXAMPLE';

function activeKeys(status: 'Active' | 'Inactive') {
  return {
    AccessKeyMetadata: [{ UserName: 'dev-alice', AccessKeyId: KEY, Status: status }],
    $metadata: { requestId: 'req-list' },
  };
}

let bot: BotHarness;
afterEach(() => bot.close());

describe('Disable access key / Re-enable key', () => {
  beforeEach(async () => {
    bot = await startBotHarness({ protectedPrincipals: 'breakglass-admin' });
    await bot.post(userKey);
  });

  it('sets exactly that key of that user Inactive, and the undo sets it Active again', async () => {
    bot.aws.iam
      .on(ListAccessKeysCommand)
      .resolvesOnce(activeKeys('Active'))
      .resolvesOnce(activeKeys('Inactive'));
    bot.aws.iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'req-update' } });

    await bot.click(ALICE, userKey.id, 'remediate:disable-key');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(ListAccessKeysCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'dev-alice' },
    ]);
    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Inactive' },
    ]);
    const message = await bot.message(userKey.id);
    expect(contextTexts(message)).toEqual([
      ':white_check_mark: Access key disabled by <@U0ALICE> at 14:02 UTC — undo with the button below.',
    ]);
    expect(actionIds(message)).toContain('remediate:enable-key');
    const [outcome] = (await auditRecords(bot)).filter((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({
      action: 'disable-key',
      target: KEY,
      awsRequestIds: ['req-list', 'req-update'],
      before: { accessKeyId: KEY, status: 'Active' },
      after: { accessKeyId: KEY, status: 'Inactive' },
    });

    await bot.click(ALICE, userKey.id, 'remediate:enable-key');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Inactive' },
      { UserName: 'dev-alice', AccessKeyId: KEY, Status: 'Active' },
    ]);
    expect(actionIds(await bot.message(userKey.id))).toContain('remediate:disable-key');
  });

  it('shows the disabled key on every message about it; a second disable from another finding is refused with who and when', async () => {
    const other = parseFindingInput({
      ...rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
      id: 'same-key-other-finding',
    }).finding;
    await bot.post(other);
    bot.aws.iam.on(ListAccessKeysCommand).resolves(activeKeys('Active'));
    bot.aws.iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'req-update' } });

    await bot.click(ALICE, userKey.id, 'remediate:disable-key');
    await bot.idle();

    const redrawn = await bot.message(other.id);
    expect(blocksOf(redrawn)[0]?.text?.text).toMatch(/^KEY DISABLED · /);
    expect(actionIds(redrawn)).toContain('remediate:enable-key');
    expect(actionIds(redrawn)).not.toContain('remediate:disable-key');
    const outcome = await bot.runtime.remediation.service.request({
      findingId: other.id,
      kind: 'disable-key',
      actor: { userId: ALICE, teamId: 'T0LOCAL001' },
      source: 'button',
    });
    expect(outcome).toEqual({
      kind: 'invalid',
      reason: 'already disabled by alice at 14:02 UTC (undo it first)',
    });
    await bot.idle();
    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1);
  });

  it('carries a confirm dialog naming the exact key and user', async () => {
    const message = await bot.message(userKey.id);
    const blocks = blocksOf(message) as {
      block_id?: string;
      elements?: Record<string, unknown>[];
    }[];
    const disable = blocks
      .find((b) => b.block_id === 'finding_actions')!
      .elements!.find((e) => e.action_id === 'remediate:disable-key');
    expect(disable).toMatchObject({
      style: 'danger',
      confirm: {
        title: { type: 'plain_text', text: 'Disable access key?' },
        text: {
          type: 'mrkdwn',
          text: 'Set access key `AKIA123456789EXAMPLE` of IAM user `dev-alice` to *Inactive*? Anything using it stops working at once.',
        },
        confirm: { type: 'plain_text', text: 'Disable key' },
      },
    });
  });

  it('reports an already inactive key in the thread, audits it and offers the button again', async () => {
    bot.aws.iam.on(ListAccessKeysCommand).resolves(activeKeys('Inactive'));
    await bot.click(ALICE, userKey.id, 'remediate:disable-key');
    await bot.idle();

    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    const [reply] = await threadTexts(bot, userKey.id);
    expect(reply).toContain(':warning: *Disable access key failed* (asked by <@U0ALICE>)');
    expect(reply).toContain(
      '*Why:* `access key AKIA123456789EXAMPLE of IAM user dev-alice is already inactive`',
    );
    const message = await bot.message(userKey.id);
    expect(contextTexts(message)[0]).toMatch(
      /^:warning: Disable access key by <@U0ALICE> failed at 14:02 UTC: access key AKIA123456789EXAMPLE of IAM user dev-alice is already inactive — details in the thread/,
    );
    expect(actionIds(message)).toContain('remediate:disable-key');
    const outcome = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({
      result: 'failed',
      error: 'access key AKIA123456789EXAMPLE of IAM user dev-alice is already inactive',
      awsRequestIds: ['req-list'],
    });
  });

  it('reports access denied clearly; a retry with the returned button runs again', async () => {
    bot.aws.iam
      .on(ListAccessKeysCommand)
      .resolves(activeKeys('Active'))
      .on(UpdateAccessKeyCommand)
      .rejectsOnce(
        new IAMServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          message: 'User: arn:aws:sts::123456789012:assumed-role/worker is not authorized',
          $metadata: { requestId: 'req-denied', attempts: 1 },
        }),
      )
      .resolves({ $metadata: { requestId: 'req-update' } });

    await bot.click(ALICE, userKey.id, 'remediate:disable-key');
    await bot.idle();
    const [reply] = await threadTexts(bot, userKey.id);
    expect(reply).toContain(
      '*Why:* `AWS denied iam:UpdateAccessKey: the remediation role is not allowed to call it (User: arn:aws:sts::123456789012:assumed-role/worker is not authorized)`',
    );
    await bot.click(ALICE, userKey.id, 'remediate:disable-key');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(2);
    expect(contextTexts(await bot.message(userKey.id))[0]).toMatch(
      /^:white_check_mark: Access key disabled by <@U0ALICE>/,
    );
  });

  it('refuses a principal on the protected list, the root user and sample placeholders', async () => {
    const protectedFinding = parseFindingInput({
      ...rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
      id: 'protected-user-finding',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'AKIAPROTECTEDEXAMPLE',
          principalId: 'AIDAPROTECTEDEXAMPLE',
          userName: 'breakglass-admin',
          userType: 'IAMUser',
        },
      },
    }).finding;
    const rootFinding = parseFindingInput({
      ...rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
      id: 'root-finding',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'AKIAROOTKEYEXAMPLE01',
          principalId: '123456789012',
          userName: 'Root',
          userType: 'Root',
        },
      },
    }).finding;
    const sample = fixtureFinding('UnauthorizedAccess_IAMUser_TorIPCaller.json');
    for (const finding of [protectedFinding, rootFinding, sample]) await bot.post(finding);

    for (const finding of [protectedFinding, rootFinding, sample]) {
      await bot.click(ALICE, finding.id, 'remediate:disable-key');
    }
    await bot.idle();

    expect(bot.aws.iam.calls()).toHaveLength(0);
    expect(bot.slack.workspace.listEphemerals().map((e) => e.text)).toEqual([
      ':no_entry: Disable access key refused: the principal is protected from remediation (breakglass-admin); an AWS administrator must act on it by hand',
      ':no_entry: Disable access key refused: the principal is the AWS account root user; remediate the root user by hand',
      ':no_entry: Disable access key refused: GeneratedFindingAccessKeyId is a placeholder of a GuardDuty sample finding; sample findings can only be remediated in dry-run mode',
    ]);
    expect((await auditRecords(bot)).map((r) => [r.type, r.findingId])).toEqual([
      ['refusal', 'protected-user-finding'],
      ['refusal', 'root-finding'],
      ['refusal', sample.id],
    ]);
  });

  it('refuses to disable temporary ASIA credentials (wrong key type), even from a forged button', async () => {
    await bot.post(roleSession);
    expect(actionIds(await bot.message(roleSession.id))).toEqual([
      'remediate:archive',
      'remediate:suppress',
      'remediate:revoke-sessions',
      // High severity: its remote IP is not trusted with one click.
      'remediate:add-to-threat-list',
    ]);
    // A tampered payload: a disable-key button for this finding, which the bot never drew.
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
              value: JSON.stringify({ f: roleSession.id, v: 0 }),
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
    expect(bot.aws.iam.calls()).toHaveLength(0);
    expect(bot.slack.workspace.listEphemerals().at(-1)?.text).toBe(
      ":no_entry: Disable access key refused: ASIA123456789EXAMPLE is a temporary credential of an assumed role, not an IAM user's key; it cannot be disabled — use Revoke role sessions",
    );
  });
});

describe('Revoke role sessions / Restore role sessions', () => {
  const BOUNDARY_ARN =
    'arn:aws:iam::123456789012:policy/guardduty-chatops/revoked-sessions/guardduty-chatops-revoke-x';
  const role = (extra: Record<string, unknown> = {}) => ({
    Role: {
      RoleId: 'AROA123456789EXAMPLE',
      RoleName: 'ec2-app',
      Arn: 'arn:aws:iam::123456789012:role/ec2-app',
      Path: '/',
      CreateDate: new Date(0),
      ...extra,
    },
    $metadata: { requestId: 'req-role' },
  });

  beforeEach(async () => {
    bot = await startBotHarness();
    await bot.post(roleSession);
    bot.aws.iam
      .on(GetRoleCommand)
      .resolves(role())
      .on(CreatePolicyCommand)
      .resolves({
        Policy: { Arn: BOUNDARY_ARN, PolicyName: 'guardduty-chatops-revoke-x' },
        $metadata: { requestId: 'req-create' },
      })
      .on(PutRolePermissionsBoundaryCommand)
      .resolves({ $metadata: { requestId: 'req-boundary' } })
      .on(DeleteRolePermissionsBoundaryCommand)
      .resolves({ $metadata: { requestId: 'req-unbound' } })
      .on(DeletePolicyCommand)
      .resolves({ $metadata: { requestId: 'req-delete' } });
  });

  it('sets a boundary that only sessions issued after now pass, and the undo removes and deletes it', async () => {
    await bot.click(ALICE, roleSession.id, 'remediate:revoke-sessions');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: 'ec2-app' },
    ]);
    const [create] = bot.aws.iam.commandCalls(CreatePolicyCommand).map((c) => c.args[0].input);
    expect(create).toEqual({
      PolicyName: expect.stringMatching(/^guardduty-chatops-revoke-[0-9a-f]{20}$/) as string,
      Path: '/guardduty-chatops/revoked-sessions/',
      PolicyDocument: expect.any(String) as string,
      Description:
        'guardduty-chatops: sessions of ec2-app issued before 2026-11-21T14:02:00.000Z are revoked',
    });
    expect(JSON.parse(create!.PolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OnlySessionsIssuedAfterTheRevocation',
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2026-11-21T14:02:00.000Z' } },
        },
      ],
    });
    expect(
      bot.aws.iam.commandCalls(PutRolePermissionsBoundaryCommand).map((c) => c.args[0].input),
    ).toEqual([{ RoleName: 'ec2-app', PermissionsBoundary: BOUNDARY_ARN }]);
    expect(contextTexts(await bot.message(roleSession.id))).toEqual([
      ':white_check_mark: Role sessions revoked by <@U0ALICE> at 14:02 UTC — undo with the button below.',
    ]);

    await bot.click(ALICE, roleSession.id, 'remediate:restore-sessions');
    await bot.idle();
    expect(
      bot.aws.iam.commandCalls(DeleteRolePermissionsBoundaryCommand).map((c) => c.args[0].input),
    ).toEqual([{ RoleName: 'ec2-app' }]);
    expect(bot.aws.iam.commandCalls(DeletePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { PolicyArn: BOUNDARY_ARN },
    ]);
  });

  it('refuses when the role found is not the one the session belongs to', async () => {
    bot.aws.iam.on(GetRoleCommand).resolves(role({ RoleId: 'AROAOTHERROLEEXAMPLE' }));
    await bot.click(ALICE, roleSession.id, 'remediate:revoke-sessions');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(CreatePolicyCommand)).toHaveLength(0);
    const refusal = (await auditRecords(bot)).find((r) => r.type === 'refusal');
    expect(refusal?.result).toBe(
      "IAM role ec2-app has id AROAOTHERROLEEXAMPLE, but the session's principal is AROA123456789EXAMPLE; not revoking a different role",
    );
    const [reply] = await threadTexts(bot, roleSession.id);
    expect(reply).toContain(':no_entry: *Revoke role sessions refused* (asked by <@U0ALICE>)');
  });

  it.each([
    [
      'is tagged protected',
      { Tags: [{ Key: 'guardduty-chatops:protected', Value: 'yes' }] },
      'IAM role ec2-app is tagged guardduty-chatops:protected',
    ],
    [
      'has a permissions boundary of its own',
      {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/developer-boundary',
        },
      },
      'IAM role ec2-app has the permissions boundary arn:aws:iam::123456789012:policy/developer-boundary; revoking here would replace it — use "Revoke active sessions" in the IAM console',
    ],
  ])('refuses, changing nothing, when the role %s', async (_, extra, reason) => {
    bot.aws.iam.on(GetRoleCommand).resolves(role(extra));
    await bot.click(ALICE, roleSession.id, 'remediate:revoke-sessions');
    await bot.idle();
    expect(bot.aws.iam.commandCalls(CreatePolicyCommand)).toHaveLength(0);
    expect(bot.aws.iam.commandCalls(PutRolePermissionsBoundaryCommand)).toHaveLength(0);
    const refusal = (await auditRecords(bot)).find((r) => r.type === 'refusal');
    expect(refusal?.result).toBe(reason);
  });
});
