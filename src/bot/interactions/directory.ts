import type { WebClient } from '@slack/web-api';
import type { GroupDirectory } from '../../actions/ports/groupDirectory';

/** User-group members from Slack's `usergroups.users.list`. */
export function slackGroupDirectory(client: WebClient): GroupDirectory {
  return {
    async members(groupId) {
      const result = await client.usergroups.users.list({ usergroup: groupId });
      return result.users ?? [];
    },
  };
}
