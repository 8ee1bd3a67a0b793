import { registerDetailsListener } from '../../../src/bot/interactions/details';
import { renderFindingDetails, type ScoreView } from '../../../src/bot/render/finding';
import { parseFindingInput } from '../../../src/findings';
import { silentLog } from '../../../src/shared/log';
import { fixtureFinding, rawFinding } from '../../../harness/fixtures';
import { ALICE, BOB, CHANNEL, startBotHarness, type BotHarness } from '../../helpers/bot';
import { slackArgs } from '../../helpers/events';

const NAME = 'Synthetic_Discovery_IAMUser_AnomalousBehavior.json';
const finding = fixtureFinding(NAME);

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBotHarness({
    register: [
      (app, runtime) =>
        registerDetailsListener({ findings: runtime.findings, log: silentLog })(app),
    ],
  });
  await bot.post(finding);
});
afterEach(() => bot.close());

async function replies(): Promise<Record<string, unknown>[]> {
  const ts = (await bot.runtime.findings.get(finding.id))!.ts!;
  return bot.slack.workspace.thread(CHANNEL, ts).filter((m) => m.ts !== ts) as unknown as Record<
    string,
    unknown
  >[];
}

describe('the Details button', () => {
  it('posts the description and details in the thread, once for each version of the finding', async () => {
    const response = await bot.click(BOB, finding.id, 'finding:details');
    await bot.idle();
    expect(response.status).toBe(200);
    const record = (await bot.runtime.findings.get(finding.id))!;
    const expected = renderFindingDetails(finding, JSON.parse(record.score) as ScoreView);
    const [post] = bot.slack.callsTo('chat.postMessage').slice(-1);
    expect(slackArgs(post)).toMatchObject({
      channel: CHANNEL,
      thread_ts: record.ts,
      text: expected.text,
      blocks: expected.blocks,
      metadata: expected.metadata,
      unfurl_links: false,
      link_names: false,
    });
    expect(await replies()).toHaveLength(1);

    // Again: the thread has them; only the clicker is told where.
    await bot.click(ALICE, finding.id, 'finding:details');
    await bot.idle();
    expect(await replies()).toHaveLength(1);
    expect(bot.slack.workspace.listEphemerals().map((e) => [e.user, e.text])).toEqual([
      [ALICE, "The details are in this message's thread."],
    ]);
  });

  it('posts them again once the finding was published anew', async () => {
    await bot.click(ALICE, finding.id, 'finding:details');
    await bot.idle();
    const raw = rawFinding(NAME);
    raw.updatedAt = '2026-11-21T11:00:00.000Z';
    (raw.service as { count: number }).count = 5;
    expect(await bot.runtime.publisher.publish(parseFindingInput(raw).finding)).toMatchObject({
      kind: 'updated',
    });
    await bot.click(ALICE, finding.id, 'finding:details');
    await bot.idle();
    const posted = await replies();
    expect(posted).toHaveLength(2);
    expect(JSON.stringify(posted[1])).toContain('Count 5');
  });

  it('answers a click for a finding with no message here, and posts nothing', async () => {
    const ts = (await bot.runtime.findings.get(finding.id))!.ts!;
    await bot.slack.clickButton({
      user: ALICE,
      messageTs: ts,
      actionId: 'finding:details',
      value: JSON.stringify({ f: 'f0000000000000000000000000000000' }),
    });
    await bot.idle();
    expect(await replies()).toEqual([]);
    expect(bot.slack.workspace.listEphemerals().map((e) => e.text)).toEqual([
      'That finding has no message here, so there is no thread for its details.',
    ]);
  });
});
