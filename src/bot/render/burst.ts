import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from './finding';
import { code } from './text';
import { formatUtc } from './time';

/** Metadata type of a burst's message: a stale claim looks for its finding in these threads. */
export const BURST_EVENT_TYPE = 'guardduty_burst';

export interface BurstView {
  readonly accountId: string;
  readonly type: string;
  /** When the burst's window opened. */
  readonly windowStart: number;
}

function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text, verbatim: true };
}

/**
 * The message a burst's findings reply under: one type in one account since when; Slack's own
 * reply count under it says how many (exact, however many instances post into the thread). The
 * type and the account are finding text: inline code, and never in the notification text.
 */
export function renderBurst(view: BurstView): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':rotating_light: Burst: many findings of one type in one account',
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Type*\n${code(view.type, 200)}`),
        mrkdwn(`*Account*\n${code(view.accountId, 40)}`),
      ],
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Since ${formatUtc(view.windowStart)} · each finding is a reply in the thread, with its buttons`,
        ),
      ],
    },
  ];
  return {
    text: 'GuardDuty burst: many findings of one type in one account (each in the thread)',
    blocks,
    metadata: { event_type: BURST_EVENT_TYPE, event_payload: {} },
  };
}
