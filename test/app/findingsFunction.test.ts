import { createRemediationDecorator } from '../../src/bot/interactions/decorator';
import { renderFinding } from '../../src/bot/render/finding';
import { scoreFinding } from '../../src/bot/scoreFinding';
import { createFindingsHandler } from '../../src/app/findingsFunction';
import { trainDemoModel } from '../../src/app/demo/trainDemoModel';
import { silentLog } from '../../src/shared/log';
import { fixtureFinding, fixtureNames, rawFinding } from '../../harness/fixtures';
import { CHANNEL, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';
import { eventOf, recordingLog, slackArgs } from '../helpers/events';

let h: RuntimeHarness;
afterEach(() => h.close());

function handlerFor(harness: RuntimeHarness, log = silentLog) {
  return createFindingsHandler(() => Promise.resolve(harness.runtime), log);
}

function withCount(name: string, count: number, updatedAt?: string) {
  const detail = rawFinding(name);
  (detail.service as Record<string, unknown>).count = count;
  if (updatedAt !== undefined) detail.updatedAt = updatedAt;
  return eventOf(detail);
}

const ALICE = 'Synthetic_Discovery_IAMUser_AnomalousBehavior.json';

describe('findings handler, end to end on loopback', () => {
  it('posts every Medium and higher fixture once, with exactly the rendered blocks and buttons; Low waits for the digest', async () => {
    h = await startRuntimeHarness();
    const handle = handlerFor(h);
    const posted: string[] = [];
    for (const name of fixtureNames()) {
      const low = fixtureFinding(name).severity < 4;
      expect(await handle(eventOf(rawFinding(name)))).toMatchObject(
        low ? { kind: 'gathered', channel: CHANNEL, route: 'default-low' } : { kind: 'posted' },
      );
      if (!low) posted.push(name);
    }
    expect(posted.length).toBeGreaterThan(20);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(posted.length);
    for (const [i, name] of posted.entries()) {
      const finding = fixtureFinding(name);
      const expected = renderFinding(finding, {
        score: await scoreFinding(finding, h.runtime.scorer, silentLog),
        ...(await createRemediationDecorator(h.runtime.subjects)(finding, undefined)),
      });
      expect(slackArgs(posts[i])).toMatchObject({
        channel: CHANNEL,
        text: expected.text,
        blocks: expected.blocks,
        attachments: expected.attachments,
        metadata: expected.metadata,
        unfurl_links: false,
        unfurl_media: false,
      });
    }
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('shows the IP Insights level of the configured model next to the remote IP', async () => {
    const demo = trainDemoModel({ now: () => new Date('2026-11-22T00:00:00Z') });
    h = await startRuntimeHarness({ scorer: demo.scorer });
    await handlerFor(h)(eventOf(rawFinding(ALICE)));
    const [post] = h.slack.callsTo('chat.postMessage');
    const body = JSON.stringify(slackArgs(post).attachments);
    expect(body).toContain(
      'From `203.0.113.77` (Sao Paulo, Brazil) — :rotating_light: *Never seen from this network*',
    );
    // The reading in full is kept with the finding, for its details.
    const stored = JSON.parse((await h.runtime.findings.get(fixtureFinding(ALICE).id))!.score) as {
      reading: string;
    };
    expect(stored.reading).toMatch(/^Never seen from this network: more unusual than/);
  });

  it('updates the same message when the finding is re-published with a higher count', async () => {
    h = await startRuntimeHarness();
    const handle = handlerFor(h);
    const first = await handle(withCount(ALICE, 1));
    const second = await handle(withCount(ALICE, 4, '2026-11-21T10:15:00.000Z'));
    expect(first).toMatchObject({ kind: 'posted' });
    const ts = (first as { ts: string }).ts;
    expect(second).toEqual({ kind: 'updated', ts });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    const [update] = h.slack.callsTo('chat.update');
    expect(update?.args).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(slackArgs(update).attachments)).toContain('· seen 4 times');
    const message = h.slack.snapshot().channels.find((c) => c.id === CHANNEL)?.messages;
    expect(message).toHaveLength(1);
  });

  it('changes nothing for an older or identical replay', async () => {
    h = await startRuntimeHarness();
    const handle = handlerFor(h);
    await handle(withCount(ALICE, 3, '2026-11-21T10:00:00.000Z'));
    expect(await handle(withCount(ALICE, 3, '2026-11-21T10:00:00.000Z'))).toEqual({
      kind: 'unchanged',
      reason: 'not newer than the posted finding',
    });
    expect(await handle(withCount(ALICE, 2, '2026-11-21T09:00:00.000Z'))).toMatchObject({
      kind: 'unchanged',
    });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
    expect(await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1')).toMatchObject({
      count: 3,
    });
  });

  it('posts once when the same finding arrives many times at once', async () => {
    h = await startRuntimeHarness();
    const handle = handlerFor(h);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => handle(eventOf(rawFinding(ALICE)))),
    );
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    // The others either saw it posted, or were told to retry while it was being posted.
    for (const result of results) {
      if (result.status === 'fulfilled')
        expect(['posted', 'unchanged']).toContain(result.value.kind);
      else expect(String(result.reason)).toContain('is being posted by another delivery');
    }
  });

  it('skips findings below MIN_SEVERITY', async () => {
    h = await startRuntimeHarness({ env: { MIN_SEVERITY: '7' } });
    expect(await handlerFor(h)(eventOf(rawFinding(ALICE)))).toEqual({
      kind: 'below-threshold',
      minSeverity: 7,
    });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('waits out a Slack 429 with Retry-After and posts once', async () => {
    h = await startRuntimeHarness();
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    expect(await handlerFor(h)(eventOf(rawFinding(ALICE)))).toMatchObject({ kind: 'posted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const calls = h.slack.callsTo('chat.postMessage');
    expect(calls.map((c) => c.ok)).toEqual([false, true]);
    expect(h.slack.snapshot().channels.find((c) => c.id === CHANNEL)?.messages).toHaveLength(1);
  });

  it('fails the invocation when Slack keeps failing, leaving no state, so a retry posts once', async () => {
    h = await startRuntimeHarness();
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const handle = handlerFor(h);
    await expect(handle(eventOf(rawFinding(ALICE)))).rejects.toThrow('channel_not_found');
    expect(await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1')).toBeUndefined();
    expect(await handle(eventOf(rawFinding(ALICE)))).toMatchObject({ kind: 'posted' });
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(1);
  });

  it('fails an update when Slack fails, and the retry updates', async () => {
    h = await startRuntimeHarness();
    const handle = handlerFor(h);
    await handle(withCount(ALICE, 1));
    h.slack.failNext('chat.update', { error: 'message_not_found' });
    await expect(handle(withCount(ALICE, 2))).rejects.toThrow('message_not_found');
    expect(await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1')).toMatchObject({
      count: 1,
    });
    expect(await handle(withCount(ALICE, 2))).toMatchObject({ kind: 'updated' });
  });

  it('fails the invocation when the store is unreachable, and posts nothing', async () => {
    h = await startRuntimeHarness();
    await h.store.close();
    await expect(handlerFor(h)(eventOf(rawFinding(ALICE)))).rejects.toThrow();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('adopts the message of a delivery that crashed after posting, instead of posting again', async () => {
    let now = new Date('2026-11-21T10:00:00Z').getTime();
    h = await startRuntimeHarness({ clock: () => new Date(now) });
    const handle = handlerFor(h);
    await handle(eventOf(rawFinding(ALICE)));
    const stored = await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1');
    // Put the record back to the state a crash between chat.postMessage and the state write leaves.
    const { ts: _ts, postedAt: _postedAt, ...claim } = stored!;
    await h.store.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: h.store.tables.findings,
        Item: { ...claim, status: 'posting', claimedAt: now },
      }),
    );
    // Too early: another delivery may still be posting.
    await expect(handle(eventOf(rawFinding(ALICE)))).rejects.toThrow('retry later');
    now += 5 * 60_000;
    expect(await handle(eventOf(rawFinding(ALICE)))).toEqual({
      kind: 'unchanged',
      reason: 'not newer than the posted finding',
    });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1')).toMatchObject({
      status: 'posted',
      ts: stored?.ts,
    });
  });

  it.each([
    ['wrong source', { source: 'aws.ec2' }, 'source: must be "aws.guardduty", got "aws.ec2"'],
    ['no detail', { detail: undefined }, 'detail: '],
  ])(
    'rejects an event with %s: logged, nothing posted or stored',
    async (_label, change, reason) => {
      h = await startRuntimeHarness();
      const log = recordingLog();
      const event = { ...eventOf(rawFinding(ALICE)), ...change };
      const result = await handlerFor(h, log)(event);
      expect(result).toMatchObject({ kind: 'rejected' });
      expect((result as { reason: string }).reason.startsWith(reason)).toBe(true);
      expect(log.lines).toEqual([
        {
          level: 'error',
          message: 'rejected event: not a valid GuardDuty finding',
          attributes: { eventId: event.id, reason: (result as { reason: string }).reason },
        },
      ]);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
      expect(await h.runtime.findings.get('b2c3d4e5f60718293a4b5c6d7e8f90a1')).toBeUndefined();
    },
  );
});
