import { ArchiveFindingsCommand, UnarchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import type { AuditRecord } from '../../../src/actions/audit/record';
import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, BOB, CAROL, CHANNEL, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds, auditRecords, blocksOf, contextTexts, threadTexts } from './support';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBotHarness();
  bot.aws.guardduty
    .on(ArchiveFindingsCommand)
    .resolves({ $metadata: { requestId: 'req-archive-1' } })
    .on(UnarchiveFindingsCommand)
    .resolves({ $metadata: { requestId: 'req-unarchive-1' } });
  await bot.post(finding);
});
afterEach(() => bot.close());

describe('Archive and Unarchive', () => {
  it('offers the buttons that fit an IAM user access key finding', async () => {
    expect(actionIds(await bot.message(finding.id))).toEqual([
      'remediate:archive',
      'remediate:suppress',
      'remediate:disable-key',
      'remediate:add-to-threat-list',
      'remediate:trust-ip',
    ]);
  });

  it('archives once, updates the message and the thread, and audits request and outcome', async () => {
    const response = await bot.click(ALICE, finding.id, 'remediate:archive');
    expect(response.status).toBe(200);
    await bot.idle();

    const calls = bot.aws.guardduty.commandCalls(ArchiveFindingsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { DetectorId: DETECTOR, FindingIds: [finding.id] },
    ]);
    const message = await bot.message(finding.id);
    expect(contextTexts(message)).toContain(
      ':white_check_mark: Archived by <@U0ALICE> at 14:02 UTC — undo with the button below.',
    );
    // The state at a glance: a badge in the header, who and when right under it.
    expect(blocksOf(message)[0]?.text?.text).toMatch(
      /^ARCHIVED · Medium 5\.0 · The user dev-alice/,
    );
    expect(blocksOf(message)[1]?.block_id).toBe('finding_status');
    expect(actionIds(message)).toEqual([
      'remediate:unarchive',
      'remediate:suppress',
      'remediate:disable-key',
      'remediate:add-to-threat-list',
      'remediate:trust-ip',
    ]);
    const [reply] = await threadTexts(bot, finding.id);
    expect(reply).toContain(':white_check_mark: *Archived* by <@U0ALICE> at 14:02 UTC');
    expect(reply).toContain(
      `• \`guardduty:ArchiveFindings\` in \`us-east-2\` \`{"DetectorId":"${DETECTOR}","FindingIds":["${finding.id}"]}\` · request \`req-archive-1\``,
    );
    expect(reply).toMatch(/Audit record #2 · hash `[0-9a-f]{16}`/);

    const records = await auditRecords(bot);
    expect(records.map((r) => [r.seq, r.type, r.action, r.result ?? '', r.dryRun])).toEqual([
      [1, 'request', 'archive', '', false],
      [2, 'outcome', 'archive', 'succeeded', false],
    ]);
    expect(records[1]).toMatchObject({
      actor: { userId: ALICE, teamId: 'T0LOCAL001', userName: 'alice' },
      findingId: finding.id,
      target: finding.id,
      awsRequestIds: ['req-archive-1'],
      before: { archived: false },
      after: { archived: true },
      prevHash: records[0]!.hash,
    } satisfies Partial<AuditRecord>);
  });

  it('asks Slack who the bot is once for the first click, shared by Bolt and the service', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    await bot.idle();
    await bot.click(BOB, finding.id, 'remediate:unarchive');
    await bot.idle();

    expect(bot.slack.callsTo('auth.test')).toHaveLength(1);
  });

  it('unarchives with the undo button, audited as an undo', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    await bot.idle();
    await bot.click(CAROL, finding.id, 'remediate:unarchive');
    await bot.idle();

    expect(
      bot.aws.guardduty.commandCalls(UnarchiveFindingsCommand).map((c) => c.args[0].input),
    ).toEqual([{ DetectorId: DETECTOR, FindingIds: [finding.id] }]);
    const message = await bot.message(finding.id);
    expect(contextTexts(message)).toContain(
      ':leftwards_arrow_with_hook: Unarchived by <@U0CAROL> at 14:02 UTC',
    );
    expect(actionIds(message)[0]).toBe('remediate:archive');
    const records = await auditRecords(bot);
    expect(records.map((r) => `${r.type}:${r.action}:${r.actor.userId}`)).toEqual([
      'request:archive:U0ALICE',
      'outcome:archive:U0ALICE',
      'undo:unarchive:U0CAROL',
      'outcome:unarchive:U0CAROL',
    ]);
  });

  it('refuses a non-responder ephemerally, audits the attempt and calls nothing', async () => {
    const response = await bot.click(BOB, finding.id, 'remediate:archive');
    expect(response.status).toBe(200);
    await bot.idle();

    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
    expect(bot.slack.workspace.listEphemerals().map((e) => [e.user, e.channel, e.text])).toEqual([
      [
        BOB,
        CHANNEL,
        ':no_entry: Archive refused: only responders may remediate findings; ask a responder: <!subteam^S0ONCALL>, <@U0ALICE>',
      ],
    ]);
    const records = await auditRecords(bot);
    expect(records.map((r) => [r.type, r.actor.userId, r.result])).toEqual([
      ['refusal', BOB, 'only responders may remediate findings'],
    ]);
    expect(actionIds(await bot.message(finding.id))[0]).toBe('remediate:archive');
  });

  it('runs 20 concurrent clicks by two responders once; the others are told who did it', async () => {
    const clicks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bot.click(i % 2 === 0 ? ALICE : CAROL, finding.id, 'remediate:archive'),
      ),
    );
    await bot.idle();

    expect(clicks.map((c) => c.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    const records = await auditRecords(bot);
    expect(records.map((r) => r.type)).toEqual(['request', 'outcome']);
    const winner = records[0]!.actor.userId;
    const answers = bot.slack.workspace.listEphemerals().map((e) => e.text);
    expect(answers).toHaveLength(19);
    for (const text of answers) {
      expect(text).toMatch(
        new RegExp(
          `^Already (being archived by <@${winner}> since|archived by <@${winner}> at) 14:02 UTC\\.$`,
        ),
      );
    }
  });

  it('stays silent on a Slack redelivery of a click it already recorded', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    const ts = (await bot.runtime.findings.get(finding.id))!.ts!;
    const retried = await bot.slack.clickButton({
      user: ALICE,
      messageTs: ts,
      actionId: 'remediate:archive',
      value: JSON.stringify({ f: finding.id, v: 0 }),
      request: { retryNum: 1, retryReason: 'http_timeout' },
    });
    await bot.idle();
    expect(retried.status).toBe(200);
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    expect(bot.slack.workspace.listEphemerals()).toEqual([]);
  });

  it('stays silent on a Slack redelivery of a click that already finished', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    await bot.idle();
    const updates = bot.slack.callsTo('chat.update').length;
    // The same body again (the button as drawn at version 0), as Slack redelivers it.
    const retried = await bot.slack.redeliverLast();
    await bot.idle();
    expect(retried.status).toBe(200);
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    expect(bot.slack.workspace.listEphemerals()).toEqual([]);
    expect(bot.slack.callsTo('chat.update')).toHaveLength(updates);
    expect((await auditRecords(bot)).map((r) => r.type)).toEqual(['request', 'outcome']);
  });

  it('tells whoever sends the old Archive click again, not as a retry, who archived it; redraws the message', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    await bot.idle();
    const updates = bot.slack.callsTo('chat.update').length;
    // Carol's Slack still showed the message as drawn before: the same request, not a retry.
    await bot.slack.redeliverLast({});
    await bot.idle();
    expect(bot.slack.workspace.listEphemerals().map((e) => e.text)).toEqual([
      'Already archived by <@U0ALICE> at 14:02 UTC.',
    ]);
    expect(bot.slack.callsTo('chat.update')).toHaveLength(updates + 1);
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
  });

  it('rejects a forged, a 6-minute-old or a 6-minute-future click (401) and does nothing', async () => {
    const forged = await bot.click(ALICE, finding.id, 'remediate:archive', {
      signingSecret: 'not-the-secret',
    });
    const stale = await bot.click(ALICE, finding.id, 'remediate:archive', { ageSeconds: 6 * 60 });
    const future = await bot.click(ALICE, finding.id, 'remediate:archive', {
      ageSeconds: -6 * 60,
    });
    await bot.idle();

    expect([forged.status, stale.status, future.status]).toEqual([401, 401, 401]);
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
    expect(await auditRecords(bot)).toEqual([]);
    expect(bot.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('answers a click from an out-of-date message without acting, and redraws it', async () => {
    await bot.click(ALICE, finding.id, 'remediate:archive');
    await bot.idle();
    const updates = bot.slack.callsTo('chat.update').length;
    // A stale copy of the message at version 0, with a tampered undo button.
    const ts = (await bot.runtime.findings.get(finding.id))!.ts!;
    await bot.slack.clickButton({
      user: CAROL,
      messageTs: ts,
      actionId: 'remediate:unarchive',
      value: JSON.stringify({ f: finding.id, v: 0 }),
    });
    await bot.idle();
    expect(bot.slack.workspace.listEphemerals().at(-1)?.text).toBe(
      ':information_source: Unarchive: this message was out of date (another action finished since); it now shows the current state — look again before you click',
    );
    expect(bot.slack.callsTo('chat.update')).toHaveLength(updates + 1);
    expect(bot.aws.guardduty.commandCalls(UnarchiveFindingsCommand)).toHaveLength(0);
  });
});
