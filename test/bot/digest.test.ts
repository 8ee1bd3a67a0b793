import { DigestPoster, manualRunId, scheduledRunId } from '../../src/bot/digest';
import { digestPoster } from '../../src/app/digests';
import { DynamoDigests } from '../../src/store/dynamoDigests';
import { WebApiChannelMessages } from '../../src/bot/slackClient';
import { DIGEST_EVENT_TYPE } from '../../src/bot/render/digest';
import type { Finding } from '../../src/findings';
import { silentLog } from '../../src/shared/log';
import { fixtureFinding } from '../../harness/fixtures';
import { CHANNEL, NOW, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';
import { slackArgs } from '../helpers/events';

/**
 * Digests on loopback (dynalite, the local Slack): each waiting finding in exactly one digest,
 * whatever runs at the same time; one summary per run, each finding in its thread with its
 * buttons; a finding whose severity rose leaves the digest and is posted on its own.
 */

let h: RuntimeHarness;
afterEach(() => h.close());

const BASE = fixtureFinding('Recon_EC2_Portscan.json');
const low = (n: number, type = BASE.type, accountId = BASE.accountId): Finding => ({
  ...BASE,
  id: `d${n.toString(16).padStart(31, '0')}`,
  severity: 2,
  type,
  accountId,
});

async function gather(count: number) {
  const findings = Array.from({ length: count }, (_, i) =>
    low(
      i,
      i % 3 === 0 ? 'Recon:EC2/PortProbeUnprotectedPort' : BASE.type,
      i % 2 === 0 ? '111111111111' : '222222222222',
    ),
  );
  for (const finding of findings) {
    expect(await h.runtime.publisher.publish(finding)).toMatchObject({ kind: 'gathered' });
  }
  return findings;
}

function summaries() {
  return h.slack.callsTo('chat.postMessage').filter((c) => c.ok && c.args.thread_ts === undefined);
}

describe('digests', () => {
  it('posts one summary and each finding in its thread, with its buttons, once', async () => {
    h = await startRuntimeHarness();
    const findings = await gather(7);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const poster = digestPoster(h.runtime, silentLog);
    const outcome = await poster.run(CHANNEL, scheduledRunId(CHANNEL, NOW));
    expect(outcome).toMatchObject({ kind: 'posted', count: 7 });
    const [summary] = summaries();
    const args = slackArgs(summary);
    expect(args.text).toBe('GuardDuty digest: 7 findings (Low 7)');
    expect(JSON.stringify(args.metadata)).toContain(DIGEST_EVENT_TYPE);
    const blocks = JSON.stringify(args.blocks);
    expect(blocks).toContain('*By severity*: Low 7');
    expect(blocks).toContain('`Recon:EC2/PortProbeUnprotectedPort` 3');
    expect(blocks).toContain(`\`${BASE.type}\` 4`);
    expect(blocks).toContain('`111111111111` 4');
    expect(blocks).toContain('`222222222222` 3');
    const replies = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined);
    expect(replies).toHaveLength(7);
    expect(new Set(replies.map((r) => r.args.thread_ts))).toEqual(
      new Set([outcome.kind === 'posted' ? outcome.ts : '']),
    );
    // The buttons sit in the compact message's attachment, beside the severity bar.
    const first = slackArgs(replies[0]);
    expect(JSON.stringify([first.blocks, first.attachments])).toContain(
      '"action_id":"remediate:quarantine"',
    );
    for (const finding of findings) {
      expect(await h.runtime.findings.get(finding.id)).toMatchObject({
        status: 'posted',
        threadTs: outcome.kind === 'posted' ? outcome.ts : '',
        channel: CHANNEL,
      });
    }
    // The day's run again (a duplicate or retried schedule), and a later manual one: nothing more.
    expect(await poster.run(CHANNEL, scheduledRunId(CHANNEL, NOW))).toMatchObject({
      kind: 'already',
    });
    expect(await poster.run(CHANNEL, manualRunId(CHANNEL, NOW))).toEqual({ kind: 'empty' });
    expect(summaries()).toHaveLength(1);
  });

  it('puts each finding in exactly one digest when scheduled and manual runs race', async () => {
    h = await startRuntimeHarness();
    const findings = await gather(24);
    const runs = [
      ...Array.from({ length: 4 }, () => scheduledRunId(CHANNEL, NOW)),
      manualRunId(CHANNEL, new Date(NOW.getTime() + 1)),
      manualRunId(CHANNEL, new Date(NOW.getTime() + 2)),
    ];
    // Each run its own poster and store client, as separate Lambda invocations would be.
    const outcomes = await Promise.all(
      runs.map((runId) => digestPoster(h.runtime, silentLog).run(CHANNEL, runId)),
    );
    const posted = outcomes.flatMap((o) => (o.kind === 'posted' ? [o] : []));
    const already = outcomes.filter((o) => o.kind === 'already');
    expect(already.length).toBeGreaterThanOrEqual(3); // the scheduled duplicates
    expect(posted.reduce((n, o) => n + o.count, 0)).toBe(24);
    expect(summaries()).toHaveLength(posted.length);
    const replies = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.ok && c.args.thread_ts !== undefined);
    const shown = replies.map(
      (r) => JSON.parse(String(r.args.metadata)) as { event_payload: { finding_id: string } },
    );
    const ids = shown.map((m) => m.event_payload.finding_id).sort();
    expect(ids).toEqual(findings.map((f) => f.id).sort());
  });

  it('takes a finding whose severity rose out of the digest and posts it on its own', async () => {
    h = await startRuntimeHarness();
    const [first, second] = await gather(2);
    const risen = {
      ...first!,
      severity: 7.5,
      updatedAt: new Date(Date.parse(first!.updatedAt) + 60_000).toISOString(),
    };
    expect(await h.runtime.publisher.publish(risen)).toMatchObject({ kind: 'posted' });
    const outcome = await digestPoster(h.runtime, silentLog).run(
      CHANNEL,
      scheduledRunId(CHANNEL, NOW),
    );
    expect(outcome).toMatchObject({ kind: 'posted', count: 1 });
    const replies = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined);
    expect(
      replies.map(
        (r) =>
          (JSON.parse(String(r.args.metadata)) as { event_payload: { finding_id: string } })
            .event_payload.finding_id,
      ),
    ).toEqual([second!.id]);
  });

  it('resumes a run an earlier attempt left unfinished, posting each taken finding once', async () => {
    h = await startRuntimeHarness();
    await gather(3);
    const digests = new DynamoDigests(h.store.client, h.store.tables.findings);
    let failures = 1;
    const messages = new WebApiChannelMessages(h.runtime.slack);
    const make = (clock: () => Date) =>
      new DigestPoster({
        digests,
        findings: h.runtime.findings,
        publisher: h.runtime.publisher,
        messages: {
          post: async (channel, message, threadTs) => {
            if (threadTs !== undefined && failures > 0) {
              failures -= 1;
              throw new Error('Slack went away');
            }
            return messages.post(channel, message, threadTs);
          },
        },
        clock,
        log: silentLog,
      });
    const runId = scheduledRunId(CHANNEL, NOW);
    await expect(make(() => NOW).run(CHANNEL, runId)).rejects.toThrow('Slack went away');
    // A retry at once finds the run in progress; after the stale time it resumes it.
    expect(await make(() => NOW).run(CHANNEL, runId)).toMatchObject({ kind: 'already' });
    const later = new Date(NOW.getTime() + 21 * 60_000);
    expect(await make(() => later).run(CHANNEL, runId)).toMatchObject({ kind: 'posted', count: 3 });
    expect(summaries()).toHaveLength(1);
    expect(
      h.slack.callsTo('chat.postMessage').filter((c) => c.ok && c.args.thread_ts !== undefined),
    ).toHaveLength(3);
  });
});
