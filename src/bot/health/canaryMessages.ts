import type { KnownBlock } from '@slack/types';
import { CHECK_LABELS, clockTime, duration, type CheckName } from '../../health/checks';
import type { Notice, RegionState } from '../../health/regionState';
import { ours } from '../render/text';
import { context, mrkdwn } from '../commands/responses';

/** Whatever AWS or Slack said, in our sentences: escaped, never a link or a mention. */
const safe = (text: string, max = 600) => ours(text, max);

/**
 * "for 1 h 10 min": findings have not arrived since the last sample that did (or the first run
 * that missed one).
 */
function notArrivedFor(state: RegionState, now: Date): string {
  const from = state.lastOk.sample ?? state.failing.sample?.since;
  if (from === undefined) return '';
  return state.lastOk.sample === undefined
    ? `since ${clockTime(from)}`
    : `for ${duration(now.getTime() - Date.parse(from))}`;
}

/** "since 11:00 UTC", with how long once it is an hour or more: when a run first saw it. */
function failingSince(since: string | undefined, now: Date): string {
  if (since === undefined) return '';
  const ms = now.getTime() - Date.parse(since);
  return ` (failing since ${clockTime(since)}${ms >= 3_600_000 ? `, ${duration(ms)}` : ''})`;
}

function failingLine(region: string, check: CheckName, state: RegionState, now: Date): string {
  const detail = state.failing[check]?.detail ?? '';
  if (check === 'sample') {
    return `• *Findings from ${safe(region, 40)} have not arrived ${notArrivedFor(state, now)}*: ${safe(detail)}`;
  }
  return `• *${CHECK_LABELS[check]}*: ${safe(detail)}${failingSince(state.failing[check]?.since, now)}`;
}

/** Recovered: failing from the first run that saw it to the run that saw it pass. */
function clearedLine(check: CheckName, notice: Notice, recoveredAt: Date): string {
  const since = notice.clearedSince[check];
  const after =
    since === undefined ? '' : ` after ${duration(recoveredAt.getTime() - Date.parse(since))}`;
  return check === 'sample'
    ? `• *Findings arrive again*${after}`
    : `• *${CHECK_LABELS[check]}* works again${after}`;
}

/**
 * The channel message of a region's state change: what fails now (each check with how long it
 * has been failing), what recovered, and what earlier messages could not be posted. Our own
 * words only; AWS's and Slack's strings are escaped.
 */
export function canaryNoticeMessage(
  region: string,
  notice: Notice,
  state: RegionState,
  now: Date,
): { readonly text: string; readonly blocks: KnownBlock[] } {
  const where = safe(region, 40);
  const title =
    notice.failing.length === 0
      ? `:white_check_mark: *guardduty-chatops canary: ${where} is healthy again*`
      : notice.raised.length > 0
        ? `:rotating_light: *guardduty-chatops canary: ${where} is failing*`
        : `:warning: *guardduty-chatops canary: ${where} is still failing*`;
  const lines = [
    title,
    ...notice.failing.map((check) => failingLine(region, check, state, now)),
    ...notice.cleared.map((check) =>
      clearedLine(check, notice, state.lastRun === undefined ? now : new Date(state.lastRun.at)),
    ),
  ];
  if (notice.undelivered !== undefined) {
    lines.push(
      `• Earlier canary messages could not be posted since ${clockTime(notice.undelivered.since)} (${safe(notice.undelivered.error, 200)}).`,
    );
  }
  const text = lines.join('\n');
  const footer =
    notice.failing.length === 0
      ? `Checked ${clockTime(now)}.`
      : `Checked ${clockTime(now)}. The next message comes when this changes; \`/guardduty status\` shows the state at any time.`;
  return {
    text: lines.slice(0, 2).join(' ').replace(/\*/g, '').slice(0, 300),
    blocks: [{ type: 'section', text: mrkdwn(text.slice(0, 3000)) }, context(footer)],
  };
}
