import { compareTs } from './timestamps';
import type { ChannelSnapshot, LocalSlackSnapshot, SlackMessage } from './types';
import type { ViewRegistry } from './views';
import type { Workspace } from './workspace';

function channelSnapshot(workspace: Workspace, id: string, name: string): ChannelSnapshot {
  const all = [...workspace.channel(id).messages.values()].sort((a, b) => compareTs(a.ts, b.ts));
  const isReply = (m: SlackMessage) => m.thread_ts !== undefined && m.thread_ts !== m.ts;
  return {
    id,
    name,
    messages: all
      .filter((m) => !isReply(m) || m.subtype === 'thread_broadcast')
      .map((m) => ({
        ...m,
        replies:
          m.reply_count === undefined ? [] : all.filter((r) => isReply(r) && r.thread_ts === m.ts),
      })),
  };
}

/** A deep copy, so a reader can neither see later changes nor change the workspace. */
export function workspaceSnapshot(
  workspace: Workspace,
  views: ViewRegistry,
  revision: number,
): LocalSlackSnapshot {
  const snapshot: LocalSlackSnapshot = {
    revision,
    team: workspace.team,
    bot: workspace.bot,
    users: workspace.listUsers(),
    userGroups: workspace.listUserGroups(),
    channels: workspace.listChannels().map((c) => channelSnapshot(workspace, c.id, c.name)),
    ephemerals: workspace.listEphemerals(),
    views: views.list(),
  };
  return structuredClone(snapshot);
}
