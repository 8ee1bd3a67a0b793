import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2NetworkInterfaces } from '../../src/aws/networkInterfaces';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

describe('Ec2NetworkInterfaces', () => {
  it('lists every ENI of the region across pages, with its instance and private addresses', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0a1b2c3d4e5f60718',
            Attachment: { InstanceId: 'i-0abcd1234ef567890' },
            PrivateIpAddresses: [
              { PrivateIpAddress: '172.31.16.139', Primary: true },
              { PrivateIpAddress: '172.31.16.140', Primary: false },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0f0f0f0f0f0f0f0f0',
            InterfaceType: 'natGateway',
            PrivateIpAddresses: [{ PrivateIpAddress: '172.31.0.5' }],
          },
        ],
      });
    const client = new EC2Client({ region: 'eu-west-1' });
    const enis = [];
    for await (const eni of new Ec2NetworkInterfaces(client).list()) enis.push(eni);
    expect(enis).toEqual([
      {
        interfaceId: 'eni-0a1b2c3d4e5f60718',
        instanceId: 'i-0abcd1234ef567890',
        privateIps: ['172.31.16.139', '172.31.16.140'],
      },
      { interfaceId: 'eni-0f0f0f0f0f0f0f0f0', privateIps: ['172.31.0.5'] },
    ]);
    const calls = ec2.commandCalls(DescribeNetworkInterfacesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toEqual({ MaxResults: 1000, NextToken: 'page-2' });
    await expect(client.config.region()).resolves.toBe('eu-west-1');
  });
});
