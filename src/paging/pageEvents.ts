import { findingConsoleUrl, severityBand, type Finding, type SeverityBand } from '../findings';
import { inertText } from './inertText';

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/** The severities on-call tools share (PagerDuty's Events API v2 names). */
export type PageSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PageLink {
  readonly href: string;
  readonly text: string;
}

/**
 * One event for the on-call tool, whatever it is: a trigger opens (or, for the same dedup key,
 * updates) one incident per finding; acknowledge and resolve name it by the same key.
 */
export interface PageEvent {
  readonly action: PageAction;
  /** The finding id: one incident per finding, so a re-publication never pages twice. */
  readonly dedupKey: string;
  /** Trigger only: ≤ 1,024 characters, attacker text made inert. */
  readonly summary?: string;
  readonly severity?: PageSeverity;
  readonly source?: string;
  readonly component?: string;
  readonly group?: string;
  readonly eventClass?: string;
  readonly timestamp?: string;
  readonly customDetails?: Readonly<Record<string, string>>;
  readonly links?: readonly PageLink[];
}

const SEVERITY: Readonly<Record<SeverityBand, PageSeverity>> = {
  Critical: 'critical',
  High: 'error',
  Medium: 'warning',
  Low: 'info',
};

export function pageSeverity(severity: number): PageSeverity {
  return SEVERITY[severityBand(severity)];
}

export const SUMMARY_LIMIT = 1024;

/** What the page says about the finding beyond its summary (all inert text). */
export interface PageContext {
  /** The IP Insights reading shown in Slack. */
  readonly reading?: string;
  readonly remoteIp?: string;
  readonly resource?: string;
  /** The finding's Slack message, when posted. */
  readonly slackUrl?: string;
}

function resourceOf(finding: Finding): string | undefined {
  const r = finding.resource;
  if (r === undefined) return undefined;
  const key = r.accessKeyDetails;
  const id =
    r.instanceDetails?.instanceId ??
    key?.userName ??
    key?.accessKeyId ??
    r.s3BucketDetails?.[0]?.name ??
    r.rdsDbInstanceDetails?.dbInstanceIdentifier;
  return [r.resourceType, id].filter((part) => part !== undefined).join(' ') || undefined;
}

function detail(value: string | undefined, max = 500): string | undefined {
  return value === undefined || value === '' ? undefined : inertText(value, max);
}

/** The trigger for a finding: summary, severity, where it is, and links to Slack and the console. */
export function triggerEvent(finding: Finding, context: PageContext): PageEvent {
  const band = severityBand(finding.severity);
  const title = finding.title === '' ? finding.type : finding.title;
  const summary = inertText(
    `GuardDuty ${band} ${finding.severity.toFixed(1)}: ${title} (account ${finding.accountId}, ${finding.region})`,
    SUMMARY_LIMIT,
  );
  const details: Record<string, string | undefined> = {
    finding_id: finding.id,
    type: detail(finding.type, 256),
    severity: `${band} ${finding.severity.toFixed(1)}`,
    account: finding.accountId,
    region: finding.region,
    resource: detail(context.resource ?? resourceOf(finding)),
    remote_ip: detail(context.remoteIp, 100),
    ip_insights: detail(context.reading, 600),
    count: String(finding.service.count),
  };
  return {
    action: 'trigger',
    dedupKey: finding.id,
    summary,
    severity: SEVERITY[band],
    source: inertText(`guardduty/${finding.accountId}/${finding.region}`, 255),
    component: detail(resourceOf(finding), 255) ?? 'GuardDuty',
    group: finding.accountId,
    eventClass: inertText(finding.type, 255),
    timestamp: finding.updatedAt,
    customDetails: Object.fromEntries(
      Object.entries(details).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    links: [
      ...(context.slackUrl === undefined
        ? []
        : [{ href: context.slackUrl, text: 'Slack message' }]),
      { href: findingConsoleUrl(finding), text: 'GuardDuty console' },
    ],
  };
}

/** Acknowledge or resolve the finding's incident. */
export function followUpEvent(findingId: string, action: 'acknowledge' | 'resolve'): PageEvent {
  return { action, dedupKey: findingId };
}
