import { readFile } from 'node:fs/promises';
import { AccountsInvalidError, parseAccounts } from '../actions/accounts/accountsFile';
import { AccountGate } from '../actions/accounts/gate';
import { EVERY_ACCOUNT, type AccountsPolicy } from '../actions/accounts/policy';
import type { AccountDirectory } from '../actions/ports/accountDirectory';
import { OrganizationsDirectory } from '../aws/organizationsDirectory';
import { readRoutesParameter } from '../aws/routesParameter';
import type { Config } from '../config';
import type { Log } from '../shared/log';

/**
 * The accounts file in force: `ACCOUNTS_FILE`, the SSM parameter `ACCOUNTS_PARAMETER` names, or
 * none (every account allowed). A bad file stops the start with one line naming the field.
 */
export async function loadAccountsPolicy(
  config: Pick<Config, 'organization'>,
  readParameter: (name: string) => Promise<string> = readRoutesParameter,
): Promise<AccountsPolicy> {
  const setting = config.organization.accounts;
  switch (setting.kind) {
    case 'none':
      return EVERY_ACCOUNT;
    case 'file': {
      let text: string;
      try {
        text = await readFile(setting.path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new AccountsInvalidError(
          `accounts (${setting.path}): cannot read the file (${code})`,
        );
      }
      return parseAccounts(text, setting.path);
    }
    case 'parameter':
      return parseAccounts(await readParameter(setting.name), `SSM parameter ${setting.name}`);
  }
}

/** The gate over the policy; names and OUs from Organizations when the file says so. */
export function accountGate(
  config: Pick<Config, 'organization'>,
  policy: AccountsPolicy,
  log: Log,
  directory: AccountDirectory | undefined = policy.organizations
    ? new OrganizationsDirectory()
    : undefined,
): AccountGate {
  const { adminAccountId, memberRoleName, externalId } = config.organization;
  return new AccountGate(
    {
      ...(adminAccountId === undefined ? {} : { adminAccountId }),
      ...(memberRoleName === undefined ? {} : { memberRoleName }),
      ...(externalId === undefined ? {} : { externalId }),
      policy,
    },
    directory,
    log,
  );
}
