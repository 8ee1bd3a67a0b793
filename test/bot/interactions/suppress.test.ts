import { CreateFilterCommand, DeleteFilterCommand } from '@aws-sdk/client-guardduty';
import { suppressionFilterName } from '../../../src/actions/targets';
import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, BOB, startBotHarness, type BotHarness } from '../../helpers/bot';
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
      ':white_check_mark: Suppression rule created by <@U0ALICE> at 14:02 UTC — undo with the button below. Meant to expire on 2026-12-31: delete the rule then.',
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
    expect(bot.aws.guardduty.calls()).toHaveLength(0);
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
