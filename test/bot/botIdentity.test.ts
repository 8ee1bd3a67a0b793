import type { Server } from 'node:http';
import type { AuthorizeSourceData } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import HTTPReceiver from '@slack/bolt/dist/receivers/HTTPReceiver';
import { WebClient } from '@slack/web-api';
import { startLocalSlack, type LocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createBoltApp } from '../../src/bot/app';
import { botAuthorization, botIdentity, BotIdentityError } from '../../src/bot/botIdentity';
import { silentSlackLogger as silentLogger } from '../../src/bot/slackLogger';
import { ALICE, CHANNEL } from '../helpers/bot';

let slack: LocalSlack;

beforeEach(async () => {
  slack = await startLocalSlack({
    channels: [{ id: CHANNEL, name: 'security' }],
    users: [{ id: ALICE, name: 'alice' }],
  });
});
afterEach(() => slack.close());

function anonymousClient(): WebClient {
  return new WebClient(undefined, {
    slackApiUrl: slack.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
}

const source: AuthorizeSourceData<boolean> = {
  isEnterpriseInstall: false,
  teamId: 'T0LOCAL001',
  enterpriseId: undefined,
};

describe('botAuthorization', () => {
  it('asks auth.test once, on first use, and answers with the bot identity from then on', async () => {
    const authorize = botAuthorization(anonymousClient(), slack.botToken);
    expect(slack.callsTo('auth.test')).toHaveLength(0);

    const first = await authorize(source);
    const second = await authorize(source);

    const expected = {
      botToken: slack.botToken,
      botId: 'B0LOCALBOT',
      botUserId: 'U0LOCALBOT',
      teamId: 'T0LOCAL001',
    };
    expect(first).toEqual(expected);
    expect(second).toEqual(first);
    expect(slack.callsTo('auth.test')).toHaveLength(1);
  });

  it('fails only the request during which Slack failed; the next one asks again', async () => {
    const authorize = botAuthorization(anonymousClient(), slack.botToken);
    slack.failNext('auth.test', { error: 'service_unavailable' });

    await expect(authorize(source)).rejects.toThrow(/service_unavailable/);
    await expect(authorize(source)).resolves.toMatchObject({ botId: 'B0LOCALBOT' });
    expect(slack.callsTo('auth.test')).toHaveLength(2);
  });

  it('refuses a token Slack does not accept, naming Slack’s error', async () => {
    const authorize = botAuthorization(anonymousClient(), 'xoxb-wrong');
    await expect(authorize(source)).rejects.toThrow(/invalid_auth/);
  });

  it('refuses a token that names no bot', async () => {
    const client = anonymousClient();
    jest.spyOn(client.auth, 'test').mockResolvedValue({ ok: true, user_id: 'U0PERSON' });
    const authorize = botAuthorization(client, 'xoxp-user-token');
    await expect(authorize(source)).rejects.toThrow(
      new BotIdentityError('auth.test named no bot: is SLACK_BOT_TOKEN a bot token (xoxb-)?'),
    );
  });
});

describe('botIdentity', () => {
  it('answers Bolt and the workspace check from one auth.test', async () => {
    const identity = botIdentity(anonymousClient(), slack.botToken);

    await expect(identity.workspace.workspace()).resolves.toEqual({ teamId: 'T0LOCAL001' });
    await expect(identity.authorize(source)).resolves.toMatchObject({ teamId: 'T0LOCAL001' });
    expect(slack.callsTo('auth.test')).toHaveLength(1);
  });

  it('lets nothing through on a guess when Slack names no team', async () => {
    const client = anonymousClient();
    jest
      .spyOn(client.auth, 'test')
      .mockResolvedValue({ ok: true, user_id: 'U0LOCALBOT', bot_id: 'B0LOCALBOT', team_id: '' });
    await expect(botIdentity(client, slack.botToken).workspace.workspace()).rejects.toThrow(
      new BotIdentityError('auth.test named no team for the bot token'),
    );
  });
});

describe('createBoltApp', () => {
  async function startApp(): Promise<() => Promise<unknown>> {
    const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret, logger: silentLogger });
    const app = createBoltApp({
      botToken: slack.botToken,
      apiUrl: slack.apiUrl,
      receiver,
      logger: silentLogger,
      register: [
        (bolt) =>
          bolt.command('/guardduty', async ({ ack, context }) => {
            await ack({ text: `bot ${context.botUserId}` });
          }),
      ],
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    slack.setEventsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
    return () => app.stop();
  }

  it('calls Slack only when a request comes: a server that stops first leaves nothing pending', async () => {
    const stop = await startApp();
    try {
      // A later call of our own: anything the app had sent at start would have arrived before it.
      await anonymousClient().auth.test({ token: slack.botToken });
      expect(slack.calls.map((call) => call.method)).toEqual(['auth.test']);
    } finally {
      await stop();
    }
  });

  it('answers after Slack failed its identity lookup once, without a restart', async () => {
    const stop = await startApp();
    try {
      slack.failNext('auth.test', { error: 'service_unavailable' });
      const failed = await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'help' });
      expect(failed.status).toBe(401);

      const answered = await slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'help' });
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body)).toMatchObject({ text: 'bot U0LOCALBOT' });
    } finally {
      await stop();
    }
  });
});
