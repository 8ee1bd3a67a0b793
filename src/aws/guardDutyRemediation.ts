import {
  ArchiveFindingsCommand,
  CreateFilterCommand,
  DeleteFilterCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  UnarchiveFindingsCommand,
  type ArchiveFindingsCommandInput,
  type CreateFilterCommandInput,
  type DeleteFilterCommandInput,
  type UnarchiveFindingsCommandInput,
} from '@aws-sdk/client-guardduty';
import type { AwsCall, AwsCallResult, AwsGateway } from '../actions/ports/awsGateway';
import {
  RegionalClients,
  RemediationRetry,
  UnsupportedCallError,
  resultOf,
} from './remediationCalls';

type Sender = (client: GuardDutyClient, input: object) => Promise<AwsCallResult>;

// Inputs are built by the planners in the SDK's own shape; the casts only name the type.
const SENDERS: Readonly<Record<string, Sender>> = {
  // The administrator's own detector in a member finding's region (archive and filters).
  ListDetectors: async (client) => resultOf(await client.send(new ListDetectorsCommand({}))),
  ArchiveFindings: async (client, input) =>
    resultOf(await client.send(new ArchiveFindingsCommand(input as ArchiveFindingsCommandInput))),
  UnarchiveFindings: async (client, input) =>
    resultOf(
      await client.send(new UnarchiveFindingsCommand(input as UnarchiveFindingsCommandInput)),
    ),
  CreateFilter: async (client, input) =>
    resultOf(await client.send(new CreateFilterCommand(input as CreateFilterCommandInput))),
  DeleteFilter: async (client, input) =>
    resultOf(await client.send(new DeleteFilterCommand(input as DeleteFilterCommandInput))),
};

/** GuardDuty remediation calls, each in the finding's region. */
export class GuardDutyGateway implements AwsGateway {
  private readonly clients: RegionalClients<GuardDutyClient>;

  constructor(clientFor?: (region: string) => GuardDutyClient) {
    this.clients = new RegionalClients(
      clientFor ?? ((region) => new GuardDutyClient({ region, ...RemediationRetry })),
    );
  }

  call(call: AwsCall): Promise<AwsCallResult> {
    const send = SENDERS[call.command];
    if (call.service !== 'guardduty' || send === undefined) throw new UnsupportedCallError(call);
    return send(this.clients.get(call.region), call.input);
  }
}
