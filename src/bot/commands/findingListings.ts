import type { KnownBlock } from '@slack/types';
import type { GroupCount } from '../../actions/ports/guardDutyReader';
import { findingConsoleUrl, severityBand, type SeverityBand } from '../../findings';
import { LIMITS } from '../render/limits';
import { code, fitLines, ours, prose } from '../render/text';
import { formatUtc } from '../render/time';
import type { Duration } from './parse';
import type { ListRequest, ListResult, StatsResult, Tally } from './queries';
import { accountLabel, type NamedAccount } from './accountNames';
import {
  context,
  mrkdwn,
  oneLine,
  response,
  section,
  sections,
  type CommandResponse,
} from './responses';

const BAND_EMOJI: Readonly<Record<SeverityBand, string>> = {
  Critical: ':red_circle:',
  High: ':large_orange_circle:',
  Medium: ':large_yellow_circle:',
  Low: ':large_blue_circle:',
};

const BANDS_DESC: readonly SeverityBand[] = ['Critical', 'High', 'Medium', 'Low'];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Where a listing looked: the region's detector, one account or every account. */
export interface ListingScope {
  readonly region?: string;
  readonly account?: NamedAccount;
  readonly names: ReadonlyMap<string, string>;
}

function describeScope(scope: ListingScope): string[] {
  const names =
    scope.account?.name === undefined
      ? scope.names
      : new Map([[scope.account.accountId, scope.account.name]]);
  return [
    ...(scope.account === undefined
      ? []
      : [`in account ${accountLabel(scope.account.accountId, names)}`]),
    ...(scope.region === undefined ? [] : [`in ${code(scope.region, 30)}`]),
  ];
}

function describeList(request: ListRequest, scope: ListingScope): string {
  const parts = [...describeScope(scope), `updated in the last ${request.since.text}`];
  if (request.severity !== undefined) parts.push(`${request.severity.toLowerCase()} and above`);
  if (request.typePattern !== undefined) parts.push(`type ${code(request.typePattern, 120)}`);
  parts.push(request.includeArchived ? 'archived included' : 'not archived');
  return parts.join(', ');
}

function listLine(
  item: ListResult['findings'][number],
  names: ReadonlyMap<string, string>,
): string {
  const f = item.finding;
  const band = severityBand(f.severity);
  const where = item.link === undefined ? 'not posted' : `<${item.link}|message>`;
  return [
    `${BAND_EMOJI[band]} *${band} ${f.severity.toFixed(1)}* ${prose(f.title || f.type, 120)}`,
    `${accountLabel(f.accountId, names)} ${code(f.region, 30)}`,
    code(f.id, 140),
    formatUtc(f.updatedAt),
    where,
    `<${findingConsoleUrl(f)}|console>`,
  ].join(' · ');
}

export function renderList(
  request: ListRequest,
  result: ListResult,
  where: ListingScope = { names: new Map() },
): CommandResponse {
  const scope = describeList(request, where);
  if (result.matchedTypes?.length === 0) {
    return oneLine(
      `No finding type matches ${code(request.typePattern ?? '', 120)} among the findings ${ours(`updated in the last ${request.since.text}`, 60)}.`,
    );
  }
  if (result.findings.length === 0 && result.unreadable === 0) {
    return oneLine(`No findings ${scope}.`);
  }
  const title = `*${plural(result.total, 'finding')}* ${scope}, most severe first`;
  const notes: string[] = [];
  if (result.more > 0)
    notes.push(
      `and ${result.more} more not shown: narrow with \`--severity\`, \`--since\`, \`--type\` or \`--account\``,
    );
  if (result.unreadable > 0)
    notes.push(`${plural(result.unreadable, 'finding')} could not be read`);
  if (result.typesCapped === true)
    notes.push('the pattern matched more than 50 types; the 50 most frequent were searched');
  notes.push('`/guardduty show ID` for the full finding');
  const blocks: KnownBlock[] = [
    section(title),
    ...sections(result.findings.map((item) => listLine(item, where.names))),
    context(notes.join(' · ')),
  ];
  return response(blocks, `${plural(result.total, 'finding')} ${scope}`);
}

function severityLine(bySeverity: readonly GroupCount[]): string {
  const perBand = new Map<SeverityBand, number>(BANDS_DESC.map((b) => [b, 0]));
  for (const g of bySeverity) {
    const band = severityBand(Number(g.key));
    perBand.set(band, (perBand.get(band) ?? 0) + g.count);
  }
  return BANDS_DESC.map((b) => `${BAND_EMOJI[b]} ${b} *${perBand.get(b) ?? 0}*`).join('   ');
}

function tallyField(title: string, tallies: readonly Tally[]) {
  const lines = tallies.map(
    (t) =>
      `${t.count} · ${code(t.key, 120)}${t.label === undefined ? '' : ` (${code(t.label, 80)})`}`,
  );
  return mrkdwn(
    fitLines([`*${title}*`, ...(lines.length > 0 ? lines : ['none'])], LIMITS.fieldText),
  );
}

const ACCOUNTS_SHOWN = 10;

function accountLines(byAccount: readonly GroupCount[], names: ReadonlyMap<string, string>) {
  const lines = byAccount
    .slice(0, ACCOUNTS_SHOWN)
    .map((g) => `${g.count} · ${accountLabel(g.key, names)}`);
  if (byAccount.length > ACCOUNTS_SHOWN) {
    lines.push(`and ${byAccount.length - ACCOUNTS_SHOWN} more accounts`);
  }
  return lines;
}

export function renderStats(
  since: Duration,
  stats: StatsResult,
  where: ListingScope = { names: new Map() },
): CommandResponse {
  const total = stats.bySeverity.reduce((n, g) => n + g.count, 0);
  const scope = [...describeScope(where), `updated in the last ${since.text}, not archived`].join(
    ', ',
  );
  if (total === 0) return oneLine(`No findings ${scope}.`);
  const types = stats.byType.slice(0, 10).map((g) => `${g.count} · ${code(g.key, 200)}`);
  if (stats.byType.length > 10) types.push(`and ${stats.byType.length - 10} more types`);
  const examined = stats.examinedAll
    ? `Top lists over all ${plural(stats.examined, 'finding')}`
    : `Top lists over the ${stats.examined} most severe findings`;
  const blocks: KnownBlock[] = [
    section(`*${plural(total, 'finding')}* ${scope}`),
    section(severityLine(stats.bySeverity)),
    ...sections(['*By type*', ...types]),
    ...(where.account === undefined
      ? sections(['*By account*', ...accountLines(stats.byAccount, where.names)])
      : []),
    {
      type: 'section',
      fields: [
        tallyField('Top principals', stats.principals),
        tallyField('Top instances', stats.instances),
        tallyField('Top remote IPs', stats.remoteIps),
      ],
    },
    context(`Counts by severity, type and account from GuardDuty. ${examined}.`),
  ];
  return response(blocks, `${plural(total, 'finding')} ${scope}`);
}
