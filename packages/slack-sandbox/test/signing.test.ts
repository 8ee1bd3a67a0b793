import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  computeSlackSignature,
  interactivityBody,
  signRequest,
  slashCommandBody,
  SlackRequestSender,
  SLACK_FORM_CONTENT_TYPE,
  type SlashCommandFields,
} from '../src/signing';

// Slack's worked example from "Verifying requests from Slack".
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
  '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signing', () => {
  it("reproduces Slack's documented signature", () => {
    expect(computeSlackSignature(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
  });

  it('returns both headers Slack sends, with whole seconds', () => {
    expect(signRequest(DOC_SECRET, DOC_BODY, DOC_TIMESTAMP + 0.9)).toEqual({
      'X-Slack-Signature': DOC_SIGNATURE,
      'X-Slack-Request-Timestamp': '1531420618',
    });
  });

  it('changes the signature when the secret, time or body changes', () => {
    const other = [
      computeSlackSignature('another-secret', DOC_TIMESTAMP, DOC_BODY),
      computeSlackSignature(DOC_SECRET, DOC_TIMESTAMP + 1, DOC_BODY),
      computeSlackSignature(DOC_SECRET, DOC_TIMESTAMP, `${DOC_BODY}&x=1`),
    ];
    expect(other).not.toContain(DOC_SIGNATURE);
    expect(new Set(other).size).toBe(3);
  });
});

describe('request bodies', () => {
  it('puts the interactivity payload in a form field named payload', () => {
    const payload = { type: 'block_actions', text: 'a & b = c', emoji: '✅' };
    const body = interactivityBody(payload);
    expect(body.startsWith('payload=')).toBe(true);
    expect(JSON.parse(new URLSearchParams(body).get('payload') ?? '')).toEqual(payload);
  });

  it('writes slash command fields in the order Slack sends them', () => {
    const fields: SlashCommandFields = {
      trigger_id: '1.2.3',
      response_url: 'http://127.0.0.1:1/respond/R1',
      is_enterprise_install: 'false',
      api_app_id: 'A1',
      text: 'list high',
      command: '/guardduty',
      user_name: 'alice',
      user_id: 'U1',
      channel_name: 'security',
      channel_id: 'C1',
      team_domain: 'acme',
      team_id: 'T1',
      token: 'verification',
    };
    expect(slashCommandBody(fields)).toBe(
      'token=verification&team_id=T1&team_domain=acme&channel_id=C1&channel_name=security' +
        '&user_id=U1&user_name=alice&command=%2Fguardduty&text=list+high&api_app_id=A1' +
        '&is_enterprise_install=false&response_url=http%3A%2F%2F127.0.0.1%3A1%2Frespond%2FR1' +
        '&trigger_id=1.2.3',
    );
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('SlackRequestSender', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.writeHead(201, { 'x-bot': 'yes' });
        response.end('{"response_action":"clear"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  const nowMs = 1_732_543_200_500;
  let monotonic = 0;
  const sender = (secret = 'secret') =>
    new SlackRequestSender({
      url,
      signingSecret: secret,
      clock: { now: () => nowMs },
      monotonicMs: () => (monotonic += 40),
    });

  it('posts a signed form and reports the status, headers, body and elapsed time', async () => {
    const response = await sender().sendInteraction({ type: 'view_submission' });
    const request = received[0]!;
    expect(request.headers['content-type']).toBe(SLACK_FORM_CONTENT_TYPE);
    expect(request.headers['x-slack-request-timestamp']).toBe('1732543200');
    expect(request.headers['x-slack-signature']).toBe(
      computeSlackSignature('secret', 1732543200, request.body),
    );
    expect(request.body).toBe(interactivityBody({ type: 'view_submission' }));
    expect(response).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'x-bot': 'yes' }) as unknown,
      body: '{"response_action":"clear"}',
      elapsedMs: 40,
    });
  });

  it('forges, backdates and marks retries when asked', async () => {
    await sender().send('a=1', {
      signingSecret: 'wrong',
      ageSeconds: 360,
      retryNum: 2,
      retryReason: 'http_timeout',
    });
    const { headers, body } = received[0]!;
    expect(headers['x-slack-request-timestamp']).toBe(String(1732543200 - 360));
    expect(headers['x-slack-signature']).toBe(
      computeSlackSignature('wrong', 1732543200 - 360, body),
    );
    expect(headers['x-slack-retry-num']).toBe('2');
    expect(headers['x-slack-retry-reason']).toBe('http_timeout');
  });
});
