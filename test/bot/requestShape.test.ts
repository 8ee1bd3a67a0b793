import { randomBytes } from 'node:crypto';
import { interactivityBody, SlackRequestSender } from '@guardduty-chatops/slack-sandbox';
import { rawBodyProblem, slackBodyProblem } from '../../src/bot/requestShape';
import { ALICE, CHANNEL, startBotHarness, type BotHarness } from '../helpers/bot';
import { guarddutyCommandBody } from '../helpers/events';
import { allAuditRecords } from '../../harness/store';

const FORM = 'application/x-www-form-urlencoded';
const whole = guarddutyCommandBody('list --severity high', ALICE, CHANNEL);
/** Cut inside the user_name field, before `command`, as a dropped connection leaves it. */
const cutBeforeCommand = whole.slice(0, whole.indexOf('user_name=') + 'user_name=al'.length);
/** Cut just after `command`: no text, response_url or trigger_id. */
const cutAfterCommand = whole.slice(0, whole.indexOf('&text='));
const cutPayload = interactivityBody({ type: 'block_actions', actions: [] }).slice(0, 30);
const random = randomBytes(300).toString('latin1');

describe('which bodies are Slack requests', () => {
  it('accepts what Slack sends, and the checks receivers answer themselves', () => {
    expect(rawBodyProblem(whole, FORM)).toBeUndefined();
    expect(rawBodyProblem(interactivityBody({ type: 'block_actions', actions: [] }), FORM)).toBe(
      undefined,
    );
    expect(rawBodyProblem('ssl_check=1&token=x', FORM)).toBeUndefined();
    expect(rawBodyProblem('{"type":"url_verification","challenge":"c"}', 'application/json')).toBe(
      undefined,
    );
  });

  it('names what is wrong with a truncated, random or foreign body', () => {
    expect(rawBodyProblem(cutBeforeCommand, FORM)).toBe(
      'the body is not a Slack request (no slash command, interaction payload or event)',
    );
    expect(rawBodyProblem(cutAfterCommand, FORM)).toBe(
      'the slash command lacks text, response_url, trigger_id (cut short?)',
    );
    expect(rawBodyProblem(cutPayload, FORM)).toBe(
      'the body is malformed (not a form or JSON Slack sends)',
    );
    expect(rawBodyProblem(random, 'application/json')).toBe(
      'the body is malformed (not a form or JSON Slack sends)',
    );
    expect(rawBodyProblem(random, FORM)).toMatch(/^the body is not a Slack request/);
    expect(slackBodyProblem([1, 2])).toBe('the body is not a Slack request');
  });
});

describe('a signed body Bolt cannot route, over HTTP', () => {
  let bot: BotHarness;
  let sender: SlackRequestSender;

  beforeAll(async () => {
    bot = await startBotHarness();
    sender = new SlackRequestSender({ url: bot.eventsUrl, signingSecret: bot.slack.signingSecret });
  });
  afterAll(() => bot.close());

  it.each([
    ['a slash command cut before its command', cutBeforeCommand, FORM],
    ['a slash command cut after its command', cutAfterCommand, FORM],
    ['an interaction payload cut mid-JSON', cutPayload, FORM],
    ['random bytes as a form', random, FORM],
    ['random bytes as JSON', random, 'application/json'],
  ])('%s gets 400 at once, not a 404 after 3 s, and changes nothing', async (_, body, type) => {
    const response = await sender.send(body, { contentType: type });
    await bot.idle();
    expect(response.status).toBe(400);
    expect(bot.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await allAuditRecords(bot.store.client, bot.store.tables)).toEqual([]);
  });

  it('still answers an unsigned body 401', async () => {
    const response = await sender.send(random, { signingSecret: 'not-the-secret' });
    expect(response.status).toBe(401);
  });
});
