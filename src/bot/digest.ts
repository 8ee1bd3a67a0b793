import type { FindingRecord } from '../actions/findingRecords';
import type { DigestRepository, FindingRecordRepository } from '../actions/ports/repositories';
import type { Log } from '../shared/log';
import type { FindingPublisher } from './findingPublisher';
import { renderDigest } from './render/digest';
import { formatUtc } from './render/time';
import type { ChannelMessages } from './slackClient';

export interface DigestDeps {
  readonly digests: DigestRepository;
  readonly findings: Pick<FindingRecordRepository, 'get' | 'markPosted'>;
  readonly publisher: Pick<FindingPublisher, 'messageOf'>;
  readonly messages: Pick<ChannelMessages, 'post'>;
  readonly clock: () => Date;
  readonly log: Log;
  /** How long a run may stay unfinished before another attempt resumes it (longer than a run). */
  readonly staleRunMs?: number;
}

const DEFAULT_STALE_RUN_MS = 20 * 60_000;

export type DigestOutcome =
  | { readonly kind: 'posted'; readonly ts: string; readonly count: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'already'; readonly run: string; readonly status: 'running' | 'posted' };

/** The run of the day's scheduled digest of a channel: every retry and duplicate shares it. */
export function scheduledRunId(channel: string, at: Date): string {
  return `digest#${channel}#${at.toISOString().slice(0, 10)}`;
}

export function manualRunId(channel: string, at: Date): string {
  return `digest#${channel}#manual#${at.getTime()}`;
}

/**
 * Posts one channel's digest: the run is claimed first (a concurrent or repeated run of the same
 * digest stops there), each waiting finding is taken into it by a conditional write (so a
 * finding is in one digest only, whatever runs at the same time), then the summary goes to the
 * channel and each finding to its thread as its own message with its buttons.
 */
export class DigestPoster {
  private readonly staleRunMs: number;

  constructor(private readonly deps: DigestDeps) {
    this.staleRunMs = deps.staleRunMs ?? DEFAULT_STALE_RUN_MS;
  }

  async run(channel: string, runId: string): Promise<DigestOutcome> {
    const { deps } = this;
    const now = deps.clock().getTime();
    const existing = await deps.digests.claimRun({
      runId,
      channel,
      claimedAt: now,
      runStatus: 'running',
    });
    if (existing === undefined) return this.gatherAndPost(channel, runId, now);
    const stale = existing.runStatus === 'running' && now - existing.claimedAt >= this.staleRunMs;
    if (!stale || !(await deps.digests.takeOverRun(runId, existing.claimedAt, now))) {
      deps.log.info('digest already run', { runId, status: existing.runStatus });
      return { kind: 'already', run: runId, status: existing.runStatus };
    }
    deps.log.warn('resuming a digest an earlier attempt left unfinished', { runId });
    if (existing.taken === undefined) return this.gatherAndPost(channel, runId, now);
    const records = (await Promise.all(existing.taken.map((id) => deps.findings.get(id)))).filter(
      (r): r is FindingRecord =>
        r !== undefined && r.status === 'posting' && r.claimToken === runId,
    );
    return this.post(channel, runId, records, existing.ts);
  }

  private async gatherAndPost(channel: string, runId: string, now: number): Promise<DigestOutcome> {
    const { deps } = this;
    const taken: FindingRecord[] = [];
    for (const findingId of await deps.digests.waiting(channel)) {
      const record = await deps.digests.take(findingId, channel, runId, now);
      if (record !== undefined) taken.push(record);
    }
    if (taken.length === 0) {
      await deps.digests.finishRun(runId, undefined, 0);
      deps.log.info('digest: nothing waited', { channel, runId });
      return { kind: 'empty' };
    }
    // Saved before anything is posted: a failed attempt's retry resumes exactly these.
    await deps.digests.saveProgress(runId, { taken: taken.map((r) => r.findingId) });
    return this.post(channel, runId, taken, undefined);
  }

  private async post(
    channel: string,
    runId: string,
    records: FindingRecord[],
    parentTs: string | undefined,
  ): Promise<DigestOutcome> {
    const { deps } = this;
    const sorted = [...records].sort(
      (a, b) => b.severity - a.severity || a.claimedAt - b.claimedAt,
    );
    let ts = parentTs;
    if (ts === undefined) {
      const oldest = Math.min(...sorted.map((r) => r.claimedAt));
      ({ ts } = await deps.messages.post(
        channel,
        renderDigest(sorted, `Since ${formatUtc(oldest)}`),
      ));
      await deps.digests.saveProgress(runId, { ts });
    }
    for (const record of sorted) {
      const { message, score } = await deps.publisher.messageOf(record);
      const reply = await deps.messages.post(channel, message, ts);
      await deps.findings.markPosted(record.findingId, runId, {
        channel,
        ts: reply.ts,
        threadTs: ts,
        postedAt: deps.clock().getTime(),
        score: JSON.stringify(score),
      });
    }
    await deps.digests.finishRun(runId, ts, sorted.length);
    deps.log.info('digest posted', { channel, runId, ts, count: sorted.length });
    return { kind: 'posted', ts, count: sorted.length };
  }
}
