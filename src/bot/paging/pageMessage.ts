import type { Button } from '@slack/types';
import * as z from 'zod';
import type { PageState } from '../../paging/pageState';
import { ours } from '../render/text';
import { timeOf, userRef } from '../interactions/words';

/** The paging buttons: `page:trigger` ("Page on-call") and `page:acknowledge`. */
export const PAGE_ACTION_PATTERN = /^page:(trigger|acknowledge)$/;

const PageButtonValue = z.strictObject({ f: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

export interface PageButton {
  readonly action: 'trigger' | 'acknowledge';
  readonly findingId: string;
}

/** A clicked paging button; undefined for anything we did not draw. */
export function parsePageButton(
  actionId: string,
  value: string | undefined,
): PageButton | undefined {
  const match = PAGE_ACTION_PATTERN.exec(actionId);
  if (match === null || value === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = PageButtonValue.safeParse(json);
  if (!parsed.success) return undefined;
  return { action: match[1] as PageButton['action'], findingId: parsed.data.f };
}

function button(action: PageButton['action'], findingId: string, text: string): Button {
  return {
    type: 'button',
    action_id: `page:${action}`,
    text: { type: 'plain_text', text, emoji: false },
    value: JSON.stringify({ f: findingId }),
    ...(action === 'trigger'
      ? {
          confirm: {
            title: { type: 'plain_text', text: 'Page on-call?' },
            text: {
              type: 'mrkdwn',
              text: 'Page the on-call responder about this finding now?',
              verbatim: true,
            },
            confirm: { type: 'plain_text', text: 'Page on-call' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }
      : {}),
  };
}

/**
 * The paging button a message carries: "Acknowledge" while on-call is paged, "Page on-call" for a
 * finding its route did not page (or whose page was resolved or failed for good), none otherwise.
 */
export function pageButtons(findingId: string, page: PageState | undefined): Button[] {
  if (page?.status === 'triggered') return [button('acknowledge', findingId, 'Acknowledge')];
  if (page === undefined || page.status === 'resolved' || page.final === true) {
    return [button('trigger', findingId, 'Page on-call')];
  }
  return [];
}

/** The page's status line on the message. */
export function pageLine(page: PageState | undefined, tool: string): string | undefined {
  if (page === undefined) return undefined;
  const by = page.by === undefined ? '' : ` by ${userRef({ teamId: '', ...page.by })}`;
  const at = timeOf(page.at);
  switch (page.status) {
    case 'triggered':
      return `:pager: *On-call paged* through ${ours(tool, 40)}${by} at ${at}: incident triggered`;
    case 'acknowledged':
      return `:pager: *Page acknowledged*${by} at ${at}`;
    case 'resolved':
      return `:white_check_mark: *Page resolved* at ${at}${page.reason === undefined ? '' : ` (${ours(page.reason, 120)}${by})`}`;
    case 'failed':
      return page.final === true
        ? `:x: *Paging on-call failed* at ${at}: ${ours(page.error ?? 'unknown error', 300)}. The request is in the dead-letter queue; page by hand.`
        : `:warning: *Paging on-call failed* at ${at}, trying again: ${ours(page.error ?? 'unknown error', 300)}`;
  }
}
