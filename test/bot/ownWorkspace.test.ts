import { ArchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import { interactivityBody, SlackRequestSender } from '@guardduty-chatops/slack-sandbox';
import { partyOf } from '../../src/bot/ownWorkspace';
import { fixtureFinding } from '../../harness/fixtures';
import { allAuditRecords } from '../../harness/store';
import { ALICE, CHANNEL, startBotHarness, type BotHarness } from '../helpers/bot';
import { guarddutyCommandBody } from '../helpers/events';

/**
 * A request signed with the app's secret but from another workspace (the app installed in a
 * second workspace, or a forged body) reaches no listener: it is told so and audited.
 */
const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
let bot: BotHarness;
let sender: SlackRequestSender;

beforeAll(async () => {
  bot = await startBotHarness();
  bot.aws.guardduty.on(ArchiveFindingsCommand).resolves({});
  await bot.post(finding);
  sender = new SlackRequestSender({ url: bot.eventsUrl, signingSecret: bot.slack.signingSecret });
});
afterAll(() => bot.close());

function click(teamId: string) {
  return interactivityBody({
    type: 'block_actions',
    user: { id: ALICE, username: 'alice', team_id: teamId },
    team: { id: teamId, domain: 'elsewhere' },
    api_app_id: 'A0LOCALAPP',
    token: 'local-verification-token',
    container: { type: 'message', message_ts: '1.000001', channel_id: CHANNEL },
    trigger_id: '1.2.3',
    channel: { id: CHANNEL, name: 'security' },
    response_url: 'http://127.0.0.1:9/respond/R1',
    actions: [
      {
        type: 'button',
        action_id: 'remediate:archive',
        block_id: 'finding_actions',
        value: JSON.stringify({ f: finding.id, v: 0 }),
        action_ts: '1.000002',
      },
    ],
  });
}

describe('requests from another workspace', () => {
  it('refuses a click and a command from another team, audits both, and runs nothing', async () => {
    const clicked = await sender.send(click('T0ELSEWHERE'));
    const command = await sender.send(
      guarddutyCommandBody('list', ALICE, CHANNEL).replace('T0LOCAL001', 'T0ELSEWHERE'),
    );
    await bot.idle();
    expect(clicked.status).toBe(200);
    expect(JSON.parse(command.body)).toEqual({
      response_type: 'ephemeral',
      text: ':no_entry: this bot acts for its own Slack workspace only; the request came from another one.',
    });
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
    const refusals = (await allAuditRecords(bot.store.client, bot.store.tables)).map((r) => [
      r.type,
      r.action,
      r.actor.teamId,
      r.target,
    ]);
    expect(refusals).toEqual([
      ['refusal', 'slack-request', 'T0ELSEWHERE', 'block_actions remediate:archive'],
      ['refusal', 'slack-request', 'T0ELSEWHERE', 'command /guardduty list'],
    ]);
  });

  it('lets the bot’s own workspace through', async () => {
    await sender.send(click('T0LOCAL001'));
    await bot.idle();
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
  });
});

describe('partyOf', () => {
  it('reads who sent a command, an interaction or an enterprise request', () => {
    expect(
      partyOf({ team_id: 'T1', user_id: 'U1', command: '/guardduty', text: 'show x' }),
    ).toEqual({ userId: 'U1', teamId: 'T1', what: 'command /guardduty show' });
    expect(
      partyOf({
        type: 'view_submission',
        user: { id: 'U2', team_id: 'T2' },
        enterprise: { id: 'E1' },
        view: { callback_id: 'suppress' },
      }),
    ).toEqual({ userId: 'U2', teamId: 'T2', enterpriseId: 'E1', what: 'view_submission suppress' });
    expect(partyOf('garbage')).toBeUndefined();
  });
});
