import fc from 'fast-check';
import { slackLogKeys } from '../../src/bot/requestLogKeys';

const command = {
  token: 'verification-token',
  team_id: 'T0LOCAL001',
  user_id: 'U0ALICE',
  command: '/guardduty',
  text: 'archive 7ab1e5f0d5d6c1d2e3f4a5b6c7d8e9f0',
  response_url: 'https://hooks.slack.com/commands/T0LOCAL001/1/secret',
  trigger_id: '1.2.secret',
};

describe('slackLogKeys', () => {
  it('names the user, team and subcommand of a slash command, not its arguments', () => {
    expect(slackLogKeys(command)).toEqual({
      slackUser: 'U0ALICE',
      slackTeam: 'T0LOCAL001',
      slackRequest: 'command /guardduty archive',
    });
  });

  it('leaves out a first word that is not a plain subcommand', () => {
    expect(slackLogKeys({ ...command, text: '<!channel> now' }).slackRequest).toBe(
      'command /guardduty',
    );
    expect(slackLogKeys({ ...command, text: '' }).slackRequest).toBe('command /guardduty');
  });

  it('names the button of a block_actions payload and the form of a view submission', () => {
    expect(
      slackLogKeys({
        type: 'block_actions',
        user: { id: 'U0BOB', team_id: 'T0LOCAL001' },
        team: { id: 'T0LOCAL001' },
        actions: [{ action_id: 'remediate:quarantine', value: '{"f":"x"}' }],
        response_url: 'https://hooks.slack.com/actions/secret',
      }),
    ).toEqual({
      slackUser: 'U0BOB',
      slackTeam: 'T0LOCAL001',
      slackRequest: 'block_actions remediate:quarantine',
    });
    expect(
      slackLogKeys({
        type: 'view_submission',
        user: { id: 'U0BOB' },
        team: null,
        view: { callback_id: 'suppress', state: { values: {} } },
      }),
    ).toEqual({ slackUser: 'U0BOB', slackRequest: 'view_submission suppress' });
  });

  it('says "unrecognised" for a body it cannot read, and never throws', () => {
    expect(slackLogKeys('payload=%7B')).toEqual({ slackRequest: 'unrecognised' });
    expect(slackLogKeys({ user: { id: 42 } })).toEqual({ slackRequest: 'unrecognised' });
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expect(typeof slackLogKeys(body).slackRequest).toBe('string');
      }),
    );
  });

  it('never repeats a response_url, trigger_id, token or the command’s arguments', () => {
    const logged = JSON.stringify(slackLogKeys(command));
    for (const secret of ['hooks.slack.com', '1.2.secret', 'verification-token', '7ab1e5f0']) {
      expect(logged).not.toContain(secret);
    }
  });
});
