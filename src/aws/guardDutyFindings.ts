import {
  GetDetectorCommand,
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
  type FindingCriteria,
  type FindingStatistics,
  type SortCriteria,
} from '@aws-sdk/client-guardduty';
import type {
  DetectorInfo,
  FetchedFindings,
  FindingIdPage,
  FindingQuery,
  GroupCount,
  GuardDutyReader,
  StatisticsGrouping,
} from '../actions/ports/guardDutyReader';
import { FindingValidationError, type Finding } from '../findings';
import { findingFromSdk } from './sdkFinding';

const GET_FINDINGS_BATCH = 50;
/** GetFindingsStatistics returns at most 100 groups. */
const STATISTICS_MAX_GROUPS = 100;

const MOST_SEVERE_FIRST: SortCriteria = { AttributeName: 'severity', OrderBy: 'DESC' };

/** The GuardDuty FindingCriteria of a query, with the current (non-deprecated) operators. */
export function findingCriteria(query: FindingQuery): FindingCriteria {
  const criterion: NonNullable<FindingCriteria['Criterion']> = {};
  if (query.minSeverity !== undefined) {
    criterion.severity = { GreaterThanOrEqual: query.minSeverity };
  }
  if (query.updatedSinceMs !== undefined) {
    criterion.updatedAt = { GreaterThanOrEqual: query.updatedSinceMs };
  }
  if (query.types !== undefined) criterion.type = { Equals: [...query.types] };
  if (query.archived !== undefined) {
    criterion['service.archived'] = { Equals: [String(query.archived)] };
  }
  if (query.accountIds !== undefined) criterion.accountId = { Equals: [...query.accountIds] };
  return { Criterion: criterion };
}

function groupsOf(stats: FindingStatistics | undefined, groupBy: StatisticsGrouping): GroupCount[] {
  switch (groupBy) {
    case 'SEVERITY':
      return (stats?.GroupedBySeverity ?? []).map((s) => ({
        key: s.Severity === undefined ? '' : String(s.Severity),
        count: s.TotalFindings ?? 0,
      }));
    case 'FINDING_TYPE':
      return (stats?.GroupedByFindingType ?? []).map((s) => ({
        key: s.FindingType ?? '',
        count: s.TotalFindings ?? 0,
      }));
    case 'ACCOUNT':
      return (stats?.GroupedByAccount ?? []).map((s) => ({
        key: s.AccountId ?? '',
        count: s.TotalFindings ?? 0,
      }));
  }
}

function bySeverityDesc(a: Finding, b: Finding): number {
  return b.severity - a.severity || Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
}

/**
 * The read side of GuardDuty the `/guardduty` commands use, over the SDK v3 client. Each SDK
 * command is imported by name: the template's IAM policy for the worker function is derived from
 * these imports (ListDetectors, GetDetector, ListFindings, GetFindings, GetFindingsStatistics).
 */
export class SdkGuardDutyReader implements GuardDutyReader {
  constructor(private readonly client: GuardDutyClient = new GuardDutyClient({})) {}

  async listDetectorIds(): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListDetectorsCommand(nextToken === undefined ? {} : { NextToken: nextToken }),
      );
      ids.push(...(page.DetectorIds ?? []));
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return ids;
  }

  async getDetector(detectorId: string): Promise<DetectorInfo> {
    const detector = await this.client.send(new GetDetectorCommand({ DetectorId: detectorId }));
    return {
      id: detectorId,
      status: detector.Status ?? 'UNKNOWN',
      ...(detector.FindingPublishingFrequency === undefined
        ? {}
        : { findingPublishingFrequency: detector.FindingPublishingFrequency }),
    };
  }

  async listFindingIds(
    detectorId: string,
    query: FindingQuery,
    page: { readonly maxResults: number; readonly nextToken?: string },
  ): Promise<FindingIdPage> {
    const answer = await this.client.send(
      new ListFindingsCommand({
        DetectorId: detectorId,
        FindingCriteria: findingCriteria(query),
        SortCriteria: MOST_SEVERE_FIRST,
        MaxResults: page.maxResults,
        ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
      }),
    );
    const nextToken = answer.NextToken || undefined;
    return {
      ids: answer.FindingIds ?? [],
      ...(nextToken === undefined ? {} : { nextToken }),
    };
  }

  async getFindings(detectorId: string, ids: readonly string[]): Promise<FetchedFindings> {
    const findings: Finding[] = [];
    const unreadable: { id: string; reason: string }[] = [];
    for (let start = 0; start < ids.length; start += GET_FINDINGS_BATCH) {
      const answer = await this.client.send(
        new GetFindingsCommand({
          DetectorId: detectorId,
          FindingIds: ids.slice(start, start + GET_FINDINGS_BATCH),
          SortCriteria: MOST_SEVERE_FIRST,
        }),
      );
      for (const sdkFinding of answer.Findings ?? []) {
        try {
          findings.push(findingFromSdk(sdkFinding));
        } catch (error) {
          if (!(error instanceof FindingValidationError)) throw error;
          unreadable.push({ id: sdkFinding.Id ?? '(no id)', reason: error.message });
        }
      }
    }
    return { findings: findings.sort(bySeverityDesc), unreadable };
  }

  async countFindings(
    detectorId: string,
    query: FindingQuery,
    groupBy: StatisticsGrouping,
  ): Promise<GroupCount[]> {
    const answer = await this.client.send(
      new GetFindingsStatisticsCommand({
        DetectorId: detectorId,
        FindingCriteria: findingCriteria(query),
        GroupBy: groupBy,
        OrderBy: 'DESC',
        MaxResults: STATISTICS_MAX_GROUPS,
      }),
    );
    return groupsOf(answer.FindingStatistics, groupBy)
      .filter((g) => g.key !== '')
      .sort((a, b) => b.count - a.count);
  }
}
