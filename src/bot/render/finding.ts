import type {
  ActionsBlock,
  Button,
  ContextBlock,
  KnownBlock,
  MessageAttachment,
  MessageMetadata,
} from '@slack/types';
import {
  extractTuples,
  findingConsoleUrl,
  severityBand,
  type Finding,
  type FindingResource,
  type FindingTuple,
  type RemoteIpDetails,
  type SeverityBand,
} from '../../findings';
import type { ReadingLevel } from '../../ipinsights/reading';
import { LIMITS } from './limits';
import { code, fitLines, ours, prose } from './text';
import { formatUtc } from './time';

/** The IP Insights part of a message: the tuple shown (the most unusual) and its reading. */
export interface ScoreView {
  readonly tuple?: FindingTuple;
  /** Raw dot product of the shown tuple, when scored: shown, but second to the reading. */
  readonly score?: number;
  /** The level that stands out next to the remote IP (absent in messages stored before it). */
  readonly level?: ReadingLevel;
  /** The level in a few words: "Usual", "Rare", "Never seen from this network", … */
  readonly label?: string;
  /** Plain words: "Rare: more unusual than 97% of …", "Not scored: …", "Not scorable: …". */
  readonly reading: string;
  /** Why, where training says: "seen 14 times from 54.240.0.0/16 in training". */
  readonly why?: string;
}

const LEVEL_BADGE: Readonly<Record<ReadingLevel, string>> = {
  usual: ':white_check_mark:',
  rare: ':warning:',
  'never-seen': ':rotating_light:',
  'no-history': ':information_source:',
  uncalibrated: ':information_source:',
  unscored: ':information_source:',
};

export interface FindingMessageOptions {
  readonly score: ScoreView;
  /** Buttons built by the remediation layer; only working ones may be passed. */
  readonly buttons?: readonly Button[];
  /** Safe mrkdwn status lines ("Archived by <@U123> at 14:02 UTC"), built by the remediation layer. */
  readonly status?: readonly string[];
  /** The account in words: its name (the accounts file or Organizations), dry run only. */
  readonly account?: { readonly name?: string; readonly dryRunOnly?: boolean };
  /** What is in force, for the header: "ARCHIVED", "QUARANTINED", … (who and when: the status). */
  readonly badges?: readonly string[];
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
  /** The body of a finding message, beside its severity's colour bar. */
  readonly attachments?: MessageAttachment[];
  readonly metadata?: MessageMetadata;
}

export const FINDING_EVENT_TYPE = 'guardduty_finding';
/** The thread reply with a finding's description and details. */
export const FINDING_DETAILS_EVENT_TYPE = 'guardduty_finding_details';
/** The "Details" button of a finding message. */
export const DETAILS_ACTION_ID = 'finding:details';
export const FINDING_ACTIONS_BLOCK = 'finding_actions';

/**
 * The severity's colour, on the bar beside the message body: a cue no emoji font is needed for
 * (the header says the band in words too).
 */
export const SEVERITY_COLOR: Readonly<Record<SeverityBand, string>> = {
  Critical: '#b3001b',
  High: '#e8590c',
  Medium: '#e0a800',
  Low: '#3b82c4',
};

/** How much of the description the compact message shows; the rest is in the thread. */
const DESCRIPTION_SHOWN = 72;

function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text, verbatim: true };
}

function field(label: string, lines: readonly string[]) {
  return mrkdwn(fitLines([`*${label}*`, ...lines], LIMITS.fieldText));
}

/** `prod-payments` (444455556666) · eu-central-1; the id alone when no name is known. */
function accountLines(finding: Finding, account: FindingMessageOptions['account']): string[] {
  const id = code(finding.accountId, 20);
  const named = account?.name === undefined ? id : `${prose(account.name, 60)} (${id})`;
  return [
    `${named} · ${code(finding.region, 30)}`,
    ...(account?.dryRunOnly === true ? ['_Dry run only in this account_'] : []),
  ];
}

function severityLabel(severity: number): string {
  return `${severityBand(severity)} ${severity.toFixed(1)}`;
}

function describeResource(resource: FindingResource | undefined): string[] {
  if (resource === undefined) return ['No resource in the finding'];
  const key = resource.accessKeyDetails;
  const instance = resource.instanceDetails;
  switch (resource.resourceType) {
    case 'AccessKey':
      return [
        `Access key ${code(key?.accessKeyId ?? '')}`,
        `${prose(key?.userType ?? 'Principal', 40)} ${code(key?.userName ?? '')}`,
        `Principal ${code(key?.principalId ?? '')}`,
      ];
    case 'Instance': {
      const name = instance?.tags?.find((t) => t.key === 'Name')?.value;
      const vpc = instance?.networkInterfaces?.[0]?.vpcId;
      return [
        `Instance ${code(instance?.instanceId ?? '')}${name === undefined ? '' : ` (${prose(name, 100)})`}`,
        [
          instance?.instanceType === undefined ? undefined : code(instance.instanceType, 40),
          instance?.instanceState === undefined ? undefined : prose(instance.instanceState, 40),
        ]
          .filter((s): s is string => s !== undefined)
          .join(', '),
        vpc === undefined ? '' : `VPC ${code(vpc, 60)}`,
      ].filter((line) => line !== '');
    }
    case 'S3Bucket': {
      const buckets = resource.s3BucketDetails ?? [];
      const first = buckets[0]?.name ?? '';
      return [
        `S3 bucket ${code(first)}${buckets.length > 1 ? ` and ${buckets.length - 1} more` : ''}`,
      ];
    }
    case 'RDSDBInstance': {
      const db = resource.rdsDbInstanceDetails;
      const user = resource.rdsDbUserDetails?.user;
      return [
        `RDS ${code(db?.dbInstanceIdentifier ?? db?.dbClusterIdentifier ?? '')}${db?.engine === undefined ? '' : ` (${prose(db.engine, 40)})`}`,
        user === undefined ? '' : `User ${code(user)}`,
      ].filter((line) => line !== '');
    }
    default:
      return [prose(resource.resourceType ?? 'Unknown resource type', 200)];
  }
}

function port(details: { port?: number | undefined; portName?: string | undefined } | undefined) {
  if (details?.port === undefined) return 'unknown port';
  return details.portName === undefined || details.portName === 'Unknown'
    ? `port ${details.port}`
    : `port ${details.port} (${prose(details.portName, 30)})`;
}

function describeAction(finding: Finding): string[] {
  const action = finding.service.action;
  switch (action?.actionType) {
    case 'AWS_API_CALL': {
      const call = action.awsApiCallAction;
      const lines = [
        `API ${code(call?.api ?? '')} on ${code(call?.serviceName ?? '', 80)}${call?.errorCode === undefined ? '' : ` → ${code(call.errorCode, 60)}`}`,
      ];
      if (call?.domainDetails?.domain !== undefined) {
        lines.push(`Caller domain ${prose(call.domainDetails.domain, 200)}`);
      }
      if (call?.userAgent !== undefined) lines.push(`User agent ${prose(call.userAgent, 300)}`);
      return lines;
    }
    case 'NETWORK_CONNECTION': {
      const c = action.networkConnectionAction;
      return [
        `${prose(c?.connectionDirection ?? 'Unknown direction', 20)} ${prose(c?.protocol ?? '', 20)} connection`,
        `Local ${port(c?.localPortDetails)}, remote ${port(c?.remotePortDetails)}`,
        `Blocked: ${c?.blocked === true ? 'yes' : 'no'}`,
      ];
    }
    case 'PORT_PROBE': {
      const probes = action.portProbeAction?.portProbeDetails ?? [];
      const ports = [...new Set(probes.map((p) => port(p.localPortDetails)))].slice(0, 5);
      return [
        `Probe of ${ports.join(', ') || 'unknown ports'}`,
        `${probes.length} probe${probes.length === 1 ? '' : 's'}, blocked: ${action.portProbeAction?.blocked === true ? 'yes' : 'no'}`,
      ];
    }
    case 'DNS_REQUEST': {
      const dns = action.dnsRequestAction;
      return [
        `DNS query for ${prose(dns?.domain ?? 'unknown domain', 300)}`,
        `Blocked: ${dns?.blocked === true ? 'yes' : 'no'}`,
      ];
    }
    case 'RDS_LOGIN_ATTEMPT':
      return ['Login attempt to the database'];
    case undefined:
      return ['No action in the finding'];
    default:
      return [prose(action?.actionType ?? 'Unknown action', 100)];
  }
}

/** "Sao Paulo, Brazil", or '' when the finding names no place. */
function placeOf(remote: RemoteIpDetails): string {
  return [remote.city?.cityName, remote.country?.countryName ?? remote.country?.countryCode]
    .filter((s): s is string => s !== undefined && s !== '')
    .map((s) => prose(s, 60))
    .join(', ');
}

function describeRemote(ip: string, remote: RemoteIpDetails): string[] {
  const place = placeOf(remote);
  const org = remote.organization;
  const asn =
    org?.asn !== undefined && org.asn !== '' && org.asn !== '-1' ? `AS${prose(org.asn, 12)} ` : '';
  const orgName = org?.asnOrg ?? org?.org ?? org?.isp;
  return [
    code(ip, 60),
    place === '' ? '' : place,
    orgName === undefined && asn === '' ? '' : `${asn}${prose(orgName ?? '', 80)}`.trim(),
  ].filter((line) => line !== '');
}

/**
 * GuardDuty's own threat intelligence, when the finding names it: the list and the threats, as
 * inert text (the names come with the finding, so they are attacker-reachable).
 */
function threatIntelLines(finding: Finding): string[] {
  const details = finding.service.evidence?.threatIntelligenceDetails ?? [];
  return details.slice(0, 3).map((detail) => {
    const names = (detail.threatNames ?? []).slice(0, 5).map((name) => code(name, 60));
    const list =
      detail.threatListName == null ? 'a threat list' : `${code(detail.threatListName, 80)} list`;
    return `:rotating_light: On GuardDuty's ${list}${names.length === 0 ? '' : `: ${names.join(', ')}`}`;
  });
}

function remoteLines(finding: Finding, score: ScoreView): string[] {
  return [...remoteAddressLines(finding, score), ...threatIntelLines(finding)];
}

function remoteAddressLines(finding: Finding, score: ScoreView): string[] {
  const extraction = extractTuples(finding);
  if (!extraction.scorable) {
    const domain = finding.service.action?.awsApiCallAction?.domainDetails?.domain;
    return [domain === undefined ? 'No remote IP' : `Domain ${prose(domain, 200)}`];
  }
  const shown = score.tuple ?? extraction.tuples[0];
  if (shown === undefined) return ['No remote IP'];
  const others = extraction.tuples.filter((t) => t.ip !== shown.ip).map((t) => code(t.ip, 60));
  const lines = describeRemote(shown.ip, shown.remote);
  // The IP Insights level goes right under the address it is about.
  if (score.level !== undefined && score.label !== undefined && score.tuple !== undefined) {
    lines.splice(1, 0, `${LEVEL_BADGE[score.level]} *${ours(score.label, 100)}*`);
  }
  if (others.length > 0) {
    const listed = others.slice(0, 5).join(', ');
    lines.push(`and ${others.length} more: ${listed}${others.length > 5 ? ', …' : ''}`);
  }
  return lines;
}

function seenLines(finding: Finding): string[] {
  const s = finding.service;
  return [
    `First ${formatUtc(s.eventFirstSeen ?? finding.createdAt)}`,
    `Last ${formatUtc(s.eventLastSeen ?? finding.updatedAt)}`,
    `Count ${s.count}`,
  ];
}

/** The reading in full, with why, and the raw dot product last: it is for the curious. */
function scoreLine(score: ScoreView): string {
  const pair =
    score.tuple === undefined
      ? ''
      : ` for ${code(score.tuple.entity, 120)} from ${code(score.tuple.ip, 60)}`;
  const why = score.why === undefined ? '' : `; ${ours(score.why, 300)}`;
  const raw =
    score.score === undefined
      ? ''
      : ` _(raw score ${score.score.toFixed(3)}, higher is more usual)_`;
  return `:mag: *IP Insights*${pair}: ${ours(score.reading, 600)}${why}${raw}`;
}

function isSample(finding: Finding): boolean {
  const info = finding.service.additionalInfo;
  if (typeof info !== 'object' || info === null) return false;
  const record = info as Record<string, unknown>;
  if (record.sample === true) return true;
  return typeof record.value === 'string' && /"sample"\s*:\s*true/.test(record.value);
}

function footer(finding: Finding): ContextBlock {
  const notes = [
    `Finding ${code(finding.id, 140)}`,
    `<${findingConsoleUrl(finding)}|Open in the GuardDuty console>`,
    `Updated ${formatUtc(finding.updatedAt)}`,
  ];
  if (finding.service.archived) notes.push('*Archived*');
  if (isSample(finding)) notes.push('_Sample finding_');
  return { type: 'context', block_id: 'finding_footer', elements: [mrkdwn(notes.join(' · '))] };
}

/** The fallback text: notifications and screen readers show it instead of the blocks. */
function fallbackText(finding: Finding): string {
  return `${severityLabel(finding.severity)} GuardDuty finding: ${prose(finding.title || finding.type, 300)}`;
}

/** "Access key `AKIA…` of IAMUser `dev-alice`": the resource in one line. */
function resourceInOneLine(resource: FindingResource | undefined): string {
  if (resource === undefined) return 'No resource in the finding';
  const key = resource.accessKeyDetails;
  switch (resource.resourceType) {
    case 'AccessKey':
      return `${prose(key?.userType ?? 'Principal', 40)} ${code(key?.userName ?? '', 80)} · key ${code(key?.accessKeyId ?? '', 40)}`;
    case 'RDSDBInstance': {
      const db = resource.rdsDbInstanceDetails;
      const user = resource.rdsDbUserDetails?.user;
      return `RDS ${code(db?.dbInstanceIdentifier ?? db?.dbClusterIdentifier ?? '', 80)}${user === undefined ? '' : ` · user ${code(user, 60)}`}`;
    }
    default:
      // The first line of the full description is already one line for the other types.
      return (
        describeResource(resource)[0] ?? prose(resource.resourceType ?? 'Unknown resource', 80)
      );
  }
}

/** "From `203.0.113.77` (Sao Paulo, Brazil) — :rotating_light: *Never seen…*"; the network in the details. */
function remoteInOneLine(finding: Finding, score: ScoreView): string {
  const extraction = extractTuples(finding);
  if (!extraction.scorable) {
    const domain = finding.service.action?.awsApiCallAction?.domainDetails?.domain;
    return domain === undefined ? 'No remote IP' : `From domain ${prose(domain, 120)}`;
  }
  const shown = score.tuple ?? extraction.tuples[0];
  if (shown === undefined) return 'No remote IP';
  const place = placeOf(shown.remote);
  const others = extraction.tuples.filter((t) => t.ip !== shown.ip).length;
  const more = others > 0 ? ` and ${others} more` : '';
  const level =
    score.level !== undefined && score.label !== undefined && score.tuple !== undefined
      ? ` — ${LEVEL_BADGE[score.level]} *${ours(score.label, 100)}*`
      : '';
  return `From ${code(shown.ip, 60)}${place === '' ? '' : ` (${place})`}${more}${level}`;
}

/** The description cut to a line or two; Details puts the whole of it in the thread. */
function descriptionInBrief(finding: Finding): string | undefined {
  const description = finding.description ?? '';
  if (description.trim() === '') return undefined;
  const brief = prose(description, DESCRIPTION_SHOWN);
  return brief.endsWith('…') ? `${brief} _more in the thread_` : brief;
}

function detailsButton(finding: Finding): Button {
  return {
    type: 'button',
    action_id: DETAILS_ACTION_ID,
    text: { type: 'plain_text', text: 'Details', emoji: false },
    value: JSON.stringify({ f: finding.id }),
  };
}

function headerText(finding: Finding, badges: readonly string[]): string {
  const state = badges.map((badge) => ours(badge, 40)).join(' · ');
  const prefix = `${state === '' ? '' : `${state} · `}${severityLabel(finding.severity)} · `;
  return prefix + prose(finding.title || finding.type, LIMITS.headerText - prefix.length);
}

function metadataOf(finding: Finding): MessageMetadata {
  return {
    event_type: FINDING_EVENT_TYPE,
    event_payload: {
      finding_id: finding.id,
      count: finding.service.count,
      updated_at: finding.updatedAt,
    },
  };
}

/**
 * The Slack message of one finding, compact: on the first screen the state and severity and
 * title (header), account, region and resource, the remote IP with its IP Insights level, a
 * line of the description, and the buttons, beside a bar in the severity's colour. Everything
 * else is in the details (`renderFindingDetails`), the thread reply. Pure.
 */
export function renderFinding(finding: Finding, options: FindingMessageOptions): SlackMessage {
  const band = severityBand(finding.severity);
  const text = fallbackText(finding);
  const body: KnownBlock[] = [];
  if (options.status !== undefined && options.status.length > 0) {
    body.push({
      type: 'context',
      block_id: 'finding_status',
      elements: options.status.slice(-LIMITS.contextElements).map((line) => mrkdwn(line)),
    });
  }
  const seen = finding.service.count > 1 ? ` · seen ${finding.service.count} times` : '';
  // The account by name when it has one (its id is in the Details reply), to stay on one line.
  const account =
    options.account?.name === undefined
      ? code(finding.accountId, 20)
      : prose(options.account.name, 60);
  const lines = [
    `${resourceInOneLine(finding.resource)} · ${account} · ${code(finding.region, 30)}${seen}`,
    ...(options.account?.dryRunOnly === true ? ['_Dry run only in this account_'] : []),
    remoteInOneLine(finding, options.score),
    descriptionInBrief(finding),
  ].filter((line): line is string => line !== undefined);
  body.push({
    type: 'section',
    block_id: 'finding_summary',
    text: mrkdwn(fitLines(lines, LIMITS.sectionText)),
  });
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: FINDING_ACTIONS_BLOCK,
    elements: [
      ...(options.buttons ?? []).slice(0, LIMITS.actionsElements - 1),
      detailsButton(finding),
    ],
  };
  body.push(actions);
  return {
    text,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: headerText(finding, options.badges ?? []), emoji: false },
      },
    ],
    attachments: [{ color: SEVERITY_COLOR[band], fallback: text, blocks: body }],
    metadata: metadataOf(finding),
  };
}

/**
 * The details of a finding, for the thread of its message (and `/guardduty show`): the type, the
 * whole description, resource, action, remote IPs, when it was seen, the IP Insights reading in
 * full, and where to find it in the console. Pure.
 */
export function renderFindingDetails(finding: Finding, score: ScoreView): SlackMessage {
  const description = finding.description ?? '';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*Details* of ${code(finding.type, 260)} · updated ${formatUtc(finding.updatedAt)}`,
      ),
    },
  ];
  if (description.trim() !== '') {
    // Finding prose only: plain text, which Slack neither formats nor links.
    blocks.push({
      type: 'section',
      text: { type: 'plain_text', text: prose(description, LIMITS.sectionText), emoji: false },
    });
  }
  blocks.push(
    {
      type: 'section',
      fields: [
        field('Account / Region', accountLines(finding, undefined)),
        field('Resource', describeResource(finding.resource)),
        field('Action', describeAction(finding)),
        field('Remote IP', remoteLines(finding, score)),
        field('Seen', seenLines(finding)),
      ],
    },
    { type: 'section', text: mrkdwn(scoreLine(score)) },
    footer(finding),
  );
  return {
    text: `Details: ${fallbackText(finding)}`,
    blocks,
    metadata: {
      event_type: FINDING_DETAILS_EVENT_TYPE,
      event_payload: { finding_id: finding.id, updated_at: finding.updatedAt },
    },
  };
}
