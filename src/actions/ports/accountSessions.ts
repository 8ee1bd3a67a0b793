import type { MemberRole } from '../accounts/policy';
import type { AwsGateway } from './awsGateway';

/**
 * Sessions in member accounts: a gateway whose calls run as the member role, assumed with the
 * role's session name as RoleSessionName and SourceIdentity. `src/aws/` implements it over STS,
 * caching each session until its credentials expire; a role it cannot assume throws
 * `MemberRoleUnavailableError`.
 */
export interface AccountSessions {
  gateway(role: MemberRole): Promise<AwsGateway>;
}
