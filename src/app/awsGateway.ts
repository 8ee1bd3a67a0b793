import { Ec2Gateway } from '../aws/ec2Remediation';
import { GuardDutyGateway } from '../aws/guardDutyRemediation';
import { IamGateway } from '../aws/iamRemediation';
import type { AwsCall, AwsCallResult, AwsGateway } from '../actions/ports/awsGateway';

export interface ServiceGateways {
  readonly guardduty: AwsGateway;
  readonly iam: AwsGateway;
  readonly ec2: AwsGateway;
  /** The IP list files (`app/ipLists.ts`); without a bucket every list call fails, saying so. */
  readonly lists: AwsGateway;
}

const noListsBucket: AwsGateway = {
  call: () =>
    Promise.reject(
      new Error('no list bucket is configured (LISTS_BUCKET); the IP lists cannot be changed here'),
    ),
};

/** Routes each planned call to its service's adapter. */
class RoutingGateway implements AwsGateway {
  constructor(private readonly services: ServiceGateways) {}

  call(call: AwsCall): Promise<AwsCallResult> {
    return this.services[call.service].call(call);
  }
}

/** The live gateway over the SDK clients (credentials and region from the environment). */
export function createAwsGateway(services: Partial<ServiceGateways> = {}): AwsGateway {
  return new RoutingGateway({
    guardduty: services.guardduty ?? new GuardDutyGateway(),
    iam: services.iam ?? new IamGateway(),
    ec2: services.ec2 ?? new Ec2Gateway(),
    lists: services.lists ?? noListsBucket,
  });
}
