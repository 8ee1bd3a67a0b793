import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';
import type { GroupDirectory } from './ports/groupDirectory';

export interface AuthorizerOptions {
  /** RESPONDERS: user ids and user-group ids. */
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly directory: GroupDirectory;
  readonly clock: () => Date;
  readonly log: Log;
  /** How long a group's members are trusted before asking Slack again. */
  readonly cacheMs?: number;
}

interface CachedGroup {
  readonly members: Promise<ReadonlySet<string>>;
  readonly fetchedAt: number;
}

const DEFAULT_CACHE_MS = 60_000;

/**
 * Who may remediate: the RESPONDERS users, and members of the RESPONDERS user groups (asked from
 * Slack, cached briefly so a burst of clicks costs one lookup). A failed lookup refuses: when in
 * doubt, nobody gets access through that group.
 */
export class Authorizer {
  private readonly cache = new Map<string, CachedGroup>();
  private readonly cacheMs: number;

  constructor(private readonly options: AuthorizerOptions) {
    this.cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  }

  async isResponder(userId: string): Promise<boolean> {
    if (this.options.users.includes(userId)) return true;
    for (const group of this.options.groups) {
      if ((await this.membersOf(group)).has(userId)) return true;
    }
    return false;
  }

  private membersOf(groupId: string): Promise<ReadonlySet<string>> {
    const now = this.options.clock().getTime();
    const cached = this.cache.get(groupId);
    if (cached !== undefined && now - cached.fetchedAt < this.cacheMs) return cached.members;
    const members = this.options.directory.members(groupId).then(
      (ids) => new Set(ids),
      (error: unknown) => {
        this.cache.delete(groupId);
        this.options.log.error('could not list user group members; treating the group as empty', {
          groupId,
          error: errorMessage(error),
        });
        return new Set<string>();
      },
    );
    this.cache.set(groupId, { members, fetchedAt: now });
    return members;
  }
}
