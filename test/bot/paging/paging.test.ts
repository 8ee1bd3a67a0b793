import { ArchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import { startLocalPagerDuty, type LocalPagerDuty } from '../../../src/app/demo/localPagerDuty';
import { defaultRoutingTable } from '../../../src/routing/routes';
import { fixtureFinding } from '../../../harness/fixtures';
import {
  ALICE,
  BOB,
  CHANNEL,
  ROUTING_KEY,
  startBotHarness,
  type BotHarness,
} from '../../helpers/bot';
import { actionIds, contextTexts } from '../interactions/support';

/**
 * Paging on-call end to end on loopback: the routes, the in-process page queue, the PagerDuty
 * adapter against an Events-API-compatible recorder, the Slack buttons over signed HTTP, and the
 * message redrawn with the page's state.
 */

const HIGH = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const high = { ...HIGH, severity: 8 };
const medium = { ...HIGH, id: 'a0000000000000000000000000000001', severity: 5 };

let pd: LocalPagerDuty;
let bot: BotHarness;

async function start(options: { dryRun?: boolean } = {}) {
  pd = await startLocalPagerDuty({ routingKey: ROUTING_KEY });
  bot = await startBotHarness({
    routes: defaultRoutingTable(CHANNEL),
    pagerDuty: pd,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
  });
  bot.aws.guardduty.on(ArchiveFindingsCommand).resolves({ $metadata: { requestId: 'req-1' } });
}

afterEach(async () => {
  await bot.close();
  await pd.close();
});

const pageLines = async (findingId: string) =>
  contextTexts(await bot.message(findingId)).filter((t) => /Page|paged|Paging/.test(t));

describe('paging on-call', () => {
  it('pages a High finding once its message is posted, linking the message, and shows the incident', async () => {
    await start();
    const ts = await bot.post(high);
    await bot.idle();
    expect(pd.received.map((r) => [r.body.event_action, r.body.dedup_key, r.status])).toEqual([
      ['trigger', high.id, 202],
    ]);
    const body = pd.received[0]?.body as { links: { href: string; text: string }[] };
    expect(body.links[0]).toEqual({
      href: `https://slack.com/archives/${CHANNEL}/p${ts.replace('.', '')}`,
      text: 'Slack message',
    });
    expect(await pageLines(high.id)).toEqual([
      ':pager: *On-call paged* through PagerDuty at 14:02 UTC: incident triggered',
    ]);
    expect(actionIds(await bot.message(high.id))).toContain('page:acknowledge');
    expect(await bot.runtime.findings.get(high.id)).toMatchObject({
      page: { status: 'triggered', incidentKey: high.id },
    });

    // A re-publication updates the message and pages no one again.
    await bot.runtime.publisher.publish({ ...high, service: { ...high.service, count: 5 } });
    await bot.idle();
    expect(pd.received.filter((r) => r.body.event_action === 'trigger')).toHaveLength(1);
  });

  it('acknowledges from the button, then resolves when a responder archives the finding', async () => {
    await start();
    await bot.post(high);
    await bot.idle();
    expect((await bot.click(ALICE, high.id, 'page:acknowledge')).status).toBe(200);
    await bot.idle();
    expect(pd.received.at(-1)?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: high.id,
    });
    expect(await pageLines(high.id)).toEqual([
      ':pager: *Page acknowledged* by <@U0ALICE> at 14:02 UTC',
    ]);
    expect(actionIds(await bot.message(high.id))).not.toContain('page:acknowledge');

    await bot.click(ALICE, high.id, 'remediate:archive');
    await bot.idle();
    expect(pd.received.at(-1)?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: high.id,
    });
    expect(pd.incidents.get(high.id)?.status).toBe('resolved');
    expect(await pageLines(high.id)).toEqual([
      ':white_check_mark: *Page resolved* at 14:02 UTC (archived by <@U0ALICE>)',
    ]);
  });

  it('leaves the page open after a dry-run archive: nothing was changed in AWS', async () => {
    await start({ dryRun: true });
    await bot.post(high);
    await bot.idle();
    await bot.click(ALICE, high.id, 'remediate:archive');
    await bot.idle();
    expect(pd.received.map((r) => r.body.event_action)).toEqual(['trigger']);
  });

  it('offers "Page on-call" on a Medium finding, to responders only', async () => {
    await start();
    await bot.post(medium);
    await bot.idle();
    expect(pd.received).toHaveLength(0);
    expect(actionIds(await bot.message(medium.id))).toContain('page:trigger');

    await bot.click(BOB, medium.id, 'page:trigger');
    await bot.idle();
    expect(pd.received).toHaveLength(0);
    const refusals = bot.slack.callsTo('chat.postEphemeral').map((c) => c.args.text);
    expect(refusals).toContain('Only responders can page on-call or acknowledge a page.');

    await bot.click(ALICE, medium.id, 'page:trigger');
    await bot.idle();
    expect(pd.received.map((r) => [r.body.event_action, r.status])).toEqual([['trigger', 202]]);
    expect((pd.received[0]?.body.payload as { severity: string }).severity).toBe('warning');
    expect(await pageLines(medium.id)).toEqual([
      ':pager: *On-call paged* through PagerDuty by <@U0ALICE> at 14:02 UTC: incident triggered',
    ]);
  });

  it('posts at once while PagerDuty fails, and retries the page on its own until it is accepted', async () => {
    await start();
    pd.failNext({ status: 500 }, 2);
    pd.failNext({ status: 429, retryAfterSeconds: 0 }, 1);
    const posted = await bot.runtime.publisher.publish(high);
    expect(posted).toMatchObject({ kind: 'posted' });
    await bot.idle();
    // Two 500s and a 429, then the fourth try is accepted.
    expect(pd.received.map((r) => r.status)).toEqual([500, 500, 429, 202]);
    expect(await pageLines(high.id)).toEqual([
      ':pager: *On-call paged* through PagerDuty at 14:02 UTC: incident triggered',
    ]);
  });

  it('dead-letters a page after the last try, says so on the message, and lets a responder page by hand', async () => {
    await start();
    pd.failNext({ status: 503 }, 5);
    await bot.post(high);
    await bot.idle();
    expect(pd.received.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(await pageLines(high.id)).toEqual([
      ':x: *Paging on-call failed* at 14:02 UTC: PagerDuty answered 503. The request is in the dead-letter queue; page by hand.',
    ]);
    expect(actionIds(await bot.message(high.id))).toContain('page:trigger');
    await bot.click(ALICE, high.id, 'page:trigger');
    await bot.idle();
    expect(pd.received.at(-1)).toMatchObject({ status: 202 });
    expect(pd.incidents.get(high.id)?.status).toBe('triggered');
  });
});
