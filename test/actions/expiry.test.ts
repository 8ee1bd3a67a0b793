import { CreateFilterCommand, DeleteFilterCommand } from '@aws-sdk/client-guardduty';
import { STACK_ACTOR } from '../../src/actions/expiry';
import { intentId, type IntentRequest } from '../../src/actions/intents';
import { DynamoSuppressionExpiries } from '../../src/store/dynamoSuppressionExpiries';
import { fixtureFinding } from '../../harness/fixtures';
import { ALICE, NOW, startBotHarness, type BotHarness } from '../helpers/bot';
import { auditRecords, contextTexts, threadTexts } from '../bot/interactions/support';

/**
 * Suppression expiry, through the local stack: the real Bolt app and modal, the worker, dynalite,
 * the Slack sandbox; GuardDuty mocked at the SDK client. The clock is the test's.
 */

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
const EXPIRES = '2026-11-24';
const subject = `finding:${finding.id}`;

let bot: BotHarness;
let now: Date;

beforeEach(async () => {
  now = NOW;
  bot = await startBotHarness({ clock: () => now });
  await bot.post(finding);
  bot.aws.guardduty.on(CreateFilterCommand).callsFake((input: { Name: string }) => ({
    Name: input.Name,
    $metadata: { requestId: 'req-create' },
  }));
  bot.aws.guardduty.on(DeleteFilterCommand).callsFake(async () => {
    // Slow enough for the two runs to overlap for real.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { $metadata: { requestId: 'req-delete' } };
  });
});
afterEach(() => bot.close());

/** Alice suppresses similar findings until EXPIRES through the modal, as Slack sends it. */
async function suppressUntil(expiresAt: string | undefined): Promise<string> {
  await bot.click(ALICE, finding.id, 'remediate:suppress');
  await bot.idle();
  const open = bot.slack.views.list().find((v) => v.user === ALICE)!;
  await bot.slack.submitView({
    user: ALICE,
    viewId: open.view.id,
    values: {
      suppress_type: { value: finding.type },
      suppress_principal: { value: 'AIDA123456789EXAMPLE' },
      suppress_remote_ip: { value: '' },
      ...(expiresAt === undefined ? {} : { suppress_expires: { value: expiresAt } }),
      suppress_note: { value: '' },
    },
  });
  await bot.idle();
  const [create] = bot.aws.guardduty.commandCalls(CreateFilterCommand);
  return create!.args[0].input.Name!;
}

const expiries = () => new DynamoSuppressionExpiries(bot.store.client, bot.store.tables.health);
const deletes = () =>
  bot.aws.guardduty.commandCalls(DeleteFilterCommand).map((c) => c.args[0].input);

describe('suppression expiry', () => {
  it('deletes an expired rule exactly once when two runs overlap; audited as the stack, noted in the thread', async () => {
    const name = await suppressUntil(EXPIRES);
    expect(await expiries().due(EXPIRES)).toEqual([
      { expiresAt: EXPIRES, subject, findingId: finding.id },
    ]);

    // The day before: nothing is due.
    now = new Date('2026-11-23T23:59:00Z');
    expect(await bot.runtime.remediation.expiry.run()).toEqual([]);
    expect(deletes()).toEqual([]);

    now = new Date('2026-11-24T00:05:00Z');
    const { expiry } = bot.runtime.remediation;
    const [first, second] = await Promise.all([expiry.run(), expiry.run()]);
    await bot.idle();

    expect(deletes()).toEqual([{ DetectorId: DETECTOR, FilterName: name }]);
    expect([...first, ...second].filter((r) => r.kind === 'deleted')).not.toHaveLength(0);
    const automatic = (await auditRecords(bot)).filter((r) => r.action === 'delete-suppression');
    expect(automatic.map((r) => [r.type, r.actor.userId, r.source, r.result])).toEqual([
      ['undo', STACK_ACTOR.userId, 'expiry', undefined],
      ['outcome', STACK_ACTOR.userId, undefined, 'succeeded'],
    ]);
    expect(automatic[1]).toMatchObject({
      intentId: intentId('delete-suppression', subject, 1),
      target: name,
      awsRequestIds: ['req-delete'],
      dryRun: false,
    });
    const replies = await threadTexts(bot, finding.id);
    expect(replies.at(-1)).toContain(
      ':white_check_mark: *Suppression rule deleted* by the stack, as the rule’s expiry date has come at 00:05 UTC',
    );
    expect(replies.filter((r) => r.includes('Suppression rule deleted'))).toHaveLength(1);
    expect(contextTexts(await bot.message(finding.id))).toEqual([
      ':leftwards_arrow_with_hook: Suppression rule deleted by guardduty-chatops (automatic) at 00:05 UTC',
    ]);

    // Later runs find nothing to do.
    now = new Date('2026-11-24T01:05:00Z');
    expect(await expiry.run()).toEqual([]);
    expect(deletes()).toHaveLength(1);
    expect(await expiries().due('2026-12-31')).toEqual([]);
  });

  it('leaves a rule without an expiry, and forgets a rule deleted by hand before its date', async () => {
    await suppressUntil(undefined);
    expect(await expiries().due('2099-01-01')).toEqual([]);
    await bot.close();

    bot = await startBotHarness({ clock: () => now });
    await bot.post(finding);
    bot.aws.guardduty.on(CreateFilterCommand).callsFake((input: { Name: string }) => ({
      Name: input.Name,
    }));
    bot.aws.guardduty.on(DeleteFilterCommand).resolves({});
    await suppressUntil(EXPIRES);
    await bot.click(ALICE, finding.id, 'remediate:delete-suppression');
    await bot.idle();
    expect(deletes()).toHaveLength(1);
    now = new Date('2026-11-25T00:00:00Z');
    expect((await bot.runtime.remediation.expiry.run()).map((r) => r.kind)).toEqual(['gone']);
    expect(deletes()).toHaveLength(1);
    expect(await expiries().due('2099-01-01')).toEqual([]);
  });

  it('refuses an automatic request for a rule that has not expired, or for anything else', async () => {
    await suppressUntil(EXPIRES);
    const { intents, worker } = bot.runtime.remediation;
    const forged = (overrides: Partial<IntentRequest>): IntentRequest => ({
      id: intentId('delete-suppression', subject, 1),
      findingId: finding.id,
      kind: 'delete-suppression',
      subject,
      target: bot.aws.guardduty.commandCalls(CreateFilterCommand)[0]!.args[0].input.Name!,
      version: 1,
      actor: STACK_ACTOR,
      source: 'expiry',
      requestedAt: now.toISOString(),
      dryRun: false,
      ...overrides,
    });
    // As the internet-facing function's role could write it, the day before the rule expires.
    now = new Date('2026-11-23T12:00:00Z');
    await intents.create(forged({ requestedAt: now.toISOString() }));
    await worker.run(intentId('delete-suppression', subject, 1));
    await bot.idle();
    expect(deletes()).toEqual([]);
    expect((await auditRecords(bot)).at(-1)).toMatchObject({
      type: 'refusal',
      actor: { userId: STACK_ACTOR.userId },
      result: `the suppression rule expires on ${EXPIRES}, not yet`,
    });
  });
});
