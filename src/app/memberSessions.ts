import type { AccountSessions } from '../actions/ports/accountSessions';
import type { AwsGateway } from '../actions/ports/awsGateway';
import { StsAccountSessions, type SessionCredentials } from '../aws/memberSessions';
import { sessionGateways } from '../aws/sessionGateways';
import { createAwsGateway } from './awsGateway';

/** The remediation gateway over clients holding a member role session's credentials. */
export function memberGateway(credentials: SessionCredentials): AwsGateway {
  return createAwsGateway(sessionGateways(credentials));
}

/** Sessions in member accounts over STS, with the stack's own credentials. */
export function memberSessions(): AccountSessions {
  return new StsAccountSessions({ gatewayFor: memberGateway });
}
