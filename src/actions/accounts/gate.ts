import type { Actor } from '../contract';
import type { GuardrailConfig } from '../guardrails';
import type { AccountDirectory } from '../ports/accountDirectory';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import {
  isAdminAccount,
  memberRoleFor,
  MEMBER_ROLE_STEP,
  type MemberRole,
  type OrganizationSetup,
} from './policy';

/** One account as messages and the worker see it. */
export interface AccountView {
  readonly accountId: string;
  /** From the accounts file, else from Organizations; undefined when neither knows it. */
  readonly name?: string;
  /** The stack's own account (the GuardDuty administrator). */
  readonly admin: boolean;
  /** Undefined when remediation may act in the account; otherwise why not, in words. */
  readonly notAllowed?: string;
  /** The accounts file makes it dry-run only. */
  readonly dryRunOnly: boolean;
}

/**
 * Applies the accounts policy: who may be remediated (an allow-list of ids or OUs), each
 * account's dry run and protected principals, its name, the role to assume there. The findings
 * function asks it to draw a message (read-only, with the reason, when not allowed); the worker
 * asks it again before acting, with its own configuration.
 */
export class AccountGate {
  constructor(
    private readonly setup: OrganizationSetup,
    private readonly directory: AccountDirectory | undefined,
    private readonly log: Log,
  ) {}

  get organization(): OrganizationSetup {
    return this.setup;
  }

  async view(accountId: string): Promise<AccountView> {
    const settings = this.setup.policy.accounts[accountId];
    const name = settings?.name ?? (await this.directoryName(accountId));
    const notAllowed = await this.whyNotAllowed(accountId);
    return {
      accountId,
      ...(name === undefined ? {} : { name }),
      admin: isAdminAccount(this.setup, accountId),
      ...(notAllowed === undefined ? {} : { notAllowed }),
      dryRunOnly: settings?.dryRun === true,
    };
  }

  /** The stack's guardrails with the account's own added: dry run if either says so. */
  guardrails(base: GuardrailConfig, accountId: string): GuardrailConfig {
    const settings = this.setup.policy.accounts[accountId];
    return {
      dryRun: base.dryRun || settings?.dryRun === true,
      protectedPrincipals: [...base.protectedPrincipals, ...(settings?.protectedPrincipals ?? [])],
    };
  }

  /**
   * Every account whose name is known: Organizations' names, with the accounts file's over them.
   * Organizations unreadable: the file's names only (and a warning in the log).
   */
  async names(): Promise<ReadonlyMap<string, string>> {
    const names = new Map<string, string>();
    if (this.setup.policy.organizations && this.directory !== undefined) {
      try {
        for (const [id, name] of await this.directory.list()) names.set(id, name);
      } catch (error) {
        this.log.warn('account names unknown: Organizations could not be read', {
          error: errorMessage(error),
        });
      }
    }
    for (const [id, settings] of Object.entries(this.setup.policy.accounts)) {
      if (settings.name !== undefined) names.set(id, settings.name);
    }
    return names;
  }

  role(accountId: string, actor: Actor, partition?: string): MemberRole | undefined {
    return memberRoleFor(this.setup, accountId, actor, partition);
  }

  private async directoryName(accountId: string): Promise<string | undefined> {
    if (!this.setup.policy.organizations || this.directory === undefined) return undefined;
    try {
      return await this.directory.name(accountId);
    } catch (error) {
      this.log.warn('account name unknown: Organizations could not be read', {
        accountId,
        error: errorMessage(error),
      });
      return undefined;
    }
  }

  private async whyNotAllowed(accountId: string): Promise<string | undefined> {
    const { setup } = this;
    if (!isAdminAccount(setup, accountId) && setup.memberRoleName === undefined) {
      return `remediation acts only in the stack's own account ${setup.adminAccountId ?? ''}; to act in ${accountId}, deploy the member role there and set MemberRoleName (${MEMBER_ROLE_STEP})`;
    }
    const allow = setup.policy.allow;
    if (allow === undefined || allow.accounts.includes(accountId)) return undefined;
    const listed = `account ${accountId} is not in the accounts file's allow-list`;
    if (allow.ous.length === 0) return listed;
    if (!setup.policy.organizations || this.directory === undefined) {
      return `${listed}, and its OU is unknown (the accounts file lists OUs but organizations is not true)`;
    }
    let parents: readonly string[];
    try {
      parents = await this.directory.parents(accountId);
    } catch (error) {
      return `${listed}, and its OU could not be read from AWS Organizations (${errorMessage(error)})`;
    }
    if (parents.some((parent) => allow.ous.includes(parent))) return undefined;
    return `${listed} and is in none of its OUs (${allow.ous.join(', ')})`;
  }
}
