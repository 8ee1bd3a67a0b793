import type {
  DetectorInfo,
  FetchedFindings,
  FindingIdPage,
  FindingQuery,
  GroupCount,
  GuardDutyReader,
  StatisticsGrouping,
} from '../../actions/ports/guardDutyReader';
import type { Finding } from '../../findings';
import { CodedError, ErrorCode } from '../../shared/errors';

/**
 * GuardDuty's read API (ListDetectors, GetDetector, ListFindings, GetFindings,
 * GetFindingsStatistics) answered from the sample findings, so `/guardduty list|show|stats|status`
 * work in the demo with no AWS account.
 */

export class UnknownDetectorError extends CodedError {
  override readonly name = 'UnknownDetectorError';
  readonly code = ErrorCode.UnknownDetector;
}

export class BadNextTokenError extends CodedError {
  override readonly name = 'BadNextTokenError';
  readonly code = ErrorCode.BadNextToken;
}

export const SAMPLE_DETECTOR_ID = '12abc34d567e8fa901bc2d34e56789f0';

/** GuardDuty sorts by severity; ties go newest first, then by id, so pages are stable. */
function mostSevereFirst(a: Finding, b: Finding): number {
  return (
    b.severity - a.severity ||
    Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
    a.id.localeCompare(b.id)
  );
}

function matches(finding: Finding, query: FindingQuery): boolean {
  return (
    (query.minSeverity === undefined || finding.severity >= query.minSeverity) &&
    (query.updatedSinceMs === undefined || Date.parse(finding.updatedAt) >= query.updatedSinceMs) &&
    (query.types === undefined || query.types.includes(finding.type)) &&
    (query.archived === undefined || finding.service.archived === query.archived) &&
    (query.accountIds === undefined || query.accountIds.includes(finding.accountId))
  );
}

export class SampleGuardDuty implements GuardDutyReader {
  private readonly findings: readonly Finding[];

  /** `region`: the administrator's detector there (its findings only); absent = every region. */
  constructor(
    private readonly all: readonly Finding[],
    region?: string,
  ) {
    this.findings = all
      .filter((finding) => region === undefined || finding.region === region)
      .sort(mostSevereFirst);
  }

  /** GuardDuty is regional: the same samples as one region's detector sees them. */
  inRegion(region: string): SampleGuardDuty {
    return new SampleGuardDuty(this.all, region);
  }

  listDetectorIds(): Promise<string[]> {
    return Promise.resolve([SAMPLE_DETECTOR_ID]);
  }

  getDetector(detectorId: string): Promise<DetectorInfo> {
    return this.answer(detectorId, () => ({
      id: detectorId,
      status: 'ENABLED',
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    }));
  }

  listFindingIds(
    detectorId: string,
    query: FindingQuery,
    page: { readonly maxResults: number; readonly nextToken?: string },
  ): Promise<FindingIdPage> {
    return this.answer(detectorId, () => {
      const start = page.nextToken === undefined ? 0 : Number(page.nextToken);
      if (!Number.isSafeInteger(start) || start < 0) {
        throw new BadNextTokenError(`nextToken "${page.nextToken ?? ''}" was not issued here`);
      }
      const selected = this.findings.filter((f) => matches(f, query));
      const end = start + page.maxResults;
      const ids = selected.slice(start, end).map((f) => f.id);
      return end < selected.length ? { ids, nextToken: String(end) } : { ids };
    });
  }

  getFindings(detectorId: string, ids: readonly string[]): Promise<FetchedFindings> {
    return this.answer(detectorId, () => {
      const wanted = new Set(ids);
      return { findings: this.findings.filter((f) => wanted.has(f.id)), unreadable: [] };
    });
  }

  countFindings(
    detectorId: string,
    query: FindingQuery,
    groupBy: StatisticsGrouping,
  ): Promise<GroupCount[]> {
    return this.answer(detectorId, () => {
      const counts = new Map<string, number>();
      for (const finding of this.findings.filter((f) => matches(f, query))) {
        const key =
          groupBy === 'SEVERITY'
            ? String(finding.severity)
            : groupBy === 'ACCOUNT'
              ? finding.accountId
              : finding.type;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts]
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    });
  }

  /** Answers like the API: a rejected promise for an unknown detector or a bad token. */
  private answer<T>(detectorId: string, compute: () => T): Promise<T> {
    // The executor turns a throw into the rejection.
    return new Promise((resolve) => {
      if (detectorId !== SAMPLE_DETECTOR_ID) {
        throw new UnknownDetectorError(`no detector ${detectorId} in the demo`);
      }
      resolve(compute());
    });
  }
}
