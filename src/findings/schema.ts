import * as z from 'zod';

// Loose objects keep fields we do not model: GuardDuty adds fields over time and a
// finding we cannot fully describe must still reach the channel.

const isoTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO-8601 timestamp',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a valid date');

// AWS emits the ASN as a string, some fixtures and older events as a number.
const asn = z.union([z.string(), z.number()]).transform(String);

const RemoteIpDetailsSchema = z.looseObject({
  ipAddressV4: z.string().optional(),
  ipAddressV6: z.string().optional(),
  organization: z
    .looseObject({
      asn: asn.optional(),
      asnOrg: z.string().optional(),
      isp: z.string().optional(),
      org: z.string().optional(),
    })
    .optional(),
  country: z
    .looseObject({ countryCode: z.string().optional(), countryName: z.string().optional() })
    .optional(),
  city: z.looseObject({ cityName: z.string().optional() }).optional(),
});

const PortDetailsSchema = z.looseObject({
  port: z.number().int().optional(),
  portName: z.string().optional(),
});

const AwsApiCallActionSchema = z.looseObject({
  api: z.string().optional(),
  serviceName: z.string().optional(),
  callerType: z.string().optional(),
  userAgent: z.string().optional(),
  errorCode: z.string().optional(),
  remoteIpDetails: RemoteIpDetailsSchema.optional(),
  domainDetails: z.looseObject({ domain: z.string().optional() }).optional(),
  remoteAccountDetails: z
    .looseObject({ accountId: z.string().optional(), affiliated: z.boolean().optional() })
    .optional(),
});

const NetworkConnectionActionSchema = z.looseObject({
  connectionDirection: z.string().optional(),
  protocol: z.string().optional(),
  blocked: z.boolean().optional(),
  localPortDetails: PortDetailsSchema.optional(),
  remotePortDetails: PortDetailsSchema.optional(),
  remoteIpDetails: RemoteIpDetailsSchema.optional(),
});

const PortProbeActionSchema = z.looseObject({
  blocked: z.boolean().optional(),
  portProbeDetails: z
    .array(
      z.looseObject({
        localPortDetails: PortDetailsSchema.optional(),
        remoteIpDetails: RemoteIpDetailsSchema.optional(),
      }),
    )
    .optional(),
});

const DnsRequestActionSchema = z.looseObject({
  domain: z.string().optional(),
  protocol: z.string().optional(),
  blocked: z.boolean().optional(),
});

const RdsLoginAttemptActionSchema = z.looseObject({
  remoteIpDetails: RemoteIpDetailsSchema.optional(),
});

const ActionSchema = z.looseObject({
  actionType: z.string().optional(),
  awsApiCallAction: AwsApiCallActionSchema.optional(),
  networkConnectionAction: NetworkConnectionActionSchema.optional(),
  portProbeAction: PortProbeActionSchema.optional(),
  dnsRequestAction: DnsRequestActionSchema.optional(),
  rdsLoginAttemptAction: RdsLoginAttemptActionSchema.optional(),
});

const TagSchema = z.looseObject({ key: z.string().optional(), value: z.string().optional() });

const NetworkInterfaceSchema = z.looseObject({
  networkInterfaceId: z.string().optional(),
  vpcId: z.string().optional(),
  subnetId: z.string().optional(),
  privateIpAddress: z.string().optional(),
  publicIp: z.string().optional(),
  securityGroups: z
    .array(z.looseObject({ groupId: z.string().optional(), groupName: z.string().optional() }))
    .optional(),
});

const ResourceSchema = z.looseObject({
  resourceType: z.string().optional(),
  accessKeyDetails: z
    .looseObject({
      accessKeyId: z.string().optional(),
      principalId: z.string().optional(),
      userName: z.string().optional(),
      userType: z.string().optional(),
    })
    .optional(),
  instanceDetails: z
    .looseObject({
      instanceId: z.string().optional(),
      instanceType: z.string().optional(),
      instanceState: z.string().optional(),
      availabilityZone: z.string().optional(),
      imageId: z.string().optional(),
      networkInterfaces: z.array(NetworkInterfaceSchema).optional(),
      tags: z.array(TagSchema).optional(),
    })
    .optional(),
  s3BucketDetails: z
    .array(z.looseObject({ name: z.string().optional(), arn: z.string().optional() }))
    .optional(),
  rdsDbInstanceDetails: z
    .looseObject({
      dbInstanceIdentifier: z.string().optional(),
      dbClusterIdentifier: z.string().optional(),
      engine: z.string().optional(),
    })
    .optional(),
  rdsDbUserDetails: z
    .looseObject({ user: z.string().optional(), database: z.string().optional() })
    .optional(),
});

const ServiceSchema = z.looseObject({
  action: ActionSchema.optional(),
  archived: z.boolean().default(false),
  count: z.number().int().min(1, 'must be at least 1').default(1),
  detectorId: z.string().optional(),
  eventFirstSeen: isoTimestamp.optional(),
  eventLastSeen: isoTimestamp.optional(),
  resourceRole: z.string().optional(),
  additionalInfo: z.unknown().optional(),
  // GuardDuty's own threat intelligence behind the finding (its list name, the threat names).
  // GuardDuty sends `"evidence": null` when it has none, and nulls inside it.
  evidence: z
    .looseObject({
      threatIntelligenceDetails: z
        .array(
          z.looseObject({
            threatListName: z.string().nullish(),
            threatNames: z.array(z.string()).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

export const FindingSchema = z.looseObject({
  // The id goes into console URLs and store keys: keep it to the characters AWS uses.
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, "_" or "-"'),
  type: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  severity: z.number().min(0, 'must be between 0 and 10').max(10, 'must be between 0 and 10'),
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region name'),
  partition: z.string().optional(),
  arn: z.string().optional(),
  schemaVersion: z.string().optional(),
  title: z.string().default(''),
  description: z.string().optional(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  resource: ResourceSchema.optional(),
  service: ServiceSchema,
});

export const EventBridgeEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal('GuardDuty Finding', {
    error: (issue) => `must be "GuardDuty Finding", got ${JSON.stringify(issue.input)}`,
  }),
  source: z.literal('aws.guardduty', {
    error: (issue) => `must be "aws.guardduty", got ${JSON.stringify(issue.input)}`,
  }),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  detail: FindingSchema,
});

export type Finding = z.infer<typeof FindingSchema>;
export type RemoteIpDetails = z.infer<typeof RemoteIpDetailsSchema>;
export type FindingResource = z.infer<typeof ResourceSchema>;
