import type { KnownBlock } from '@slack/types';
import type { FindingRecord } from '../../actions/findingRecords';
import { severityBand, type SeverityBand } from '../../findings';
import { LIMITS } from './limits';
import type { SlackMessage } from './finding';
import { code, fitLines } from './text';

export const DIGEST_EVENT_TYPE = 'guardduty_digest';

const BANDS: readonly SeverityBand[] = ['Critical', 'High', 'Medium', 'Low'];
const TOP = 10;

function counted(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text, verbatim: true };
}

function list(label: string, rows: [string, number][]): string {
  const shown = rows.slice(0, TOP).map(([value, n]) => `${code(value, 200)} ${n}`);
  const more = rows.length > TOP ? [`and ${rows.length - TOP} more`] : [];
  return fitLines([`*${label}*`, ...shown, ...more], LIMITS.fieldText);
}

/**
 * The digest's parent message: how many findings waited, by severity, type and account. Each
 * finding follows in the thread with its buttons. Types and accounts are finding text: inline
 * code, never prose.
 */
export function renderDigest(records: readonly FindingRecord[], window: string): SlackMessage {
  const bands = counted(records.map((r) => severityBand(r.severity)));
  const bySeverity = BANDS.flatMap((band) => {
    const n = bands.find(([b]) => b === band)?.[1];
    return n === undefined ? [] : [`${band} ${n}`];
  }).join(' · ');
  const n = records.length;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `:newspaper: GuardDuty digest · ${n} finding${n === 1 ? '' : 's'}`,
        emoji: true,
      },
    },
    { type: 'section', text: mrkdwn(`*By severity*: ${bySeverity}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(list('By type', counted(records.map((r) => r.type)))),
        mrkdwn(list('By account', counted(records.map((r) => r.accountId)))),
      ],
    },
    {
      type: 'context',
      elements: [mrkdwn(`${window} · each finding is in the thread, with its buttons`)],
    },
  ];
  return {
    text: `GuardDuty digest: ${n} finding${n === 1 ? '' : 's'} (${bySeverity})`,
    blocks,
    metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { count: n } },
  };
}
