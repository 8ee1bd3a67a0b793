import { isSampleFinding, type Finding } from '../findings';
import type { Log } from '../shared/log';
import type { SampleArrivals, SampleRequest } from './ports';

/** Clocks of two Lambda functions disagree by far less; a sample is never seen before it is asked for. */
const CLOCK_SKEW_MS = 60_000;
/** A sample arriving this long after its run gave up is still the canary's: it is never posted. */
const LATE_GRACE_MS = 60 * 60_000;

export type SampleVerdict =
  | {
      readonly kind: 'canary';
      readonly runId: string;
      readonly latencyMs: number;
      /** Arrived after the run's deadline (the run reported it missing). */
      readonly late: boolean;
    }
  | { readonly kind: 'not-canary' };

const NOT_CANARY: SampleVerdict = { kind: 'not-canary' };

/**
 * The findings function's side of the canary: recognises the canary's own sample finding (a
 * GuardDuty sample, of the type a recent run asked for, from the detector it asked, arriving in
 * that run's time window) and records its arrival, so the run sees the whole pipeline worked. A
 * canary sample is never posted to the channel. Any other sample (someone testing by hand) is an
 * ordinary finding.
 */
export class CanarySampleIntake {
  constructor(
    private readonly deps: {
      readonly ledger: SampleArrivals;
      /** The canary's finding type: only a sample of it is looked up (one query), others pass. */
      readonly findingType: string;
      readonly clock: () => Date;
      readonly log: Log;
    },
  ) {}

  async receive(finding: Finding): Promise<SampleVerdict> {
    if (finding.type !== this.deps.findingType || !isSampleFinding(finding)) return NOT_CANARY;
    const requests = await this.deps.ledger.requests(finding.region);
    const now = this.deps.clock().getTime();
    // A redelivery of a sample already recorded.
    const seen = requests.find((r) => r.findingId === finding.id);
    if (seen !== undefined) return verdict(seen, seen.receivedAt ?? now);
    // A run still waiting takes it first (the oldest waiting run); only then a run that gave up.
    const open = requests.filter((r) => r.receivedAt === undefined && fits(r, finding, now));
    const candidates = [
      ...open.filter((r) => now <= r.deadline).sort((a, b) => a.requestedAt - b.requestedAt),
      ...open.filter((r) => now > r.deadline).sort((a, b) => b.requestedAt - a.requestedAt),
    ];
    for (const request of candidates) {
      const marked = await this.deps.ledger.markReceived(finding.region, request.runId, {
        receivedAt: now,
        findingId: finding.id,
      });
      if (!marked) {
        // Another delivery of this very sample (EventBridge delivers at least once) may have won.
        const again = (await this.deps.ledger.requests(finding.region)).find(
          (r) => r.findingId === finding.id,
        );
        if (again !== undefined) return verdict(again, again.receivedAt ?? now);
        continue;
      }
      {
        const result = verdict(request, now);
        this.deps.log.info('canary sample received', {
          findingId: finding.id,
          region: finding.region,
          runId: request.runId,
          latencyMs: result.latencyMs,
          late: result.late,
        });
        return result;
      }
    }
    return NOT_CANARY;
  }
}

function fits(request: SampleRequest, finding: Finding, now: number): boolean {
  return (
    request.type === finding.type &&
    request.detectorId === finding.service.detectorId &&
    now >= request.requestedAt - CLOCK_SKEW_MS &&
    now <= request.deadline + LATE_GRACE_MS
  );
}

function verdict(
  request: SampleRequest,
  receivedAt: number,
): Extract<SampleVerdict, { kind: 'canary' }> {
  return {
    kind: 'canary',
    runId: request.runId,
    latencyMs: Math.max(0, receivedAt - request.requestedAt),
    late: receivedAt > request.deadline,
  };
}
