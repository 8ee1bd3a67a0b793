import * as z from 'zod';
import { SlackApiError } from '../errors';
import type { LocalSlackUser } from '../types';
import { nonEmpty, parseArgs } from '../webApiArgs';
import type { Workspace } from '../workspace';
import type { MethodHandler } from './context';

const DEFAULT_TZ = 'UTC';

/** Offset of a time zone from UTC in seconds at a given instant (what Slack's tz_offset holds). */
export function tzOffsetSeconds(timeZone: string, atMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(atMs)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (match === null) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

function tzLabel(timeZone: string, atMs: number): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'long' })
      .formatToParts(atMs)
      .find((part) => part.type === 'timeZoneName')?.value ?? timeZone
  );
}

/** A user object in the shape of users.info. */
function userObject(workspace: Workspace, user: LocalSlackUser, isBot: boolean, atMs: number) {
  const tz = user.tz ?? DEFAULT_TZ;
  const realName = user.real_name ?? user.name;
  return {
    id: user.id,
    team_id: workspace.team.id,
    name: user.name,
    deleted: false,
    real_name: realName,
    tz,
    tz_label: tzLabel(tz, atMs),
    tz_offset: tzOffsetSeconds(tz, atMs),
    is_admin: false,
    is_bot: isBot,
    is_app_user: false,
    profile: { real_name: realName, display_name: user.name, team: workspace.team.id },
  };
}

const authTest: MethodHandler = (_args, { workspace }) => ({
  url: `https://${workspace.team.domain}.slack.com/`,
  team: workspace.team.name,
  user: workspace.bot.name,
  team_id: workspace.team.id,
  user_id: workspace.bot.userId,
  bot_id: workspace.bot.botId,
  is_enterprise_install: false,
});

const usersInfo: MethodHandler = (raw, { workspace, clock }) => {
  const args = parseArgs(z.looseObject({ user: nonEmpty }), raw);
  const { bot } = workspace;
  if (args.user === bot.userId) {
    return { user: userObject(workspace, { id: bot.userId, name: bot.name }, true, clock.now()) };
  }
  const user = workspace.user(args.user);
  if (user === undefined) throw new SlackApiError('user_not_found');
  return { user: userObject(workspace, user, false, clock.now()) };
};

const USERS_PAGE_DEFAULT = 200;
const USERS_PAGE_MAX = 1000;
const USER_CURSOR_PREFIX = 'next_user:';

/** users.list: the bot and the people, by id, a page at a time with an opaque cursor. */
const usersList: MethodHandler = (raw, { workspace, clock }) => {
  const args = parseArgs(
    z.looseObject({
      limit: z.coerce.number().int().min(0).optional(),
      cursor: z.string().optional(),
    }),
    raw,
  );
  const { bot } = workspace;
  const now = clock.now();
  const members = [
    userObject(workspace, { id: bot.userId, name: bot.name }, true, now),
    ...workspace.listUsers().map((user) => userObject(workspace, user, false, now)),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const limit = Math.min(
    args.limit === undefined || args.limit === 0 ? USERS_PAGE_DEFAULT : args.limit,
    USERS_PAGE_MAX,
  );
  let start = 0;
  if (args.cursor !== undefined && args.cursor !== '') {
    const decoded = Buffer.from(args.cursor, 'base64').toString('utf8');
    if (!decoded.startsWith(USER_CURSOR_PREFIX)) throw new SlackApiError('invalid_cursor');
    const after = decoded.slice(USER_CURSOR_PREFIX.length);
    start = members.findIndex((member) => member.id.localeCompare(after) > 0);
    if (start === -1) start = members.length;
  }
  const page = members.slice(start, start + limit);
  const last = page.at(-1);
  const next =
    start + limit < members.length && last !== undefined
      ? Buffer.from(`${USER_CURSOR_PREFIX}${last.id}`).toString('base64')
      : '';
  return {
    members: page,
    cache_ts: Math.floor(now / 1000),
    response_metadata: { next_cursor: next },
  };
};

const usergroupUsers: MethodHandler = (raw, { workspace }) => {
  const args = parseArgs(z.looseObject({ usergroup: nonEmpty }), raw);
  return { users: [...workspace.groupMembers(args.usergroup)] };
};

export const directoryMethods: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'users.list': usersList,
  'usergroups.users.list': usergroupUsers,
};
