import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type CreateSecurityGroupCommandInput,
  type CreateSnapshotCommandInput,
  type CreateTagsCommandInput,
  type DeleteTagsCommandInput,
  type DescribeInstancesCommandInput,
  type DescribeSecurityGroupsCommandInput,
  type ModifyNetworkInterfaceAttributeCommandInput,
  type RevokeSecurityGroupEgressCommandInput,
} from '@aws-sdk/client-ec2';
import type { AwsCall, AwsCallResult, AwsGateway } from '../actions/ports/awsGateway';
import {
  RegionalClients,
  RemediationRetry,
  UnsupportedCallError,
  resultOf,
} from './remediationCalls';

type Sender = (client: EC2Client, input: object) => Promise<AwsCallResult>;

// Inputs are built by the planners in the SDK's own shape; the casts only name the type.
const SENDERS: Readonly<Record<string, Sender>> = {
  DescribeInstances: async (client, input) =>
    resultOf(
      await client.send(new DescribeInstancesCommand(input as DescribeInstancesCommandInput)),
    ),
  DescribeSecurityGroups: async (client, input) =>
    resultOf(
      await client.send(
        new DescribeSecurityGroupsCommand(input as DescribeSecurityGroupsCommandInput),
      ),
    ),
  CreateSecurityGroup: async (client, input) =>
    resultOf(
      await client.send(new CreateSecurityGroupCommand(input as CreateSecurityGroupCommandInput)),
    ),
  RevokeSecurityGroupEgress: async (client, input) =>
    resultOf(
      await client.send(
        new RevokeSecurityGroupEgressCommand(input as RevokeSecurityGroupEgressCommandInput),
      ),
    ),
  ModifyNetworkInterfaceAttribute: async (client, input) =>
    resultOf(
      await client.send(
        new ModifyNetworkInterfaceAttributeCommand(
          input as ModifyNetworkInterfaceAttributeCommandInput,
        ),
      ),
    ),
  CreateTags: async (client, input) =>
    resultOf(await client.send(new CreateTagsCommand(input as CreateTagsCommandInput))),
  DeleteTags: async (client, input) =>
    resultOf(await client.send(new DeleteTagsCommand(input as DeleteTagsCommandInput))),
  CreateSnapshot: async (client, input) =>
    resultOf(await client.send(new CreateSnapshotCommand(input as CreateSnapshotCommandInput))),
};

/** EC2 remediation calls (quarantine and release), each in the finding's region. */
export class Ec2Gateway implements AwsGateway {
  private readonly clients: RegionalClients<EC2Client>;

  constructor(clientFor?: (region: string) => EC2Client) {
    this.clients = new RegionalClients(
      clientFor ?? ((region) => new EC2Client({ region, ...RemediationRetry })),
    );
  }

  call(call: AwsCall): Promise<AwsCallResult> {
    const send = SENDERS[call.command];
    if (call.service !== 'ec2' || send === undefined) throw new UnsupportedCallError(call);
    return send(this.clients.get(call.region), call.input);
  }
}
