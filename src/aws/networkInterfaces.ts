import { EC2Client, paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import type { NetworkInterface, NetworkInterfaceLister } from '../ipinsights/flowLogs';

/**
 * The account's ENIs in the client's region, from EC2 DescribeNetworkInterfaces (paginated):
 * what maps a flow log's `interface-id` to its instance when the format has no `instance-id`.
 * Needs `ec2:DescribeNetworkInterfaces` (no resource type: `"*"`). ENIs of terminated
 * instances are gone, so their flows are counted as "no known instance".
 */
export class Ec2NetworkInterfaces implements NetworkInterfaceLister {
  constructor(private readonly client: EC2Client = new EC2Client({})) {}

  async *list(): AsyncIterable<NetworkInterface> {
    const pages = paginateDescribeNetworkInterfaces({ client: this.client }, { MaxResults: 1000 });
    for await (const page of pages) {
      for (const eni of page.NetworkInterfaces ?? []) {
        if (eni.NetworkInterfaceId === undefined) continue;
        const instanceId = eni.Attachment?.InstanceId;
        yield {
          interfaceId: eni.NetworkInterfaceId,
          ...(instanceId === undefined ? {} : { instanceId }),
          privateIps: (eni.PrivateIpAddresses ?? []).flatMap((a) =>
            a.PrivateIpAddress === undefined ? [] : [a.PrivateIpAddress],
          ),
        };
      }
    }
  }
}
