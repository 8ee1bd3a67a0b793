import { Ec2NetworkInterfaces } from '../aws/networkInterfaces';
import type { NetworkInterfaceLister } from '../ipinsights/flowLogs';

/** EC2's ENI list for `train --flow-logs`, with the SDK's default region and credentials. */
export function ec2NetworkInterfaces(): NetworkInterfaceLister {
  return new Ec2NetworkInterfaces();
}
