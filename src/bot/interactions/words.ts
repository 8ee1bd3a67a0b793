import type { Actor } from '../../actions/contract';
import { ours } from '../render/text';
import { formatUtcTime } from '../render/time';

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** `<@U123>` for a valid user id; otherwise the escaped name, never a mention. */
export function userRef(actor: Actor): string {
  if (SLACK_USER_ID.test(actor.userId)) return `<@${actor.userId}>`;
  return ours(actor.userName ?? 'someone', 60);
}

/** "14:02 UTC" from an ISO time. */
export function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'an unknown time' : formatUtcTime(date);
}

export const DRY_RUN_NOTE = ' (dry run: nothing was changed in AWS)';
