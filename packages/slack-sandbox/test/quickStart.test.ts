import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction } from '@slack/bolt';
import { startLocalSlack, type LocalSlack } from '../src';
import { silentLogger } from './helpers';

/** README.md's quick start as a Jest test, so that the README stays true. */

let slack: LocalSlack;
let app: App;

beforeAll(async () => {
  slack = await startLocalSlack({
    channels: [{ id: 'C0DEPLOYS', name: 'deploys' }],
    users: [{ id: 'U0ALICE', name: 'alice' }],
  });
  app = new App({
    token: slack.botToken,
    signingSecret: slack.signingSecret,
    clientOptions: { slackApiUrl: slack.apiUrl },
    processBeforeResponse: true, // answer Slack once the listener is done
    logger: silentLogger,
  });
  app.action<BlockButtonAction>('approve', async ({ ack, body, client }) => {
    await ack();
    await client.chat.update({
      channel: body.channel?.id ?? '',
      ts: body.message?.ts ?? '',
      text: `Approved by <@${body.user.id}>`,
    });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  slack.setEventsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
});

afterAll(async () => {
  await app.stop();
  await slack.close();
});

it('updates the message when alice clicks Approve', async () => {
  const posted = await app.client.chat.postMessage({
    channel: 'C0DEPLOYS',
    text: 'Deploy v2?',
    blocks: [
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } },
        ],
      },
    ],
  });
  const answer = await slack.clickButton({
    user: 'U0ALICE',
    messageTs: posted.ts ?? '',
    actionId: 'approve',
  });

  expect(answer.status).toBe(200);
  expect(slack.callsTo('chat.update')).toHaveLength(1);
  expect(slack.workspace.getMessage('C0DEPLOYS', posted.ts ?? '')?.text).toBe(
    'Approved by <@U0ALICE>',
  );
});
