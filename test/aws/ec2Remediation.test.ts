import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { MissingRegionError, UnsupportedCallError } from '../../src/aws/remediationCalls';
import { Ec2Gateway } from '../../src/aws/ec2Remediation';

const ec2 = mockClient(EC2Client);
afterAll(() => ec2.restore());

describe('Ec2Gateway', () => {
  it('uses one client per region, the region of the call', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const regions: string[] = [];
    const gateway = new Ec2Gateway((region) => {
      regions.push(region);
      return new EC2Client({ region });
    });
    const call = {
      service: 'ec2' as const,
      command: 'DescribeInstances',
      input: { InstanceIds: ['i-0abc12345678'] },
    };
    await gateway.call({ ...call, region: 'us-east-2' });
    await gateway.call({ ...call, region: 'us-east-2' });
    await gateway.call({ ...call, region: 'eu-west-1' });
    expect(regions).toEqual(['us-east-2', 'eu-west-1']);
    expect(() => gateway.call(call)).toThrow(MissingRegionError);
    expect(() => gateway.call({ ...call, command: 'TerminateInstances' })).toThrow(
      UnsupportedCallError,
    );
  });
});
