import { ArchiveFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import { botListeners } from '../../src/app/botListeners';
import { silentLog } from '../../src/shared/log';
import { ALICE, BOB, CHANNEL, startBotHarness, type BotHarness } from '../helpers/bot';
import { responseUrlAnswers, waitForResponses } from '../../harness/commandHarness';
import { fixtureFinding } from '../../harness/fixtures';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');

let h: BotHarness;

beforeEach(async () => {
  h = await startBotHarness({
    // The same listeners serve, the Slack function and the sandbox register.
    register: [
      (app, runtime, config) => {
        // The harness registers the workspace guard and the remediation listeners already.
        const commands = botListeners({
          config,
          runtime,
          log: silentLog,
          guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
        }).at(-1);
        commands?.(app);
      },
    ],
  });
  h.aws.guardduty.on(ArchiveFindingsCommand).resolves({ $metadata: { requestId: 'req-1' } });
  await h.post(finding);
});
afterEach(() => h.close());

async function command(user: string, text: string) {
  const before = responseUrlAnswers(h.slack).length;
  const ack = await h.slack.runSlashCommand({ user, channel: CHANNEL, text });
  expect(ack.status).toBe(200);
  const answers = await waitForResponses(h.slack, before + 1);
  await h.idle();
  return answers[before]!;
}

describe('/guardduty over the real remediation layer', () => {
  it('refuses a non-responder’s archive and audits the attempt; nothing reaches AWS', async () => {
    const answer = await command(BOB, `archive ${finding.id}`);
    expect(answer.text).toMatch(/refused/);
    expect(h.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
    const audit = await h.runtime.remediation.audit.list({ findingId: finding.id, limit: 10 });
    expect(audit).toEqual([
      expect.objectContaining({
        type: 'refusal',
        action: 'archive',
        actor: expect.objectContaining({ userId: BOB }) as unknown,
      }),
    ]);
  });

  it('archives once for a responder, through the same audited path as the button', async () => {
    const answer = await command(ALICE, `archive ${finding.id}`);
    expect(answer.text).toMatch(/requested/);
    expect(
      h.aws.guardduty.commandCalls(ArchiveFindingsCommand).map((c) => c.args[0].input),
    ).toEqual([{ DetectorId: '12abc34d567e8fa901bc2d34e56789f0', FindingIds: [finding.id] }]);
    const again = await command(ALICE, `archive ${finding.id}`);
    expect(again.text).toMatch(/not possible|already/);
    expect(h.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);

    const trail = await command(ALICE, `audit ${finding.id}`);
    const text = JSON.stringify(trail.blocks);
    expect(text).toContain('request *archive*');
    expect(text).toContain('outcome *archive*');
  });

  it('opens the real suppress modal for a responder, and refuses it to anyone else', async () => {
    await h.slack.runSlashCommand({
      user: ALICE,
      channel: CHANNEL,
      text: `suppress ${finding.id}`,
    });
    await h.idle();
    const opened = h.slack.callsTo('views.open');
    expect(opened).toHaveLength(1);
    expect(JSON.stringify(opened[0]?.args)).toContain('remediate:suppress');

    const refused = await command(BOB, `suppress ${finding.id}`);
    expect(refused.text).toMatch(/refused/);
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });
});
