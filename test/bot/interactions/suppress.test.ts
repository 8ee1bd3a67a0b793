import {
  CreateFilterCommand,
  DeleteFilterCommand,
  GetFindingsStatisticsCommand,
} from '@aws-sdk/client-guardduty';
import { suppressionFilterName } from '../../../src/actions/targets';
import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, BOB, CAROL, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds, auditRecords, contextTexts, threadTexts } from './support';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';

let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness();
  await bot.post(finding);
  bot.aws.guardduty.on(CreateFilterCommand).callsFake((input: { Name: string }) => ({
    Name: input.Name,
    $metadata: { requestId: 'req-filter' },
  }));
  bot.aws.guardduty.on(DeleteFilterCommand).resolves({});
});
afterEach(() => bot.close());

async function openModal(user: string) {
  await bot.click(user, finding.id, 'remediate:suppress');
  await bot.idle();
  return bot.slack.views.list().find((open) => open.user === user);
}

function inputValues(view: {
  blocks: readonly Record<string, unknown>[];
}): Record<string, string | null> {
  return Object.fromEntries(
    view.blocks
      .filter((b) => b.type === 'input')
      .map((b): [string, string | null] => [
        String(b.block_id),
        (b.element as { initial_value?: string }).initial_value ?? null,
      ]),
  );
}

describe('Suppress similar / Delete suppression rule', () => {
  it('opens a modal prefilled with the type, principal and remote IP, saying it affects new findings only', async () => {
    const open = await openModal(ALICE);
    expect(open?.view.callback_id).toBe('remediate:suppress');
    expect(inputValues(open!.view)).toEqual({
      suppress_type: 'Discovery:IAMUser/AnomalousBehavior',
      suppress_principal: 'AIDA123456789EXAMPLE',
      suppress_instance: null,
      suppress_remote_ip: '203.0.113.77',
      suppress_scope: null,
      suppress_expires: null,
      suppress_note: null,
    });
    const intro = (open!.view.blocks[0] as { text: { text: string } }).text.text;
    expect(intro).toContain('*It affects new findings only*; existing findings stay as they are.');
  });

  it('creates a GuardDuty filter with action ARCHIVE from the confirmed criteria; the undo deletes it', async () => {
    const open = await openModal(ALICE);
    const response = await bot.slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: {
        suppress_type: { value: 'Discovery:IAMUser/AnomalousBehavior' },
        suppress_principal: { value: 'AIDA123456789EXAMPLE' },
        suppress_remote_ip: { value: '' },
        suppress_expires: { value: '2026-12-31' },
        suppress_note: { value: 'red team <exercise>' },
      },
    });
    expect(response.status).toBe(200);
    expect(bot.slack.views.list()).toEqual([]);
    await bot.idle();

    const name = suppressionFilterName({
      findingType: 'Discovery:IAMUser/AnomalousBehavior',
      principalId: 'AIDA123456789EXAMPLE',
      expiresAt: '2026-12-31',
      description: 'red team <exercise>',
    });
    const [call] = bot.aws.guardduty.commandCalls(CreateFilterCommand).map((c) => c.args[0].input);
    expect(call).toEqual({
      DetectorId: DETECTOR,
      Name: name,
      Action: 'ARCHIVE',
      Description: `guardduty-chatops: suppress similar to finding ${finding.id}  by U0ALICE  expires 2026-12-31  red team  exercise `,
      FindingCriteria: {
        Criterion: {
          type: { Eq: ['Discovery:IAMUser/AnomalousBehavior'] },
          'resource.accessKeyDetails.principalId': { Eq: ['AIDA123456789EXAMPLE'] },
        },
      },
      ClientToken: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
    });
    const message = await bot.message(finding.id);
    expect(contextTexts(message)).toEqual([
      ':white_check_mark: Suppression rule created by <@U0ALICE> at 14:02 UTC — undo with the button below. Expires on 2026-12-31: the stack deletes the rule that day.',
    ]);
    expect(actionIds(message)).toContain('remediate:delete-suppression');
    const [reply] = await threadTexts(bot, finding.id);
    expect(reply).toContain(
      'The rule archives *new* matching findings only; existing ones are unchanged.',
    );
    expect((await auditRecords(bot))[0]).toMatchObject({
      type: 'request',
      source: 'modal',
      target: name,
      before: {
        criteria: {
          findingType: 'Discovery:IAMUser/AnomalousBehavior',
          principalId: 'AIDA123456789EXAMPLE',
          expiresAt: '2026-12-31',
          description: 'red team <exercise>',
        },
      },
    });

    await bot.click(ALICE, finding.id, 'remediate:delete-suppression');
    await bot.idle();
    expect(bot.aws.guardduty.commandCalls(DeleteFilterCommand).map((c) => c.args[0].input)).toEqual(
      [{ DetectorId: DETECTOR, FilterName: name }],
    );
  });

  it('runs one of two concurrent submissions with different criteria; the other is told and creates nothing', async () => {
    const alices = await openModal(ALICE);
    const carols = await openModal(CAROL);
    const submit = (user: string, viewId: string, expires: string) =>
      bot.slack.submitView({
        user,
        viewId,
        values: {
          suppress_type: { value: 'Discovery:IAMUser/AnomalousBehavior' },
          suppress_principal: { value: 'AIDA123456789EXAMPLE' },
          suppress_remote_ip: { value: '' },
          suppress_expires: { value: expires },
          suppress_note: { value: '' },
        },
      });
    const responses = await Promise.all([
      submit(ALICE, alices!.view.id, '2026-12-31'),
      submit(CAROL, carols!.view.id, '2027-01-31'),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await bot.idle();

    // One filter, with its undo: the one in flight holds the family's lock on the finding.
    expect(bot.aws.guardduty.commandCalls(CreateFilterCommand)).toHaveLength(1);
    expect(actionIds(await bot.message(finding.id))).toContain('remediate:delete-suppression');
    const requests = (await auditRecords(bot)).filter((r) => r.type === 'request');
    expect(requests).toHaveLength(1);
    const winner = requests[0]!.actor.userId;
    const loser = winner === ALICE ? CAROL : ALICE;
    const told = bot.slack.workspace.listEphemerals().filter((e) => e.user === loser);
    // In flight, done, or done before the loser's request was even checked: each names the winner.
    const name = winner === ALICE ? 'alice' : 'carol';
    expect(told.map((e) => e.text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^(Already being suppressed by <@${winner}> since 14:02 UTC\\.|Already suppressed by <@${winner}> at 14:02 UTC\\.|:information_source: .*already suppressed by ${name} at 14:02 UTC \\(undo it first\\))$`,
        ),
      ) as string,
    ]);
  });

  it('keeps the modal open with errors for a bad IP, instance id or past date; nothing recorded', async () => {
    const open = await openModal(ALICE);
    await bot.slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: {
        suppress_type: { value: 'Discovery:IAMUser/AnomalousBehavior' },
        suppress_instance: { value: 'i-nope' },
        suppress_remote_ip: { value: '2001:db8::1' },
        suppress_expires: { value: '2026-01-01' },
      },
    });
    expect(bot.slack.views.get(open!.view.id)?.errors).toEqual({
      suppress_instance: 'Not an instance id (i- followed by 8 or 17 hex digits).',
      suppress_remote_ip: 'Not an IPv4 address (rules match IPv4 remote addresses only).',
      suppress_expires: 'Pick a date after today.',
    });
    await bot.idle();
    expect(bot.aws.guardduty.commandCalls(CreateFilterCommand)).toHaveLength(0);
    expect(await auditRecords(bot)).toEqual([]);
  });

  it('opens no modal for a non-responder: an ephemeral refusal, audited', async () => {
    expect(await openModal(BOB)).toBeUndefined();
    expect(bot.slack.workspace.listEphemerals().map((e) => e.text)).toEqual([
      ':no_entry: Suppress similar refused: only responders may remediate findings; ask a responder: <!subteam^S0ONCALL>, <@U0ALICE>',
    ]);
    expect((await auditRecords(bot)).map((r) => [r.type, r.action])).toEqual([
      ['refusal', 'suppress'],
    ]);
  });
});

describe('Suppress similar: the rule says exactly what it does', () => {
  const rds = fixtureFinding('Discovery_RDS_TorIPCaller.json');
  const RDS_IP = 'service.action.rdsLoginAttemptAction.remoteIpDetails.ipAddressV4';

  async function openRdsModal() {
    bot.aws.guardduty.on(GetFindingsStatisticsCommand).resolves({
      FindingStatistics: {
        GroupedByFindingType: [{ FindingType: 'Discovery:RDS/TorIPCaller', TotalFindings: 3 }],
      },
    });
    await bot.post(rds);
    await bot.click(ALICE, rds.id, 'remediate:suppress');
    await bot.idle();
    return bot.slack.views.list().find((open) => open.user === ALICE)!;
  }

  const sectionTexts = (view: { blocks: readonly Record<string, unknown>[] }) =>
    view.blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text);

  it('prefills the RDS login IP, and says how many open findings of the type there are', async () => {
    const open = await openRdsModal();
    expect(inputValues(open.view)).toMatchObject({
      suppress_type: 'Discovery:RDS/TorIPCaller',
      suppress_remote_ip: '1.2.3.4',
      suppress_scope: null,
    });
    // Counted by GuardDuty after the modal opened, filled in with views.update.
    expect(
      bot.aws.guardduty.commandCalls(GetFindingsStatisticsCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        DetectorId: DETECTOR,
        FindingCriteria: {
          Criterion: {
            type: { Equals: ['Discovery:RDS/TorIPCaller'] },
            'service.archived': { Equals: ['false'] },
          },
        },
        GroupBy: 'FINDING_TYPE',
        OrderBy: 'DESC',
        MaxResults: expect.any(Number) as number,
      },
    ]);
    expect(sectionTexts(open.view)).toContain(
      'Every finding of this type: *3* open findings of type `Discovery:RDS/TorIPCaller` in GuardDuty now, on any resource. Without a principal or instance the rule archives every new one like them.',
    );
    expect(bot.slack.callsTo('views.update')).toHaveLength(1);
  });

  it('refuses a rule wider than the resource until "every finding of this type" is ticked', async () => {
    const open = await openRdsModal();
    await bot.slack.submitView({
      user: ALICE,
      viewId: open.view.id,
      values: {
        suppress_type: { value: 'Discovery:RDS/TorIPCaller' },
        suppress_remote_ip: { value: '1.2.3.4' },
      },
    });
    expect(bot.slack.views.get(open.view.id)?.errors).toEqual({
      suppress_scope:
        'No principal or instance is filled in, so the rule archives every new finding of this type from 1.2.3.4 on any resource: tick the box to mean it.',
    });
    await bot.idle();
    expect(bot.aws.guardduty.commandCalls(CreateFilterCommand)).toHaveLength(0);
    expect(await auditRecords(bot)).toEqual([]);
  });

  it('sends the RDS login IP, and the thread and audit say what was sent', async () => {
    const open = await openRdsModal();
    await bot.slack.submitView({
      user: ALICE,
      viewId: open.view.id,
      values: {
        suppress_type: { value: 'Discovery:RDS/TorIPCaller' },
        suppress_remote_ip: { value: '1.2.3.4' },
        suppress_scope: { value: 'every-finding-of-type' },
      },
    });
    await bot.idle();
    const [call] = bot.aws.guardduty.commandCalls(CreateFilterCommand).map((c) => c.args[0].input);
    expect(call?.FindingCriteria).toEqual({
      Criterion: { type: { Eq: ['Discovery:RDS/TorIPCaller'] }, [RDS_IP]: { Eq: ['1.2.3.4'] } },
    });
    const sent = {
      findingType: 'Discovery:RDS/TorIPCaller',
      remoteIp: '1.2.3.4',
      everyFindingOfType: true,
    };
    expect(call?.Name).toBe(suppressionFilterName(sent));
    const result = (await auditRecords(bot)).find((r) => r.type === 'outcome');
    expect(result?.after).toEqual({ filterName: call?.Name, criteria: sent });
    const [reply] = await threadTexts(bot, rds.id);
    expect(reply).toContain('"remoteIp":"1.2.3.4"');
  });
});
