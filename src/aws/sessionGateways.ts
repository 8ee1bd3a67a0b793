import { EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsGateway } from '../actions/ports/awsGateway';
import { Ec2Gateway } from './ec2Remediation';
import { GuardDutyGateway } from './guardDutyRemediation';
import type { SessionCredentials } from './memberSessions';
import { IamGateway } from './iamRemediation';
import { RemediationRetry } from './remediationCalls';

/** Each service's remediation gateway over clients signing with a member role session. */
export function sessionGateways(credentials: SessionCredentials): {
  readonly guardduty: AwsGateway;
  readonly iam: AwsGateway;
  readonly ec2: AwsGateway;
} {
  return {
    guardduty: new GuardDutyGateway(
      (region) => new GuardDutyClient({ region, credentials, ...RemediationRetry }),
    ),
    iam: new IamGateway(new IAMClient({ credentials, ...RemediationRetry })),
    ec2: new Ec2Gateway((region) => new EC2Client({ region, credentials, ...RemediationRetry })),
  };
}
