import type { Actor } from '../../actions/contract';
import { ours } from '../render/text';
import { formatUtcTime } from '../render/time';

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
const SLACK_GROUP_ID = /^S[A-Z0-9]+$/;

/** Who may remediate: Slack user ids and user-group ids, as configured. */
export interface ResponderList {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

const MAX_NAMED = 5;

/**
 * "ask a responder: @security-oncall, @alice": who can act, as mentions Slack draws with the
 * current names (groups first: an on-call group is who to ask). Never a setting's name.
 */
export function askAResponder(responders: ResponderList): string {
  const mentions = [
    ...responders.groups.filter((id) => SLACK_GROUP_ID.test(id)).map((id) => `<!subteam^${id}>`),
    ...responders.users.filter((id) => SLACK_USER_ID.test(id)).map((id) => `<@${id}>`),
  ];
  if (mentions.length === 0) {
    return 'no responder is named yet; ask whoever runs this bot to name the responders';
  }
  const more = mentions.length > MAX_NAMED ? ` and ${mentions.length - MAX_NAMED} more` : '';
  return `ask a responder: ${mentions.slice(0, MAX_NAMED).join(', ')}${more}`;
}

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
