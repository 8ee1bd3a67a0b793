import { SlackApiError } from '../errors';
import { compareTs, tsToMicros } from '../timestamps';
import type { SlackMessage } from '../types';

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly oldest?: string | undefined;
  readonly latest?: string | undefined;
  readonly inclusive?: boolean | undefined;
  /** History lists newest first; replies oldest first. */
  readonly newestFirst: boolean;
}

export interface Page {
  readonly messages: SlackMessage[];
  readonly has_more: boolean;
  readonly response_metadata?: { next_cursor: string };
}

const CURSOR_PREFIX = 'next_ts:';

/** Slack's cursors are opaque base64; this one names the ts the next page continues after. */
export function encodeCursor(ts: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${ts}`).toString('base64');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const ts = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (tsToMicros(ts) === undefined) throw new SlackApiError('invalid_cursor');
  return ts;
}

function inRange(ts: string, request: PageRequest): boolean {
  const inclusive = request.inclusive === true;
  const afterOldest =
    request.oldest === undefined ||
    (inclusive ? compareTs(ts, request.oldest) >= 0 : compareTs(ts, request.oldest) > 0);
  const beforeLatest =
    request.latest === undefined ||
    (inclusive ? compareTs(ts, request.latest) <= 0 : compareTs(ts, request.latest) < 0);
  return afterOldest && beforeLatest;
}

/**
 * One page of messages already in display order (newest first for history, oldest first for
 * replies). The cursor holds the last ts returned, so messages posted or deleted between two
 * pages neither repeat nor shift the next page.
 */
export function pageOf(ordered: readonly SlackMessage[], request: PageRequest): Page {
  const matching = ordered.filter((message) => inRange(message.ts, request));
  let start = 0;
  if (request.cursor !== undefined && request.cursor !== '') {
    const after = decodeCursor(request.cursor);
    const direction = request.newestFirst ? -1 : 1;
    const index = matching.findIndex((message) => direction * compareTs(message.ts, after) > 0);
    start = index === -1 ? matching.length : index;
  }
  const messages = matching.slice(start, start + request.limit);
  const last = messages.at(-1);
  const hasMore = start + request.limit < matching.length && last !== undefined;
  return hasMore
    ? { messages, has_more: true, response_metadata: { next_cursor: encodeCursor(last.ts) } }
    : { messages, has_more: false };
}
