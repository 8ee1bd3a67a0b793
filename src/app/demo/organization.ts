import type { AccountsPolicy } from '../../actions/accounts/policy';
import type { OrganizationConfig } from '../../config';
import type { Finding } from '../../findings';

/**
 * The demo's organisation: the sample findings' own account is the GuardDuty administrator
 * (where the stack runs); two members hold some of them, in a second region too. Production is
 * dry-run only whatever `--live` says; the sandbox account is outside the allow-list, so its
 * findings are posted read-only with the reason.
 */
export const DEMO_ADMIN = '123456789012';
export const DEMO_PRODUCTION = '111122223333';
export const DEMO_SANDBOX = '444455556666';
/** Where the demo's stack runs: the region of the synthetic samples (the freshest ones). */
export const DEMO_HOME_REGION = 'us-east-2';
export const DEMO_SECOND_REGION = 'us-east-1';

export const DEMO_ORGANIZATION: OrganizationConfig = {
  adminAccountId: DEMO_ADMIN,
  memberRoleName: 'guardduty-chatops-member',
  accounts: { kind: 'none' },
};

export const DEMO_ACCOUNTS: AccountsPolicy = {
  organizations: false,
  allow: { accounts: [DEMO_ADMIN, DEMO_PRODUCTION], ous: [] },
  accounts: {
    [DEMO_ADMIN]: { name: 'security-tooling', protectedPrincipals: [] },
    [DEMO_PRODUCTION]: { name: 'prod-payments', dryRun: true, protectedPrincipals: [] },
    [DEMO_SANDBOX]: { name: 'dev-sandbox', protectedPrincipals: [] },
  },
};

/** Which samples move where (by type), keeping each finding's own id and text. */
const PLACES: Readonly<Record<string, { accountId: string; region: string }>> = {
  'UnauthorizedAccess:EC2/SSHBruteForce': {
    accountId: DEMO_PRODUCTION,
    region: DEMO_SECOND_REGION,
  },
  'CryptoCurrency:EC2/BitcoinTool.B': { accountId: DEMO_PRODUCTION, region: DEMO_SECOND_REGION },
  'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS': {
    accountId: DEMO_PRODUCTION,
    region: DEMO_HOME_REGION,
  },
  'Recon:EC2/Portscan': { accountId: DEMO_SANDBOX, region: DEMO_SECOND_REGION },
  'UnauthorizedAccess:IAMUser/TorIPCaller': { accountId: DEMO_SANDBOX, region: DEMO_HOME_REGION },
};

function placed(finding: Finding, accountId: string, region: string): Finding {
  const swap = (text: string) =>
    text.replaceAll(finding.accountId, accountId).replaceAll(finding.region, region);
  return {
    ...finding,
    accountId,
    region,
    ...(finding.arn === undefined ? {} : { arn: swap(finding.arn) }),
  };
}

/** The samples spread over the demo's three accounts and two regions. */
export function placeInOrganization(findings: readonly Finding[]): Finding[] {
  return findings.map((finding) => {
    const place = PLACES[finding.type];
    return place === undefined ? finding : placed(finding, place.accountId, place.region);
  });
}
