import type { WebClient } from '@slack/web-api';
import type { DetectorInfo, GuardDutyReader } from '../../actions/ports/guardDutyReader';
import type {
  AssumeRoleFailure,
  OrganizationActivity,
  SeenPlace,
} from '../../actions/ports/organizationActivity';
import { accountLabel } from './accountNames';
import { MEMBER_ROLE_STEP } from '../../actions/accounts/policy';
import type { ModelMetadata } from '../../ipinsights/model';
import type { Scorer } from '../../ipinsights/scorer';
import type { FindingRecord } from '../../actions/findingRecords';
import { FINDING_EVENT_TYPE } from '../render/finding';
import { code, ours, prose } from '../render/text';
import { formatUtc } from '../render/time';
import type { FindingRecords, HealthView } from './deps';
import type { RegionState } from '../../health/regionState';
import type { RetrainingRecord } from '../../ipinsights/retraining';
import { canaryStatusLines } from '../health/healthReport';
import { messageLink, NoDetectorError } from './queries';
import { routesLines } from './routesReport';
import type { RoutingTable } from '../../routing/routes';
import { context, response, sections, type CommandResponse } from './responses';

/** The newest finding message in the channel, found by the metadata the publisher attaches. */
export async function latestFindingMessage(
  client: WebClient,
  channel: string,
): Promise<{ findingId: string; ts: string } | undefined> {
  // Findings are top-level messages; the newest 200 cover any busy day's thread-less chatter.
  const page = await client.conversations.history({
    channel,
    limit: 200,
    include_all_metadata: true,
  });
  for (const message of page.messages ?? []) {
    const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
    if (
      message.metadata?.event_type === FINDING_EVENT_TYPE &&
      typeof payload?.finding_id === 'string' &&
      message.ts !== undefined
    ) {
      return { findingId: payload.finding_id, ts: message.ts };
    }
  }
  return undefined;
}

type Part<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly message: string };

export interface StatusReport {
  readonly detector: Part<DetectorInfo>;
  readonly lastPosted: Part<{
    readonly ts: string;
    readonly findingId: string;
    readonly record?: FindingRecord;
  }>;
  readonly scorer: {
    readonly description: string;
    readonly metadata?: ModelMetadata;
    readonly version?: string;
  };
  readonly dryRun: boolean;
  readonly routes: RoutingTable;
  /** Where findings came from in the last 24 h, and where the member role could not be assumed. */
  readonly organization?: {
    readonly seen: Part<SeenPlace[]>;
    readonly failures: Part<AssumeRoleFailure[]>;
    readonly names: ReadonlyMap<string, string>;
  };
  readonly now: Date;
  /** Each region's canary state; absent where no canary is wired (a laptop's `serve`). */
  readonly canary?: {
    readonly regions: readonly string[];
    readonly states: Part<ReadonlyMap<string, RegionState>>;
  };
  readonly retraining?: Part<RetrainingRecord>;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Each part is checked on its own: a health report must not fail because one part does. */
async function part<T>(check: () => Promise<T | undefined>): Promise<Part<T>> {
  try {
    const value = await check();
    return value === undefined ? { kind: 'none' } : { kind: 'ok', value };
  } catch (error) {
    return { kind: 'error', message: errorText(error) };
  }
}

export interface StatusDeps {
  readonly guardduty: GuardDutyReader;
  readonly detectorId: () => Promise<string>;
  readonly findings: FindingRecords;
  readonly scorer: Scorer;
  readonly dryRun: boolean;
  readonly routes: RoutingTable;
  readonly clock: () => Date;
  readonly latestMessage: () => Promise<{ findingId: string; ts: string } | undefined>;
  readonly activity?: Pick<OrganizationActivity, 'seenSince' | 'assumeFailures'>;
  /** Account names (a failure leaves ids only). */
  readonly names?: () => Promise<ReadonlyMap<string, string>>;
  readonly health?: HealthView;
}

const DAY_MS = 86_400_000;

async function gatherOrganization(
  deps: StatusDeps,
  activity: NonNullable<StatusDeps['activity']>,
): Promise<NonNullable<StatusReport['organization']>> {
  const since = new Date(deps.clock().getTime() - DAY_MS);
  const [seen, failures, names] = await Promise.all([
    part(() => activity.seenSince(since)),
    part(() => activity.assumeFailures()),
    part(async () => deps.names?.()),
  ]);
  return { seen, failures, names: names.kind === 'ok' ? names.value : new Map() };
}

export async function gatherStatus(deps: StatusDeps): Promise<StatusReport> {
  const { activity, health } = deps;
  const [detector, lastPosted, organization, states, retraining] = await Promise.all([
    part(async () => {
      try {
        return await deps.guardduty.getDetector(await deps.detectorId());
      } catch (error) {
        if (error instanceof NoDetectorError) return undefined;
        throw error;
      }
    }),
    part(async () => {
      const latest = await deps.latestMessage();
      if (latest === undefined) return undefined;
      const record = await deps.findings.get(latest.findingId);
      return record === undefined ? latest : { ...latest, record };
    }),
    activity === undefined ? undefined : gatherOrganization(deps, activity),
    health === undefined ? undefined : part(() => health.states(health.regions)),
    health?.lastRetraining === undefined
      ? undefined
      : part(() => health.lastRetraining?.() ?? Promise.resolve(undefined)),
  ]);
  const { metadata, version } = deps.scorer;
  return {
    detector,
    lastPosted,
    scorer: {
      description: deps.scorer.description,
      ...(metadata === undefined ? {} : { metadata }),
      ...(version === undefined ? {} : { version }),
    },
    dryRun: deps.dryRun,
    routes: deps.routes,
    ...(organization === undefined ? {} : { organization }),
    now: deps.clock(),
    ...(health === undefined || states === undefined
      ? {}
      : { canary: { regions: health.regions, states } }),
    ...(retraining === undefined ? {} : { retraining }),
  };
}

function canaryLines(canary: StatusReport['canary'], now: Date): string[] {
  if (canary === undefined) return [];
  if (canary.states.kind === 'error') {
    return [`:x: *Canary*: could not read its state: ${prose(canary.states.message, 300)}`];
  }
  const states = canary.states.kind === 'ok' ? canary.states.value : new Map<string, RegionState>();
  return canaryStatusLines(canary.regions, states, now);
}

function retrainingLine(retraining: StatusReport['retraining']): string[] {
  if (retraining === undefined) return [];
  if (retraining.kind === 'none') return [':grey_question: *Retraining*: has not run yet'];
  if (retraining.kind === 'error') {
    return [`:x: *Retraining*: could not read its record: ${prose(retraining.message, 300)}`];
  }
  const r = retraining.value;
  const icon =
    r.outcome === 'published'
      ? ':white_check_mark:'
      : r.outcome === 'running'
        ? ':hourglass_flowing_sand:'
        : r.outcome === 'rejected' || r.outcome === 'too-big'
          ? ':warning:'
          : ':x:';
  const what = {
    published: 'published a new model',
    rejected: 'rejected the new model',
    failed: 'failed',
    'too-big': 'did not train',
    running: 'distributed run under way',
  }[r.outcome];
  const window = r.window === undefined ? '' : `, CloudTrail ${r.window.from} to ${r.window.to}`;
  const counts =
    r.pairs === undefined || r.entities === undefined
      ? ''
      : `, ${r.pairs.toLocaleString('en-US')} pairs, ${r.entities.toLocaleString('en-US')} principals and instances`;
  const aucs =
    r.candidateAuc === undefined
      ? ''
      : `, held-out AUC new ${r.candidateAuc.toFixed(3)}${r.currentAuc === undefined ? '' : ` against current ${r.currentAuc.toFixed(3)}`}`;
  const version = r.version === undefined ? '' : `, model version ${code(r.version, 80)}`;
  return [
    `${icon} *Retraining* ${formatUtc(r.at)}: ${what}${window}${counts}${aucs}${version}: ${ours(r.reason, 300)}`,
  ];
}

const FREQUENCY: Readonly<Record<string, string>> = {
  FIFTEEN_MINUTES: 'every 15 minutes',
  ONE_HOUR: 'every hour',
  SIX_HOURS: 'every 6 hours',
};

function detectorLine(detector: StatusReport['detector']): string {
  if (detector.kind === 'none') return ':x: *GuardDuty*: no detector in this region';
  if (detector.kind === 'error') {
    return `:x: *GuardDuty*: could not read the detector: ${prose(detector.message, 300)}`;
  }
  const d = detector.value;
  const enabled = d.status === 'ENABLED';
  const frequency =
    d.findingPublishingFrequency === undefined
      ? ''
      : `; updated findings are exported ${FREQUENCY[d.findingPublishingFrequency] ?? ours(d.findingPublishingFrequency, 40)}`;
  return `${enabled ? ':white_check_mark:' : ':x:'} *GuardDuty*: detector ${code(d.id, 80)} ${enabled ? 'enabled' : `is ${ours(d.status, 20).toLowerCase()}`}${frequency}`;
}

function lastPostedLine(last: StatusReport['lastPosted'], now: Date): string {
  if (last.kind === 'none') return ':grey_question: *Last finding posted*: none in the channel yet';
  if (last.kind === 'error') {
    return `:x: *Last finding posted*: could not read the channel: ${prose(last.message, 300)}`;
  }
  const { ts, findingId, record } = last.value;
  const postedMs = Number(ts) * 1000;
  const link = messageLink(record);
  const what =
    record === undefined
      ? code(findingId, 140)
      : `${prose(record.title || record.type, 120)} (${record.severity.toFixed(1)}) ${code(findingId, 140)}`;
  return `:white_check_mark: *Last finding posted* ${formatUtc(postedMs)} (${ago(now.getTime() - postedMs)}): ${what}${link === undefined ? '' : ` · <${link}|message>`}`;
}

function ago(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

function scorerLine(scorer: StatusReport['scorer'], now: Date): string {
  const m = scorer.metadata;
  if (m === undefined) {
    // "no model configured", or a model bucket the retraining has not filled yet.
    const ok = !scorer.description.startsWith('no model');
    return `${ok ? ':white_check_mark:' : ':warning:'} *IP Insights*: ${ours(scorer.description, 300)}`;
  }
  const age = now.getTime() - Date.parse(m.trainedAt);
  const days = Math.floor(age / 86_400_000);
  const version = scorer.version === undefined ? '' : `, version ${code(scorer.version, 80)}`;
  const window = m.window === undefined ? '' : `, CloudTrail ${m.window.from} to ${m.window.to}`;
  const auc = m.heldOutAuc === undefined ? '' : `, held-out AUC ${m.heldOutAuc.toFixed(3)}`;
  return `:white_check_mark: *IP Insights*: embedded model trained ${formatUtc(m.trainedAt)} (${Number.isNaN(days) ? 'unknown age' : `${days} days old`}${version}${window}), ${m.trainingPairs.toLocaleString('en-US')} training pairs, ${m.entityCount.toLocaleString('en-US')} principals and instances${auc}`;
}

/** An organisation of hundreds of accounts: the newest this many, then a count. */
const ACCOUNTS_SHOWN = 25;

function seenLines(
  seen: Part<SeenPlace[]>,
  names: ReadonlyMap<string, string>,
  now: Date,
): string[] {
  const title = '*Accounts and regions seen in the last 24 h*';
  if (seen.kind === 'error') {
    return [`:x: ${title}: could not be read: ${prose(seen.message, 300)}`];
  }
  const places = seen.kind === 'ok' ? seen.value : [];
  if (places.length === 0) return [`:grey_question: ${title}: no finding in the last 24 h`];
  // Newest first (as read), one line per account with its regions.
  const byAccount = new Map<string, SeenPlace[]>();
  for (const place of places) {
    byAccount.set(place.accountId, [...(byAccount.get(place.accountId) ?? []), place]);
  }
  const accounts = [...byAccount];
  const lines = accounts.slice(0, ACCOUNTS_SHOWN).map(([accountId, where]) => {
    const regions = where.map((p) => code(p.region, 30)).join(', ');
    const last = Math.max(...where.map((p) => p.lastSeen));
    return `• ${accountLabel(accountId, names)}: ${regions} (last seen ${ago(now.getTime() - last)})`;
  });
  if (accounts.length > ACCOUNTS_SHOWN) {
    lines.push(`• and ${accounts.length - ACCOUNTS_SHOWN} more accounts`);
  }
  const regions = new Set(places.map((p) => p.region)).size;
  return [
    `:globe_with_meridians: ${title}: ${accounts.length} ${accounts.length === 1 ? 'account' : 'accounts'} in ${regions} ${regions === 1 ? 'region' : 'regions'}`,
    ...lines,
  ];
}

function failureLines(
  failures: Part<AssumeRoleFailure[]>,
  names: ReadonlyMap<string, string>,
): string[] {
  if (failures.kind === 'error') {
    return [
      `:x: *Member roles*: the AssumeRole failures could not be read: ${prose(failures.message, 300)}`,
    ];
  }
  const all = failures.kind === 'ok' ? failures.value : [];
  if (all.length === 0) {
    return [':white_check_mark: *Member roles*: no account where AssumeRole is failing'];
  }
  const lines = all
    .slice(0, ACCOUNTS_SHOWN)
    .map(
      (f) =>
        `• ${accountLabel(f.accountId, names)} at ${formatUtc(f.at)}: ${code(f.roleArn, 200)}: ${prose(f.reason, 400)}`,
    );
  if (all.length > ACCOUNTS_SHOWN) lines.push(`• and ${all.length - ACCOUNTS_SHOWN} more accounts`);
  return [
    `:x: *Member roles*: AssumeRole failed in ${all.length} ${all.length === 1 ? 'account' : 'accounts'} (deploy the member role there: ${ours(MEMBER_ROLE_STEP, 200)})`,
    ...lines,
  ];
}

function organizationLines(report: StatusReport): string[] {
  const org = report.organization;
  if (org === undefined) return [];
  return [...seenLines(org.seen, org.names, report.now), ...failureLines(org.failures, org.names)];
}

export function renderStatus(report: StatusReport): CommandResponse {
  const mode = report.dryRun
    ? ':test_tube: *Dry run*: remediation is planned and audited; AWS is not changed'
    : ':zap: *Live*: remediation changes AWS';
  const lines = [
    detectorLine(report.detector),
    ...canaryLines(report.canary, report.now),
    lastPostedLine(report.lastPosted, report.now),
    scorerLine(report.scorer, report.now),
    ...retrainingLine(report.retraining),
    mode,
    ...organizationLines(report),
    ...routesLines(report.routes),
  ];
  return response(
    [...sections(lines), context(`Checked ${formatUtc(report.now)}`)],
    'guardduty-chatops status',
  );
}
