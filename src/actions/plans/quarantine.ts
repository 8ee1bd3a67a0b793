import type { JsonObject } from '../audit/record';
import { ref, type AwsCall } from '../ports/awsGateway';
import { AlreadyInStateError, RemediationRefusedError, TargetNotFoundError } from '../errors';
import { hasProtectedTag, PROTECTED_TAG } from '../guardrails';
import { QUARANTINE_GROUP_NAME, QUARANTINE_GROUP_TAG } from '../targets';
import {
  appliedBy,
  settleAllOrNothing,
  stringField,
  type Execution,
  type PlanContext,
  type Planner,
  type Settlement,
} from './types';

const QUARANTINE_TAGS = {
  by: 'guardduty-chatops:quarantined-by',
  at: 'guardduty-chatops:quarantined-at',
  finding: 'guardduty-chatops:quarantined-finding',
} as const;

export interface InterfaceGroups {
  readonly networkInterfaceId: string;
  readonly groupIds: readonly string[];
}

interface InstanceFacts {
  readonly instanceId: string;
  readonly vpcId: string;
  readonly interfaces: readonly InterfaceGroups[];
  /** Attached EBS volumes; unknown in a dry run. */
  readonly volumeIds?: readonly string[];
  /** The quarantine group of the VPC, when it exists already. */
  readonly quarantineGroupId?: string;
}

interface DescribedInstance {
  readonly VpcId?: string;
  readonly Tags?: readonly { Key?: string; Value?: string }[];
  readonly NetworkInterfaces?: readonly {
    NetworkInterfaceId?: string;
    Groups?: readonly { GroupId?: string }[];
  }[];
  readonly BlockDeviceMappings?: readonly { Ebs?: { VolumeId?: string } }[];
}

function interfacesAsJson(interfaces: readonly InterfaceGroups[]): JsonObject[] {
  return interfaces.map((i) => ({
    networkInterfaceId: i.networkInterfaceId,
    groupIds: [...i.groupIds],
  }));
}

function interfacesFromJson(value: unknown): InterfaceGroups[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const record = item as { networkInterfaceId?: unknown; groupIds?: unknown };
    const id = stringField(record.networkInterfaceId);
    if (id === undefined || !Array.isArray(record.groupIds)) return [];
    return [
      { networkInterfaceId: id, groupIds: record.groupIds.filter((g) => typeof g === 'string') },
    ];
  });
}

function firstInstance(output: Readonly<Record<string, unknown>>): DescribedInstance | undefined {
  const reservations = (output.Reservations ?? []) as readonly {
    Instances?: readonly DescribedInstance[];
  }[];
  return reservations.flatMap((r) => r.Instances ?? [])[0];
}

function snapshotCalls(context: PlanContext, facts: InstanceFacts): AwsCall[] {
  if (context.intent.snapshot !== true) return [];
  const { finding } = context;
  const call = (volumeId: string | JsonObject, note?: string): AwsCall => ({
    service: 'ec2',
    command: 'CreateSnapshot',
    region: finding.region,
    input: {
      VolumeId: volumeId,
      Description: `guardduty-chatops forensics before quarantine of ${facts.instanceId} (finding ${finding.id})`,
      TagSpecifications: [
        {
          ResourceType: 'snapshot',
          Tags: [
            { Key: QUARANTINE_TAGS.finding, Value: finding.id },
            { Key: 'guardduty-chatops:instance', Value: facts.instanceId },
          ],
        },
      ],
    },
    ...(note === undefined ? {} : { note }),
  });
  if (facts.volumeIds === undefined) {
    return [call(ref('volumeId'), 'one call per attached EBS volume')];
  }
  return facts.volumeIds.map((volumeId) => call(volumeId));
}

function groupCalls(context: PlanContext, facts: InstanceFacts): AwsCall[] {
  if (facts.quarantineGroupId !== undefined) return [];
  const region = context.finding.region;
  const note = context.intent.dryRun
    ? `only if ${QUARANTINE_GROUP_NAME} does not exist in ${facts.vpcId} yet`
    : undefined;
  return [
    {
      service: 'ec2',
      command: 'CreateSecurityGroup',
      region,
      input: {
        GroupName: QUARANTINE_GROUP_NAME,
        Description: 'guardduty-chatops quarantine: no inbound and no outbound rules',
        VpcId: facts.vpcId,
        // Tagged as it is created: IAM lets the worker revoke egress only on groups with this tag,
        // and add it only in this call.
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: [{ ...QUARANTINE_GROUP_TAG }] },
        ],
      },
      captures: { quarantineGroupId: 'GroupId' },
      ...(note === undefined ? {} : { note }),
    },
    {
      service: 'ec2',
      command: 'RevokeSecurityGroupEgress',
      region,
      input: {
        GroupId: ref('quarantineGroupId'),
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
      note: 'removes the allow-all egress rule a new group starts with',
    },
  ];
}

function quarantineGroupOf(facts: InstanceFacts, execution: Execution): string {
  if (facts.quarantineGroupId !== undefined) return facts.quarantineGroupId;
  const created = execution.executed.find((e) => e.call.command === 'CreateSecurityGroup');
  return (
    stringField(created?.result.output.GroupId) ?? `(${QUARANTINE_GROUP_NAME} in ${facts.vpcId})`
  );
}

/**
 * Quarantine instance: optional snapshots first (forensics), the VPC's quarantine group (found or
 * created, with no rules), every network interface moved to it alone, the instance tagged with
 * who, when and which finding. The original groups per interface are what release restores.
 */
export const quarantinePlanner: Planner<InstanceFacts> = {
  assume(context) {
    const details = context.finding.resource?.instanceDetails;
    const interfaces = (details?.networkInterfaces ?? []).flatMap((eni) =>
      eni.networkInterfaceId === undefined
        ? []
        : [
            {
              networkInterfaceId: eni.networkInterfaceId,
              groupIds: (eni.securityGroups ?? []).flatMap((g) =>
                g.groupId === undefined ? [] : [g.groupId],
              ),
            },
          ],
    );
    return {
      instanceId: context.intent.target,
      vpcId: details?.networkInterfaces?.[0]?.vpcId ?? '(the instance VPC)',
      interfaces,
    };
  },

  async observe(context, read) {
    const instanceId = context.intent.target;
    const region = context.finding.region;
    const described = await read({
      service: 'ec2',
      command: 'DescribeInstances',
      region,
      input: { InstanceIds: [instanceId] },
    });
    const instance = firstInstance(described.output);
    if (instance?.VpcId === undefined) {
      throw new TargetNotFoundError(`instance ${instanceId} not found in ${region}`);
    }
    const tags = (instance.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
    if (hasProtectedTag(tags)) {
      throw new RemediationRefusedError(`the instance is tagged ${PROTECTED_TAG}`);
    }
    const groups = await read({
      service: 'ec2',
      command: 'DescribeSecurityGroups',
      region,
      input: {
        Filters: [
          { Name: 'vpc-id', Values: [instance.VpcId] },
          { Name: 'group-name', Values: [QUARANTINE_GROUP_NAME] },
        ],
      },
    });
    const found = (groups.output.SecurityGroups ?? []) as readonly { GroupId?: string }[];
    const quarantineGroupId = found[0]?.GroupId;
    const interfaces = (instance.NetworkInterfaces ?? []).flatMap((eni) =>
      eni.NetworkInterfaceId === undefined
        ? []
        : [
            {
              networkInterfaceId: eni.NetworkInterfaceId,
              groupIds: (eni.Groups ?? []).flatMap((g) =>
                g.GroupId === undefined ? [] : [g.GroupId],
              ),
            },
          ],
    );
    if (interfaces.length === 0) {
      throw new TargetNotFoundError(`instance ${instanceId} has no network interfaces`);
    }
    if (
      quarantineGroupId !== undefined &&
      interfaces.every((i) => i.groupIds.length === 1 && i.groupIds[0] === quarantineGroupId)
    ) {
      throw new AlreadyInStateError(
        `instance ${instanceId} is already in ${QUARANTINE_GROUP_NAME}`,
      );
    }
    return {
      instanceId,
      vpcId: instance.VpcId,
      interfaces,
      volumeIds: (instance.BlockDeviceMappings ?? []).flatMap((m) =>
        m.Ebs?.VolumeId === undefined ? [] : [m.Ebs.VolumeId],
      ),
      ...(quarantineGroupId === undefined ? {} : { quarantineGroupId }),
    };
  },

  plan(context, facts) {
    const { finding, intent } = context;
    const region = finding.region;
    const groupId = facts.quarantineGroupId ?? ref('quarantineGroupId');
    const moves: AwsCall[] = facts.interfaces.map((eni) => ({
      service: 'ec2',
      command: 'ModifyNetworkInterfaceAttribute',
      region,
      input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [groupId] },
    }));
    const tag: AwsCall = {
      service: 'ec2',
      command: 'CreateTags',
      region,
      input: {
        Resources: [facts.instanceId],
        Tags: [
          { Key: QUARANTINE_TAGS.by, Value: intent.actor.userName ?? intent.actor.userId },
          { Key: QUARANTINE_TAGS.at, Value: context.now.toISOString() },
          { Key: QUARANTINE_TAGS.finding, Value: finding.id },
        ],
      },
    };
    return {
      calls: [...snapshotCalls(context, facts), ...groupCalls(context, facts), ...moves, tag],
      before: {
        instanceId: facts.instanceId,
        vpcId: facts.vpcId,
        interfaces: interfacesAsJson(facts.interfaces),
      },
      settle(execution): Settlement {
        const quarantineGroupId = quarantineGroupOf(facts, execution);
        const moved = facts.interfaces.filter((eni) =>
          execution.executed.some(
            (e) =>
              e.call.command === 'ModifyNetworkInterfaceAttribute' &&
              e.call.input.NetworkInterfaceId === eni.networkInterfaceId,
          ),
        );
        const snapshots = execution.executed.flatMap((e) => {
          const id = stringField(e.result.output.SnapshotId);
          return e.call.command === 'CreateSnapshot' && id !== undefined ? [id] : [];
        });
        const inForce = execution.complete ? facts.interfaces : moved;
        if (!execution.complete && moved.length === 0) return { after: {}, change: { keep: true } };
        const undo = {
          instanceId: facts.instanceId,
          region,
          quarantineGroupId,
          interfaces: interfacesAsJson(inForce),
        };
        return {
          after: {
            quarantineGroupId,
            interfaces: inForce.map((eni) => ({
              networkInterfaceId: eni.networkInterfaceId,
              groupIds: [quarantineGroupId],
            })),
            snapshots,
          },
          change: { set: appliedBy(context, undo, execution.dryRun, !execution.complete) },
        };
      },
    };
  },
};

/** Release from quarantine: the recorded groups back on each interface, the tags removed. */
export const releasePlanner: Planner<undefined> = {
  assume: () => undefined,
  plan(context) {
    const undo = context.applied?.undo ?? {};
    const instanceId = stringField(undo.instanceId) ?? context.intent.target;
    const region = stringField(undo.region) ?? context.finding.region;
    const interfaces = interfacesFromJson(undo.interfaces);
    return {
      calls: [
        ...interfaces.map((eni): AwsCall => ({
          service: 'ec2',
          command: 'ModifyNetworkInterfaceAttribute',
          region,
          input: { NetworkInterfaceId: eni.networkInterfaceId, Groups: [...eni.groupIds] },
        })),
        {
          service: 'ec2',
          command: 'DeleteTags',
          region,
          input: {
            Resources: [instanceId],
            Tags: [
              { Key: QUARANTINE_TAGS.by },
              { Key: QUARANTINE_TAGS.at },
              { Key: QUARANTINE_TAGS.finding },
            ],
          },
        },
      ],
      before: { quarantineGroupId: stringField(undo.quarantineGroupId) ?? null },
      settle: settleAllOrNothing(context, { interfaces: interfacesAsJson(interfaces) }, undefined),
    };
  },
};
