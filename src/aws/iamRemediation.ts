import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  GetRoleCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutRolePermissionsBoundaryCommand,
  UpdateAccessKeyCommand,
  type CreatePolicyCommandInput,
  type DeletePolicyCommandInput,
  type DeleteRolePermissionsBoundaryCommandInput,
  type GetRoleCommandInput,
  type ListAccessKeysCommandInput,
  type PutRolePermissionsBoundaryCommandInput,
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
  CreatePolicy: async (client, input) =>
    resultOf(await client.send(new CreatePolicyCommand(input as CreatePolicyCommandInput))),
  DeletePolicy: async (client, input) =>
    resultOf(await client.send(new DeletePolicyCommand(input as DeletePolicyCommandInput))),
  PutRolePermissionsBoundary: async (client, input) =>
    resultOf(
      await client.send(
        new PutRolePermissionsBoundaryCommand(input as PutRolePermissionsBoundaryCommandInput),
      ),
    ),
  DeleteRolePermissionsBoundary: async (client, input) =>
    resultOf(
      await client.send(
        new DeleteRolePermissionsBoundaryCommand(
          input as DeleteRolePermissionsBoundaryCommandInput,
        ),
      ),
    ),
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
