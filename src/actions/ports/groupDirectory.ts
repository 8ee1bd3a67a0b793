/** Members of a Slack user group (`usergroups.users.list`). */
export interface GroupDirectory {
  members(groupId: string): Promise<readonly string[]>;
}
