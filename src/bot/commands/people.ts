import type { WebClient } from '@slack/web-api';

/** A workspace member whose name matched, as the answer names them. */
export interface NamedPerson {
  readonly id: string;
  readonly name: string;
}

/** users.list pages are at most 200 members; a workspace beyond 50 pages is searched in part. */
const PAGE_SIZE = 200;
const MAX_PAGES = 50;

/**
 * The people a typed `@name` can mean: the user name, display name or real name equal to it,
 * ignoring case (Slack's own names are case-insensitive). Bots and deactivated people are left
 * out: neither acts in the audit trail by hand.
 */
export async function peopleNamed(client: WebClient, name: string): Promise<NamedPerson[]> {
  const wanted = name.toLowerCase();
  const found: NamedPerson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.users.list({
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const member of result.members ?? []) {
      if (member.id === undefined || member.deleted === true || member.is_bot === true) continue;
      const names = [member.name, member.profile?.display_name, member.real_name];
      if (names.some((n) => n !== undefined && n.toLowerCase() === wanted)) {
        found.push({ id: member.id, name: member.name ?? member.id });
      }
    }
    cursor = result.response_metadata?.next_cursor || undefined;
    if (cursor === undefined) break;
  }
  return found;
}
