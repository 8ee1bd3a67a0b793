import { numberToIpv4, parseCidr } from '../../ipinsights/ip';
import { randomInt, type Random } from '../../ipinsights/random';
import { syntheticAsns, syntheticUser, userLoginIp, type SyntheticUser } from './syntheticLogins';

/**
 * Synthetic CloudTrail for the demo and tests: realistic records for named principals with home
 * ranges (including the principals of the demo findings) and for tutorial-style users, plus the
 * AWS-service and IPv6 calls real trails contain. Deterministic for a given Random.
 */

export interface CloudTrailUserIdentity {
  readonly type: 'IAMUser' | 'AssumedRole' | 'Root' | 'AWSService';
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly invokedBy?: string;
}

export interface CloudTrailRecord {
  readonly eventVersion: string;
  readonly userIdentity: CloudTrailUserIdentity;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly requestID: string;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly eventType: string;
  readonly managementEvent: boolean;
  readonly recipientAccountId: string;
}

/** One object as CloudTrail writes it to S3: its key and its `{"Records": [...]}` body. */
export interface CloudTrailLogFile {
  readonly key: string;
  readonly body: { readonly Records: readonly CloudTrailRecord[] };
}

/** A principal with the address ranges it normally calls from. */
export interface NamedPrincipal {
  readonly identity: CloudTrailUserIdentity;
  readonly ranges: readonly string[];
  /** Calls per day, on average. */
  readonly callsPerDay: number;
  /** Share of calls over IPv6 (from 2001:db8::/32), as dual-stack clients make. */
  readonly ipv6Share?: number;
}

const DEMO_ACCOUNT_ID = '123456789012';

/**
 * The principals of the demo findings (test/fixtures/guardduty). dev-alice works from her home
 * and office ranges, so the finding's 203.0.113.77 reads unusual; the ec2-app role calls from
 * EC2 addresses, so 198.51.100.23 does too; GeneratedFindingPrincipalId lives in 198.51.100.0/24,
 * so the sample findings' 198.51.100.0 reads typical. Instance ids are never CloudTrail
 * principals, which shows the "never seen in training" case.
 */
const DEMO_PRINCIPALS: readonly NamedPrincipal[] = [
  {
    identity: {
      type: 'IAMUser',
      principalId: 'AIDA123456789EXAMPLE',
      arn: `arn:aws:iam::${DEMO_ACCOUNT_ID}:user/dev-alice`,
      accountId: DEMO_ACCOUNT_ID,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'dev-alice',
    },
    ranges: ['100.20.0.0/16', '192.0.2.0/24'],
    callsPerDay: 120,
    ipv6Share: 0.05,
  },
  {
    identity: {
      type: 'AssumedRole',
      principalId: 'AROA123456789EXAMPLE:i-0abcd1234ef567890',
      arn: `arn:aws:sts::${DEMO_ACCOUNT_ID}:assumed-role/ec2-app/i-0abcd1234ef567890`,
      accountId: DEMO_ACCOUNT_ID,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    },
    ranges: ['54.240.196.0/24', '3.80.0.0/16'],
    callsPerDay: 300,
  },
  {
    identity: {
      type: 'IAMUser',
      principalId: 'GeneratedFindingPrincipalId',
      arn: `arn:aws:iam::${DEMO_ACCOUNT_ID}:user/GeneratedFindingUserName`,
      accountId: DEMO_ACCOUNT_ID,
      accessKeyId: 'GeneratedFindingAccessKeyId',
      userName: 'GeneratedFindingUserName',
    },
    ranges: ['198.51.100.0/24', '100.64.0.0/16'],
    callsPerDay: 80,
  },
  {
    identity: {
      type: 'Root',
      principalId: DEMO_ACCOUNT_ID,
      arn: `arn:aws:iam::${DEMO_ACCOUNT_ID}:root`,
      accountId: DEMO_ACCOUNT_ID,
    },
    ranges: ['100.20.0.0/16'],
    callsPerDay: 2,
  },
];

export interface SyntheticCloudTrailOptions {
  /** Last moment of the trail; records spread over `days` before it. */
  readonly end: Date;
  readonly days?: number;
  /** Tutorial-style IAM users added to the named principals. */
  readonly extraUsers?: number;
  readonly principals?: readonly NamedPrincipal[];
  readonly accountId?: string;
  readonly region?: string;
  /** Share of records made by AWS services on the account's behalf (skipped in training). */
  readonly awsServiceShare?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const API_CALLS = [
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['iam.amazonaws.com', 'ListUsers', true],
  ['sts.amazonaws.com', 'GetCallerIdentity', true],
  ['ec2.amazonaws.com', 'RunInstances', false],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', false],
] as const;
const SERVICE_CALLERS = ['ec2.amazonaws.com', 'lambda.amazonaws.com'] as const;
/** Console calls AWS makes on a person's behalf: CloudTrail shows "AWS Internal" as the source. */
const INTERNAL_SHARE = 0.02;
const USER_AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1',
  'Boto3/1.34.69 Python/3.12.2',
  'console.amazonaws.com',
];

interface Caller {
  readonly identity: CloudTrailUserIdentity;
  readonly calls: number;
  readonly ip: () => string;
}

/** Generates hourly log files (CloudTrail's S3 layout) for every principal over `days` days. */
export function generateSyntheticCloudTrail(
  options: SyntheticCloudTrailOptions,
  random: Random,
): CloudTrailLogFile[] {
  const days = options.days ?? 14;
  const accountId = options.accountId ?? DEMO_ACCOUNT_ID;
  const region = options.region ?? 'us-east-1';
  const callers = [
    ...(options.principals ?? DEMO_PRINCIPALS).map((p) => namedCaller(p, days, random)),
    ...tutorialCallers(options.extraUsers ?? 40, accountId, days, random),
  ];
  const start = options.end.getTime() - days * DAY_MS;
  const records: CloudTrailRecord[] = [];
  const record = (identity: CloudTrailUserIdentity, sourceIPAddress: string): void => {
    const [eventSource, eventName, readOnly] =
      API_CALLS[randomInt(random, API_CALLS.length)] ?? API_CALLS[0];
    records.push({
      eventVersion: '1.09',
      userIdentity: identity,
      eventTime: new Date(start + Math.floor(random.next() * days * DAY_MS))
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      eventSource,
      eventName,
      awsRegion: region,
      sourceIPAddress,
      userAgent: USER_AGENTS[randomInt(random, USER_AGENTS.length)] ?? '',
      requestID: randomHexId(random),
      eventID: randomHexId(random),
      readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
    });
  };
  for (const caller of callers) {
    for (let i = 0; i < caller.calls; i++) record(caller.identity, caller.ip());
  }
  const serviceCalls = Math.round(records.length * (options.awsServiceShare ?? 0.1));
  for (let i = 0; i < serviceCalls; i++) {
    const source =
      SERVICE_CALLERS[randomInt(random, SERVICE_CALLERS.length)] ?? 'ec2.amazonaws.com';
    record({ type: 'AWSService', invokedBy: source }, source);
  }
  const internalCalls = Math.round(records.length * INTERNAL_SHARE);
  for (let i = 0; i < internalCalls; i++) {
    const caller = callers[randomInt(random, callers.length)];
    if (caller !== undefined) record(caller.identity, 'AWS Internal');
  }
  return intoHourlyFiles(records, accountId, region);
}

function namedCaller(principal: NamedPrincipal, days: number, random: Random): Caller {
  const ranges = principal.ranges.map((cidr) => {
    const range = parseCidr(cidr);
    if (range === undefined) throw new Error(`bad CIDR in synthetic principal: ${cidr}`);
    return range;
  });
  return {
    identity: principal.identity,
    calls: Math.max(1, Math.round(principal.callsPerDay * days)),
    ip: () => {
      if (random.next() < (principal.ipv6Share ?? 0)) {
        return `2001:db8:${randomInt(random, 0x10000).toString(16)}::${randomInt(random, 0x10000).toString(16)}`;
      }
      const range = ranges[randomInt(random, ranges.length)] ?? { first: 0, size: 1 };
      return numberToIpv4(range.first + randomInt(random, range.size));
    },
  };
}

function tutorialCallers(count: number, accountId: string, days: number, random: Random): Caller[] {
  const asns = syntheticAsns(2000, random);
  return Array.from({ length: count }, (_, i) => {
    const user: SyntheticUser = syntheticUser(asns.length, random, {
      maxLogins: 50 * days,
      homeWorkWindow: 160,
    });
    const name = `user-${String(i + 1).padStart(3, '0')}`;
    const id = `AIDA${(0x10000000 + i).toString(16).toUpperCase()}EXAMPLE`;
    return {
      identity: {
        type: 'IAMUser',
        principalId: id,
        arn: `arn:aws:iam::${accountId}:user/${name}`,
        accountId,
        accessKeyId: `AKIA${(0x10000000 + i).toString(16).toUpperCase()}EXAMPLE`,
        userName: name,
      },
      calls: user.logins,
      ip: () => numberToIpv4(userLoginIp(user, asns, random)),
    } satisfies Caller;
  });
}

function randomHexId(random: Random): string {
  const part = () => random.nextUint32().toString(16).padStart(8, '0');
  return `${part()}-${part().slice(0, 4)}-${part().slice(0, 4)}-${part().slice(0, 4)}-${part()}${part().slice(0, 4)}`;
}

function intoHourlyFiles(
  records: CloudTrailRecord[],
  accountId: string,
  region: string,
): CloudTrailLogFile[] {
  const byHour = new Map<number, CloudTrailRecord[]>();
  for (const r of records) {
    const hour = Math.floor(Date.parse(r.eventTime) / HOUR_MS);
    const bucket = byHour.get(hour) ?? [];
    bucket.push(r);
    byHour.set(hour, bucket);
  }
  return [...byHour.entries()]
    .sort(([a], [b]) => a - b)
    .map(([hour, hourRecords]) => {
      hourRecords.sort((a, b) =>
        a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0,
      );
      const at = new Date(hour * HOUR_MS).toISOString();
      const [date = '', time = ''] = at.split('T');
      const [yyyy, mm, dd] = date.split('-');
      const stamp = `${date.replaceAll('-', '')}T${time.slice(0, 5).replace(':', '')}Z`;
      return {
        key: `AWSLogs/${accountId}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${accountId}_CloudTrail_${region}_${stamp}_${hour.toString(36)}.json.gz`,
        body: { Records: hourRecords },
      };
    });
}
