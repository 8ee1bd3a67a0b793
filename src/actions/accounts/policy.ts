import type { Actor } from '../contract';

/**
 * Which accounts of an organisation remediation may act in, and how: read from the accounts
 * file (`accountsFile.ts`). Pure data; the gate (`gate.ts`) applies it.
 */
export interface AccountSettings {
  /** Shown on messages instead of the name Organizations gives (or when it gives none). */
  readonly name?: string;
  /** Plan and audit only in this account, whatever the stack's DryRun says. */
  readonly dryRun?: boolean;
  /** Principals never touched in this account, on top of PROTECTED_PRINCIPALS. */
  readonly protectedPrincipals: readonly string[];
}

export interface AccountsPolicy {
  /** Names (ListAccounts) and organisational units (ListParents) come from AWS Organizations. */
  readonly organizations: boolean;
  /** Remediation acts only in these accounts, or in accounts under these OUs; absent = every one. */
  readonly allow?: { readonly accounts: readonly string[]; readonly ous: readonly string[] };
  readonly accounts: Readonly<Record<string, AccountSettings>>;
}

/** No accounts file: every account allowed, names from nowhere. */
export const EVERY_ACCOUNT: AccountsPolicy = { organizations: false, accounts: {} };

/** Where the stack stands in the organisation, from its own configuration. */
export interface OrganizationSetup {
  /** The stack's own account (the GuardDuty administrator); unknown = every finding is local. */
  readonly adminAccountId?: string;
  /** The role the worker assumes in a member account; absent = the stack acts in its own only. */
  readonly memberRoleName?: string;
  /** Sent with every AssumeRole when the member role's trust policy asks for one. */
  readonly externalId?: string;
  readonly policy: AccountsPolicy;
}

/** The role the worker acts as in a member account, and the session it opens there. */
export interface MemberRole {
  readonly accountId: string;
  readonly roleArn: string;
  /** RoleSessionName and SourceIdentity: the member account's CloudTrail names the responder. */
  readonly sessionName: string;
  readonly externalId?: string;
}

/** The README section that deploys the member role (named by failures that need it). */
export const MEMBER_ROLE_STEP =
  'README, "Deploy across an organization", step 3 (the member-role StackSet)';

/**
 * RoleSessionName and SourceIdentity allow 2–64 of `[\w+=,.@-]`: the Slack user id, which is
 * unique and stable, and the user name for people reading CloudTrail.
 */
export function sessionNameOf(actor: Actor): string {
  const name = actor.userName === undefined ? '' : `-${actor.userName}`;
  return `slack-${actor.userId}${name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Whether a finding's account is the stack's own (then no role is assumed). */
export function isAdminAccount(setup: OrganizationSetup, accountId: string): boolean {
  return setup.adminAccountId === undefined || setup.adminAccountId === accountId;
}

/** The member role to assume for acting in `accountId`, or undefined in the stack's own account. */
export function memberRoleFor(
  setup: OrganizationSetup,
  accountId: string,
  actor: Actor,
  partition = 'aws',
): MemberRole | undefined {
  if (isAdminAccount(setup, accountId) || setup.memberRoleName === undefined) return undefined;
  return {
    accountId,
    roleArn: `arn:${partition}:iam::${accountId}:role/${setup.memberRoleName}`,
    sessionName: sessionNameOf(actor),
    ...(setup.externalId === undefined ? {} : { externalId: setup.externalId }),
  };
}

/** The ARN CloudTrail and STS give the member role's session. */
export function assumedRoleArn(role: MemberRole): string {
  const [prefix = 'arn:aws:iam', rest = ''] = role.roleArn.split('::');
  const partition = prefix.split(':')[1] ?? 'aws';
  const roleName = rest.split('/').at(-1) ?? '';
  return `arn:${partition}:sts::${role.accountId}:assumed-role/${roleName}/${role.sessionName}`;
}

/** Where an action acts, as the plan, the audit log and the thread reply say it. */
export interface Placement {
  readonly accountId: string;
  readonly region: string;
  readonly accountName?: string;
  /** The finding is in the stack's own account: IAM and EC2 calls use the stack's credentials. */
  readonly admin: boolean;
  /** In a member account: the role IAM and EC2 calls run as. */
  readonly role?: MemberRole;
}
