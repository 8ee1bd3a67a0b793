import { randomUUID } from 'node:crypto';
import { FindingPublisher } from '../../src/bot/findingPublisher';
import { WebApiChannelMessages } from '../../src/bot/slackClient';
import { routeFinding } from '../../src/routing/match';
import { parseRoutes } from '../../src/routing/parseRoutes';
import { silentLog } from '../../src/shared/log';
import { countStoreCalls } from '../../harness/storeCalls';
import { fixtureFinding } from '../../harness/fixtures';
import type { Finding } from '../../src/findings';
import { CHANNEL, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';
import { slackArgs } from '../helpers/events';

/** Where a route sends findings, and what each publish costs in store round trips. */

const PROD = 'C0PRODSEC';
const ROUTES = `
routes:
  - name: sandbox
    match: { account: "999999999999" }
    drop: the sandbox account is reviewed in the console
  - name: tor
    match: { type: "UnauthorizedAccess:EC2/Tor*" }
    to: { channels: [${PROD}, ${CHANNEL}] }
`;

let h: RuntimeHarness;
afterEach(() => h.close());

const TOR = fixtureFinding('UnauthorizedAccess_EC2_TorClient.json');
const RECON = fixtureFinding('Recon_EC2_Portscan.json');

function republished(finding: Finding, count: number, severity = finding.severity): Finding {
  return {
    ...finding,
    severity,
    updatedAt: new Date(Date.parse(finding.updatedAt) + count * 60_000).toISOString(),
    service: { ...finding.service, count },
  };
}

async function start() {
  h = await startRuntimeHarness({
    routes: parseRoutes(ROUTES, 'test routes', CHANNEL),
    channels: [PROD],
  });
  return countStoreCalls(h.store.client);
}

describe('publishing by route', () => {
  it('costs two store round trips for a new finding and one for an unchanged replay', async () => {
    const calls = await start();
    // About a bucket only, with no remote IP: nothing it shares with other findings (a key, an
    // instance, a list entry) can be in force.
    const pentest = fixtureFinding('PenTest_S3_ParrotLinux.json');
    const bucket = {
      ...pentest,
      severity: 5,
      resource: { ...pentest.resource!, accessKeyDetails: undefined },
      service: { ...pentest.service, action: undefined },
    };
    expect(await h.runtime.publisher.publish(bucket)).toMatchObject({ kind: 'posted' });
    expect(calls.sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    calls.reset();
    // About an instance: what is in force on it (quarantined by another finding?) is read too,
    // while the finding is scored.
    const medium = { ...RECON, severity: 5 };
    expect(await h.runtime.publisher.publish(medium)).toMatchObject({ kind: 'posted' });
    expect(calls.sent).toEqual(['UpdateItemCommand', 'BatchGetItemCommand', 'UpdateItemCommand']);
    calls.reset();
    expect(await h.runtime.publisher.publish(medium)).toEqual({
      kind: 'unchanged',
      reason: 'not newer than the posted finding',
    });
    expect(calls.sent).toEqual(['UpdateItemCommand']);
    calls.reset();
    expect(await h.runtime.publisher.publish(republished(medium, 4))).toMatchObject({
      kind: 'updated',
    });
    // The lost claim, the newer content; the message redraw reads its subjects' states at once.
    expect(calls.sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand', 'BatchGetItemCommand']);
    calls.stop();
  });

  it('posts in every channel of the route and keeps both messages current', async () => {
    await start();
    const posted = await h.runtime.publisher.publish(TOR);
    expect(posted).toMatchObject({ kind: 'posted' });
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.args.channel)).toEqual([PROD, CHANNEL]);
    const record = await h.runtime.findings.get(TOR.id);
    expect(record).toMatchObject({
      status: 'posted',
      channel: PROD,
      channels: [PROD, CHANNEL],
      route: 'tor',
      copies: [{ channel: CHANNEL, ts: expect.any(String) as string }],
    });
    await h.runtime.publisher.publish(republished(TOR, 9));
    const updates = h.slack.callsTo('chat.update');
    expect(updates.map((c) => [c.args.channel, c.args.ts])).toEqual([
      [PROD, record?.ts],
      [CHANNEL, record?.copies?.[0]?.ts],
    ]);
    expect(JSON.stringify(slackArgs(updates[1]).attachments)).toContain('seen 9 times');
  });

  it('keeps the channels posted before a failure, and the retry posts only the missing one', async () => {
    await start();
    const slackMessages = new WebApiChannelMessages(h.runtime.slack);
    let failures = 1;
    const publisher = new FindingPublisher({
      store: h.runtime.findings,
      messages: {
        findFindingMessage: (...args) => slackMessages.findFindingMessage(...args),
        update: (...args) => slackMessages.update(...args),
        post: async (channel, message) => {
          if (channel === CHANNEL && failures > 0) {
            failures -= 1;
            throw new Error('Slack is down for the second channel');
          }
          return slackMessages.post(channel, message);
        },
      },
      scorer: h.runtime.scorer,
      route: (finding) => routeFinding(parseRoutes(ROUTES, 'test routes', CHANNEL), finding),
      minSeverity: 0,
      clock: () => new Date(),
      newToken: randomUUID,
      log: silentLog,
    });
    await expect(publisher.publish(TOR)).rejects.toThrow('Slack is down for the second channel');
    expect(await h.runtime.findings.get(TOR.id)).toMatchObject({
      status: 'posting',
      claimedAt: 0,
      channel: PROD,
      ts: expect.any(String) as string,
    });
    expect(await publisher.publish(TOR)).toMatchObject({ kind: 'posted' });
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.args.channel)).toEqual([PROD, CHANNEL]);
    expect(await h.runtime.findings.get(TOR.id)).toMatchObject({
      status: 'posted',
      copies: [{ channel: CHANNEL, ts: expect.any(String) as string }],
    });
  });

  it('drops what a drop route names, with its reason, storing and posting nothing', async () => {
    const calls = await start();
    const outcome = await h.runtime.publisher.publish({ ...RECON, accountId: '999999999999' });
    expect(outcome).toEqual({
      kind: 'dropped',
      route: 'sandbox',
      reason: 'the sandbox account is reviewed in the console',
    });
    expect(calls.sent).toEqual([]);
    expect(h.slack.calls).toHaveLength(0);
  });

  it('gathers a Low finding for the digest in one round trip, and posts it on its own when it turns High', async () => {
    const calls = await start();
    const low = { ...RECON, severity: 2 };
    expect(await h.runtime.publisher.publish(low)).toEqual({
      kind: 'gathered',
      channel: CHANNEL,
      route: 'default-low',
    });
    expect(await h.runtime.publisher.publish(low)).toEqual({
      kind: 'unchanged',
      reason: 'not newer than the posted finding',
    });
    expect(calls.sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await h.runtime.findings.get(low.id)).toMatchObject({
      status: 'digest',
      digestChannel: CHANNEL,
    });

    const high = republished(low, 3, 7.5);
    expect(await h.runtime.publisher.publish(high)).toMatchObject({ kind: 'posted' });
    const [post] = h.slack.callsTo('chat.postMessage');
    expect(post?.args.channel).toBe(CHANNEL);
    expect(String(slackArgs(post).text)).toContain('High 7.5');
    const record = await h.runtime.findings.get(low.id);
    expect(record).toMatchObject({
      status: 'posted',
      severity: 7.5,
      count: 3,
      route: 'default-critical-high',
    });
    expect(record?.digestChannel).toBeUndefined();
  });
});
