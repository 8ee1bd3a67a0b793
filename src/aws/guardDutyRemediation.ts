import {
  ArchiveFindingsCommand,
  CreateFilterCommand,
  CreateIPSetCommand,
  CreateThreatIntelSetCommand,
  DeleteFilterCommand,
  GetIPSetCommand,
  GetThreatIntelSetCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListIPSetsCommand,
  ListThreatIntelSetsCommand,
  UnarchiveFindingsCommand,
  UpdateIPSetCommand,
  UpdateThreatIntelSetCommand,
  type ArchiveFindingsCommandInput,
  type CreateFilterCommandInput,
  type CreateIPSetCommandInput,
  type CreateThreatIntelSetCommandInput,
  type DeleteFilterCommandInput,
  type GetIPSetCommandInput,
  type GetThreatIntelSetCommandInput,
  type ListIPSetsCommandInput,
  type ListThreatIntelSetsCommandInput,
  type UnarchiveFindingsCommandInput,
  type UpdateIPSetCommandInput,
  type UpdateThreatIntelSetCommandInput,
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
  // The account's IP lists: a ThreatIntelSet and an IPSet in the Region's detector.
  ListThreatIntelSets: async (client, input) =>
    resultOf(
      await client.send(new ListThreatIntelSetsCommand(input as ListThreatIntelSetsCommandInput)),
    ),
  GetThreatIntelSet: async (client, input) =>
    resultOf(
      await client.send(new GetThreatIntelSetCommand(input as GetThreatIntelSetCommandInput)),
    ),
  CreateThreatIntelSet: async (client, input) =>
    resultOf(
      await client.send(new CreateThreatIntelSetCommand(input as CreateThreatIntelSetCommandInput)),
    ),
  UpdateThreatIntelSet: async (client, input) =>
    resultOf(
      await client.send(new UpdateThreatIntelSetCommand(input as UpdateThreatIntelSetCommandInput)),
    ),
  ListIPSets: async (client, input) =>
    resultOf(await client.send(new ListIPSetsCommand(input as ListIPSetsCommandInput))),
  GetIPSet: async (client, input) =>
    resultOf(await client.send(new GetIPSetCommand(input as GetIPSetCommandInput))),
  CreateIPSet: async (client, input) =>
    resultOf(await client.send(new CreateIPSetCommand(input as CreateIPSetCommandInput))),
  UpdateIPSet: async (client, input) =>
    resultOf(await client.send(new UpdateIPSetCommand(input as UpdateIPSetCommandInput))),
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
