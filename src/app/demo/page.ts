import {
  createSandboxPage,
  type JsonAnswer,
  type SandboxPage,
  type SandboxPageInfo,
  type SidePanel,
  type SidePanelEntry,
} from '@guardduty-chatops/slack-sandbox';
import type { AuditEntry, AuditReader } from '../../actions/contract';
import { DEMO_USERS } from './workspace';

/** What the page needs besides the workspace (which it reads from `/local/state`). */
export interface DemoInfo {
  readonly channel: { readonly id: string; readonly name: string };
  /** Users allowed to remediate; the page marks the others read-only. */
  readonly responders: readonly string[];
  readonly dryRun: boolean;
  /** The IP Insights scorer in use, in words. */
  readonly scorer: string;
}

/** `GET /demo/audit` */
export type AuditAnswer =
  | { readonly available: false }
  | { readonly available: true; readonly entries: Awaited<ReturnType<AuditReader['list']>> };

export interface DemoPageOptions {
  readonly info: () => DemoInfo;
  /** Read at each request: the audit log is wired after the page is up. */
  readonly audit: () => AuditReader | undefined;
}

/** Serves the page's paths; false for any other (the local Slack answers 404). */
export type DemoPage = SandboxPage;

const AUDIT_LIMIT_DEFAULT = 50;
const AUDIT_LIMIT_MAX = 200;

/** The Slack sandbox's page, told about the demo: responders, dry run, scorer, audit log. */
export async function createDemoPage(options: DemoPageOptions): Promise<DemoPage> {
  const audit = async (limit: number): Promise<AuditAnswer> => {
    const reader = options.audit();
    return reader === undefined
      ? { available: false }
      : { available: true, entries: await reader.list({ limit }) };
  };
  return createSandboxPage({
    info: () => pageInfo(options.info()),
    sidePanel: async () => auditPanel(await audit(AUDIT_LIMIT_DEFAULT)),
    jsonRoutes: {
      '/demo/info': () => ({ status: 200, body: options.info() }),
      '/demo/audit': async (query): Promise<JsonAnswer> => {
        const limit = auditLimit(query.get('limit'));
        return limit === undefined
          ? { status: 400, body: { error: `limit must be 1..${AUDIT_LIMIT_MAX}` } }
          : { status: 200, body: await audit(limit) };
      },
    },
  });
}

function pageInfo(info: DemoInfo): SandboxPageInfo {
  return {
    title: `#${info.channel.name} · guardduty-chatops sandbox`,
    note: 'guardduty-chatops sandbox · nothing leaves this machine',
    channel: info.channel.id,
    topic: `GuardDuty findings scored by IP Insights (${info.scorer})`,
    composerPlaceholder: 'Type a command: /guardduty help, /guardduty list …',
    commandHint: 'try /guardduty help',
    ...(info.responders[0] === undefined ? {} : { defaultUser: info.responders[0] }),
    roles: {
      byUser: Object.fromEntries(info.responders.map((id) => [id, 'A responder: may remediate.'])),
      others: 'Not a responder: the bot refuses remediation.',
    },
    mode: info.dryRun
      ? { text: 'Dry run: AWS calls are planned and audited, not made.', tone: 'safe' }
      : { text: 'LIVE: remediation calls AWS.', tone: 'danger' },
  };
}

function auditPanel(answer: AuditAnswer): SidePanel {
  if (!answer.available) {
    return {
      title: 'Audit log',
      entries: [],
      empty: 'No audit log in this build: the remediation layer is not wired in.',
    };
  }
  return {
    title: 'Audit log',
    entries: answer.entries.map(auditEntry),
    empty: 'Nothing yet: click a button on a finding.',
  };
}

function auditEntry(entry: AuditEntry): SidePanelEntry {
  const who =
    entry.actor.userName ??
    DEMO_USERS.find((u) => u.id === entry.actor.userId)?.name ??
    entry.actor.userId;
  return {
    id: String(entry.seq),
    at: entry.at,
    title: entry.type,
    ...(entry.type === 'refusal' ? { tone: 'danger' as const } : {}),
    badge: entry.dryRun ? { text: 'dry run', tone: 'safe' } : { text: 'live', tone: 'danger' },
    lines: [
      { text: `@${who} · ${entry.action} · ${entry.target}` },
      { text: `finding ${entry.findingId}`, tone: 'muted' },
      ...(entry.result === undefined ? [] : [{ text: entry.result }]),
      ...(entry.error === undefined ? [] : [{ text: entry.error, tone: 'danger' as const }]),
    ],
  };
}

function auditLimit(value: string | null): number | undefined {
  if (value === null) return AUDIT_LIMIT_DEFAULT;
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const limit = Number(value);
  return limit >= 1 && limit <= AUDIT_LIMIT_MAX ? limit : undefined;
}
