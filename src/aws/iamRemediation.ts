import {
  DeleteRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
  type DeleteRolePolicyCommandInput,
  type GetRoleCommandInput,
  type ListAccessKeysCommandInput,
  type PutRolePolicyCommandInput,
  type UpdateAccessKeyCommandInput,
} from '@aws-sdk/client-iam';
import type { AwsCall, AwsCallResult, AwsGateway } from '../actions/ports/awsGateway';
import { RemediationRetry, UnsupportedCallError, resultOf } from './remediationCalls';

type Sender = (client: IAMClient, input: object) => Promise<AwsCallResult>;

// Inputs are built by the planners in the SDK's own shape; the casts only name the type.
const SENDERS: Readonly<Record<string, Sender>> = {
  ListAccessKeys: async (client, input) =>
    resultOf(await client.send(new ListAccessKeysCommand(input as ListAccessKeysCommandInput))),
  UpdateAccessKey: async (client, input) =>
    resultOf(await client.send(new UpdateAccessKeyCommand(input as UpdateAccessKeyCommandInput))),
  GetRole: async (client, input) =>
    resultOf(await client.send(new GetRoleCommand(input as GetRoleCommandInput))),
  PutRolePolicy: async (client, input) =>
    resultOf(await client.send(new PutRolePolicyCommand(input as PutRolePolicyCommandInput))),
  DeleteRolePolicy: async (client, input) =>
    resultOf(await client.send(new DeleteRolePolicyCommand(input as DeleteRolePolicyCommandInput))),
};

/** IAM remediation calls (a global service: one client). */
export class IamGateway implements AwsGateway {
  constructor(private readonly client: IAMClient = new IAMClient({ ...RemediationRetry })) {}

  call(call: AwsCall): Promise<AwsCallResult> {
    const send = SENDERS[call.command];
    if (call.service !== 'iam' || send === undefined) throw new UnsupportedCallError(call);
    return send(this.client, call.input);
  }
}
