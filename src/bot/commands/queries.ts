import type {
  FindingQuery,
  GroupCount,
  GuardDutyReader,
} from '../../actions/ports/guardDutyReader';
import {
  extractTuples,
  SEVERITY_BAND_FLOOR,
  type Finding,
  type SeverityBand,
} from '../../findings';
import type { FindingRecord } from '../../actions/findingRecords';
import type { FindingRecords } from './deps';
import type { Duration } from './parse';
import { CodedError, ErrorCode } from '../../shared/errors';

/** GuardDuty has no detector in this region (GuardDuty is not enabled). */
export class NoDetectorError extends CodedError {
  override readonly name = 'NoDetectorError';
  readonly code = ErrorCode.NoDetector;
  constructor(region?: string) {
    super(
      `GuardDuty has no detector in ${region === undefined ? 'this region' : region}: enable GuardDuty first`,
    );
  }
}

/** The detector to query: the configured one, or the region's (there is at most one). */
export function detectorResolver(
  reader: GuardDutyReader,
  pinned: string | undefined,
  region?: string,
): () => Promise<string> {
  let known: string | undefined = pinned;
  return async () => {
    if (known !== undefined) return known;
    const [first] = await reader.listDetectorIds();
    if (first === undefined) throw new NoDetectorError(region);
    known = first;
    return first;
  };
}

/** Where a posted finding's message is: a link any workspace member can open. */
export function messageLink(record: FindingRecord | undefined): string | undefined {
  if (record?.status !== 'posted' || record.ts === undefined) return undefined;
  if (!/^[CG][A-Z0-9]+$/.test(record.channel) || !/^\d+\.\d+$/.test(record.ts)) return undefined;
  return `https://slack.com/archives/${record.channel}/p${record.ts.replace('.', '')}`;
}

/**
 * A finding-type pattern, ignoring case: with `*` a glob over the whole type (`*` matches any
 * text), without one a part of the type (`recon` matches `Recon:EC2/Portscan`).
 */
export function typeMatcher(pattern: string): (type: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(pattern.includes('*') ? `^${source}$` : source, 'i');
  return (type) => regex.test(type);
}

/** The most findings one `list` shows, and one `stats` examines for its top lists. */
const LIST_CAP = 50;
const STATS_SAMPLE_CAP = 200;
/** GuardDuty accepts at most 50 values in one `Equals` condition. */
const MAX_TYPES = 50;
const PAGE_SIZE = 50;

export interface ListRequest {
  readonly severity?: SeverityBand;
  readonly since: Duration;
  readonly typePattern?: string;
  readonly includeArchived: boolean;
  /** One account's findings only. */
  readonly accountId?: string;
}

export interface ListedFinding {
  readonly finding: Finding;
  readonly link?: string;
}

export interface ListResult {
  readonly findings: readonly ListedFinding[];
  /** How many findings match in all (GuardDuty's count when over the cap). */
  readonly total: number;
  /** Findings matching but not shown (over the cap). */
  readonly more: number;
  /** Finding ids GuardDuty returned that could not be read (schema errors). */
  readonly unreadable: number;
  /** For a wildcard type: the types it matched (none = nothing to list). */
  readonly matchedTypes?: readonly string[];
  /** The wildcard matched more than GuardDuty can filter on at once. */
  readonly typesCapped?: boolean;
}

function sum(groups: readonly GroupCount[]): number {
  return groups.reduce((total, g) => total + g.count, 0);
}

async function collectIds(
  reader: GuardDutyReader,
  detectorId: string,
  query: FindingQuery,
  cap: number,
): Promise<{ ids: string[]; exhausted: boolean }> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await reader.listFindingIds(detectorId, query, {
      maxResults: Math.min(PAGE_SIZE, cap - ids.length),
      ...(nextToken === undefined ? {} : { nextToken }),
    });
    ids.push(...page.ids);
    nextToken = page.nextToken;
  } while (nextToken !== undefined && ids.length < cap);
  return { ids: ids.slice(0, cap), exhausted: nextToken === undefined };
}

function baseQuery(
  since: Duration,
  nowMs: number,
  includeArchived: boolean,
  accountId: string | undefined,
): FindingQuery {
  return {
    updatedSinceMs: nowMs - since.ms,
    ...(includeArchived ? {} : { archived: false }),
    ...(accountId === undefined ? {} : { accountIds: [accountId] }),
  };
}

/**
 * Recent findings, most severe first, with links to their messages. A type pattern is resolved to
 * the finding types present in the window (GuardDuty's statistics), since its criteria have no
 * wildcard and are case-sensitive; the listing itself then filters exactly.
 */
export async function listFindings(
  reader: GuardDutyReader,
  records: FindingRecords,
  detectorId: string,
  request: ListRequest,
  nowMs: number,
): Promise<ListResult> {
  let query: FindingQuery = {
    ...baseQuery(request.since, nowMs, request.includeArchived, request.accountId),
    ...(request.severity === undefined
      ? {}
      : { minSeverity: SEVERITY_BAND_FLOOR[request.severity] }),
  };
  let matchedTypes: string[] | undefined;
  let typesCapped = false;
  if (request.typePattern !== undefined) {
    const matches = typeMatcher(request.typePattern);
    const present = await reader.countFindings(detectorId, query, 'FINDING_TYPE');
    matchedTypes = present.map((g) => g.key).filter(matches);
    if (matchedTypes.length === 0) {
      return { findings: [], total: 0, more: 0, unreadable: 0, matchedTypes };
    }
    typesCapped = matchedTypes.length > MAX_TYPES;
    query = { ...query, types: matchedTypes.slice(0, MAX_TYPES) };
  }
  const { ids, exhausted } = await collectIds(reader, detectorId, query, LIST_CAP);
  const total = exhausted
    ? ids.length
    : sum(await reader.countFindings(detectorId, query, 'SEVERITY'));
  const fetched = await reader.getFindings(detectorId, ids);
  const stored = await Promise.all(fetched.findings.map((f) => records.get(f.id)));
  return {
    findings: fetched.findings.map((finding, i) => {
      const link = messageLink(stored[i]);
      return link === undefined ? { finding } : { finding, link };
    }),
    total: Math.max(total, fetched.findings.length),
    more: Math.max(0, total - fetched.findings.length - fetched.unreadable.length),
    unreadable: fetched.unreadable.length,
    ...(matchedTypes === undefined ? {} : { matchedTypes, typesCapped }),
  };
}

export interface Tally {
  readonly key: string;
  /** A readable name next to the key (an IAM user name), when there is one. */
  readonly label?: string;
  readonly count: number;
}

export interface StatsResult {
  readonly bySeverity: readonly GroupCount[];
  readonly byType: readonly GroupCount[];
  readonly byAccount: readonly GroupCount[];
  readonly principals: readonly Tally[];
  readonly instances: readonly Tally[];
  readonly remoteIps: readonly Tally[];
  /** How many findings the top lists were counted over, and whether that is all of them. */
  readonly examined: number;
  readonly examinedAll: boolean;
}

const TOP = 5;

function top(counts: ReadonlyMap<string, { count: number; label?: string }>): Tally[] {
  return [...counts.entries()]
    .map(([key, v]) => (v.label === undefined ? { key, count: v.count } : { key, ...v }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, TOP);
}

function add(
  counts: Map<string, { count: number; label?: string }>,
  key: string | undefined,
  label?: string,
): void {
  if (key === undefined || key === '') return;
  const entry = counts.get(key);
  if (entry === undefined)
    counts.set(key, label === undefined ? { count: 1 } : { count: 1, label });
  else entry.count += 1;
}

/** Top principals, instances and remote IPs over findings: each finding counts once per key. */
export function tallyFindings(
  findings: readonly Finding[],
): Pick<StatsResult, 'principals' | 'instances' | 'remoteIps'> {
  const principals = new Map<string, { count: number; label?: string }>();
  const instances = new Map<string, { count: number; label?: string }>();
  const remoteIps = new Map<string, { count: number; label?: string }>();
  for (const finding of findings) {
    const key = finding.resource?.accessKeyDetails;
    add(principals, key?.principalId, key?.userName);
    add(instances, finding.resource?.instanceDetails?.instanceId);
    const extraction = extractTuples(finding);
    if (extraction.scorable) {
      for (const ip of new Set(extraction.tuples.map((t) => t.ip))) add(remoteIps, ip);
    }
  }
  return { principals: top(principals), instances: top(instances), remoteIps: top(remoteIps) };
}

/** Counts by severity, type and account from GuardDuty; top lists over the most severe findings. */
export async function findingStats(
  reader: GuardDutyReader,
  detectorId: string,
  request: { readonly since: Duration; readonly accountId?: string },
  nowMs: number,
): Promise<StatsResult> {
  const query = baseQuery(request.since, nowMs, false, request.accountId);
  const [bySeverity, byType, byAccount, sample] = await Promise.all([
    reader.countFindings(detectorId, query, 'SEVERITY'),
    reader.countFindings(detectorId, query, 'FINDING_TYPE'),
    reader.countFindings(detectorId, query, 'ACCOUNT'),
    collectIds(reader, detectorId, query, STATS_SAMPLE_CAP),
  ]);
  const fetched = await reader.getFindings(detectorId, sample.ids);
  return {
    bySeverity,
    byType,
    byAccount,
    ...tallyFindings(fetched.findings),
    examined: fetched.findings.length,
    examinedAll: sample.exhausted,
  };
}
