import {
  ListParentsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import type { AccountDirectory } from '../actions/ports/accountDirectory';

interface Cached<T> {
  readonly value: Promise<T>;
  readonly until: number;
}

export interface OrganizationsDirectoryOptions {
  readonly client?: OrganizationsClient;
  readonly clock?: () => Date;
  /** Names and OUs change rarely: kept an hour. */
  readonly ttlMs?: number;
  /** A failed read (no Organizations access) is not asked again for this long. */
  readonly failureTtlMs?: number;
}

/**
 * Account names and OUs from AWS Organizations, for a stack in the management account or a
 * delegated administrator of Organizations: every account's name from one paginated
 * `ListAccounts`, an account's OUs from `ListParents` up to the root, each kept for an hour.
 */
export class OrganizationsDirectory implements AccountDirectory {
  private readonly client: OrganizationsClient;
  private readonly clock: () => Date;
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private names: Cached<ReadonlyMap<string, string>> | undefined;
  private readonly parentsOf = new Map<string, Cached<readonly string[]>>();

  constructor(options: OrganizationsDirectoryOptions = {}) {
    this.client = options.client ?? new OrganizationsClient({ maxAttempts: 3 });
    this.clock = options.clock ?? (() => new Date());
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.failureTtlMs = options.failureTtlMs ?? 300_000;
  }

  async name(accountId: string): Promise<string | undefined> {
    return (await this.list()).get(accountId);
  }

  list(): Promise<ReadonlyMap<string, string>> {
    if (this.names === undefined || this.names.until <= this.now()) {
      this.names = this.cache(this.listNames());
    }
    return this.names.value;
  }

  async parents(accountId: string): Promise<readonly string[]> {
    const cached = this.parentsOf.get(accountId);
    if (cached !== undefined && cached.until > this.now()) return cached.value;
    const fresh = this.cache(this.walkUp(accountId));
    this.parentsOf.set(accountId, fresh);
    return fresh.value;
  }

  private now(): number {
    return this.clock().getTime();
  }

  /** Kept for the TTL once it resolves; a rejection only for the shorter failure TTL. */
  private cache<T>(value: Promise<T>): Cached<T> {
    const entry = { value, until: this.now() + this.ttlMs };
    value.catch(() => {
      entry.until = this.now() + this.failureTtlMs;
    });
    return entry;
  }

  private async listNames(): Promise<ReadonlyMap<string, string>> {
    const names = new Map<string, string>();
    for await (const page of paginateListAccounts({ client: this.client }, {})) {
      for (const account of page.Accounts ?? []) {
        if (account.Id !== undefined && account.Name !== undefined) {
          names.set(account.Id, account.Name);
        }
      }
    }
    return names;
  }

  private async walkUp(accountId: string): Promise<readonly string[]> {
    const parents: string[] = [];
    let child = accountId;
    // An organisation is at most five OUs deep under its root.
    for (let depth = 0; depth < 8; depth += 1) {
      const answer = await this.client.send(new ListParentsCommand({ ChildId: child }));
      const parent = answer.Parents?.[0];
      if (parent?.Id === undefined) break;
      parents.push(parent.Id);
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    return parents;
  }
}
