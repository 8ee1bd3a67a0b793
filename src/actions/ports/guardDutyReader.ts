import type { Finding } from '../../findings';

/** GuardDuty's read API as the `/guardduty` commands use it; `src/aws/` implements it. */

/** Which findings a query selects; every part is optional and they combine with AND. */
export interface FindingQuery {
  /** Lowest severity, inclusive (a band's floor). */
  readonly minSeverity?: number;
  /** Only findings updated at or after this instant (ms since the epoch). */
  readonly updatedSinceMs?: number;
  /** Exact finding types (at most 50, GuardDuty's limit for one condition). */
  readonly types?: readonly string[];
  /** true / false: archived or not; undefined: both. */
  readonly archived?: boolean;
  /** Only these accounts' findings (the administrator sees its members'). */
  readonly accountIds?: readonly string[];
}

export interface FindingIdPage {
  readonly ids: readonly string[];
  readonly nextToken?: string;
}

export interface FetchedFindings {
  readonly findings: readonly Finding[];
  /** Findings GuardDuty returned that our schema refuses (id and the first bad field). */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
}

export interface DetectorInfo {
  readonly id: string;
  /** `ENABLED` or `DISABLED`. */
  readonly status: string;
  /** `FIFTEEN_MINUTES`, `ONE_HOUR` or `SIX_HOURS`: how often updated findings are exported. */
  readonly findingPublishingFrequency?: string;
}

export type StatisticsGrouping = 'SEVERITY' | 'FINDING_TYPE' | 'ACCOUNT';

export interface GroupCount {
  /** The severity (as GuardDuty writes it, e.g. "8"), the finding type or the account id. */
  readonly key: string;
  readonly count: number;
}

export interface GuardDutyReader {
  listDetectorIds(): Promise<string[]>;
  getDetector(detectorId: string): Promise<DetectorInfo>;
  /** One page of finding ids, most severe first. */
  listFindingIds(
    detectorId: string,
    query: FindingQuery,
    page: { readonly maxResults: number; readonly nextToken?: string },
  ): Promise<FindingIdPage>;
  /** The findings, most severe first, fetched in batches of 50 (GetFindings' limit). */
  getFindings(detectorId: string, ids: readonly string[]): Promise<FetchedFindings>;
  /** Counts of the findings a query selects, grouped by severity or type, largest first. */
  countFindings(
    detectorId: string,
    query: FindingQuery,
    groupBy: StatisticsGrouping,
  ): Promise<GroupCount[]>;
}
