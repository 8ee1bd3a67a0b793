import { IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { UnsupportedCallError } from '../../src/aws/remediationCalls';
import { IamGateway } from '../../src/aws/iamRemediation';

const iam = mockClient(IAMClient);
afterAll(() => iam.restore());

describe('IamGateway', () => {
  it('sends the planned input unchanged and returns the request id', async () => {
    iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'req-iam' } });
    const result = await new IamGateway(new IAMClient({ region: 'us-east-1' })).call({
      service: 'iam',
      command: 'UpdateAccessKey',
      input: { UserName: 'dev-alice', AccessKeyId: 'AKIA123456789EXAMPLE', Status: 'Inactive' },
    });
    expect(result).toEqual({ requestId: 'req-iam', output: {} });
    expect(iam.commandCalls(UpdateAccessKeyCommand)[0]!.args[0].input).toEqual({
      UserName: 'dev-alice',
      AccessKeyId: 'AKIA123456789EXAMPLE',
      Status: 'Inactive',
    });
  });

  it('has no adapter for calls remediation never makes', () => {
    expect(() =>
      new IamGateway().call({ service: 'iam', command: 'DeleteUser', input: { UserName: 'x' } }),
    ).toThrow(UnsupportedCallError);
  });
});
