/**
 * The organisation's accounts as remediation needs them: a name to show, and the organisational
 * units above an account (for an allow-list of OUs). `src/aws/` implements it over AWS
 * Organizations; either call may throw when the stack has no Organizations access.
 */
export interface AccountDirectory {
  /** The account's name, or undefined when Organizations has no such account. */
  name(accountId: string): Promise<string | undefined>;
  /** Every account's name: id → name. */
  list(): Promise<ReadonlyMap<string, string>>;
  /** The ids of the OUs above the account, nearest first, ending with the root (r-…). */
  parents(accountId: string): Promise<readonly string[]>;
}
