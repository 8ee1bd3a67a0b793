import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetFindingsCommand,
  GuardDutyClient,
  type Finding as SdkFinding,
} from '@aws-sdk/client-guardduty';
import { renderFinding } from '../../src/bot/render/finding';
import { FindingValidationError, parseFindingInput } from '../../src/findings';
import { findingFromSdk, wireFindingFromSdk } from '../../src/aws/sdkFinding';
import { fixtureNames, rawFinding } from '../../harness/fixtures';
import { sdkFindingFromWire } from '../../harness/sdkFindings';

/** A minimal SDK-shaped finding; tests add the members they are about. */
function sdkFinding(extra: Partial<SdkFinding> = {}): SdkFinding {
  return {
    AccountId: '123456789012',
    Arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/f1',
    CreatedAt: '2026-11-20T08:00:00.000Z',
    Id: 'f1',
    Region: 'us-east-1',
    Resource: { ResourceType: 'Instance', InstanceDetails: { InstanceId: 'i-0abc' } },
    SchemaVersion: '2.0',
    Severity: 8,
    Type: 'Recon:EC2/PortProbeUnprotectedPort',
    UpdatedAt: '2026-11-20T09:00:00.000Z',
    Service: { Archived: false, Count: 3, ServiceName: 'guardduty' },
    ...extra,
  };
}

describe('wireFindingFromSdk', () => {
  it('writes every member under its wire name', () => {
    expect(wireFindingFromSdk(sdkFinding())).toEqual({
      accountId: '123456789012',
      arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/f1',
      createdAt: '2026-11-20T08:00:00.000Z',
      id: 'f1',
      region: 'us-east-1',
      resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0abc' } },
      schemaVersion: '2.0',
      severity: 8,
      type: 'Recon:EC2/PortProbeUnprotectedPort',
      updatedAt: '2026-11-20T09:00:00.000Z',
      service: { archived: false, count: 3, serviceName: 'guardduty' },
    });
  });

  it('uses the wire names that are not the member name in camelCase', () => {
    const wire = wireFindingFromSdk(
      sdkFinding({
        Resource: {
          InstanceDetails: { ProductCodes: [{ Code: 'pc-1', ProductType: 'marketplace' }] },
        },
        Service: {
          Action: {
            KubernetesApiCallAction: { SourceIps: ['198.51.100.7'], Verb: 'get' },
            RdsLoginAttemptAction: {
              LoginAttributes: [{ User: 'admin', Application: 'psql', SuccessfulLoginAttempts: 1 }],
            },
          },
        },
      }),
    );
    expect(wire.resource).toEqual({
      instanceDetails: {
        productCodes: [{ productCodeId: 'pc-1', productCodeType: 'marketplace' }],
      },
    });
    expect(wire.service).toEqual({
      action: {
        kubernetesApiCallAction: { sourceIPs: ['198.51.100.7'], verb: 'get' },
        // GuardDuty's wire format keeps this one member capitalised.
        rdsLoginAttemptAction: {
          LoginAttributes: [{ user: 'admin', application: 'psql', successfulLoginAttempts: 1 }],
        },
      },
    });
  });

  it('keeps map keys as they are and converts the values under them', () => {
    const wire = wireFindingFromSdk(
      sdkFinding({
        Service: {
          Action: {
            AwsApiCallAction: {
              Api: 'GetObject',
              AffectedResources: { 'AWS::S3::Bucket': 'arn:aws:s3:::Logs', AccessKey: 'AKIA1' },
            },
          },
          Detection: {
            Anomaly: {
              Profiles: {
                Frequent: { UserAgents: [{ ProfileType: 'FREQUENCY', ProfileSubtype: 'RARE' }] },
              },
              Unusual: {
                Behavior: {
                  UserAgent: {
                    'curl/8.5': { ProfileType: 'FREQUENCY', Observations: { Text: ['curl'] } },
                  },
                },
              },
            },
          },
        },
      }),
    );
    expect(wire.service).toEqual({
      action: {
        awsApiCallAction: {
          api: 'GetObject',
          affectedResources: { 'AWS::S3::Bucket': 'arn:aws:s3:::Logs', AccessKey: 'AKIA1' },
        },
      },
      detection: {
        anomaly: {
          profiles: {
            Frequent: { UserAgents: [{ profileType: 'FREQUENCY', profileSubtype: 'RARE' }] },
          },
          unusual: {
            behavior: {
              UserAgent: {
                'curl/8.5': { profileType: 'FREQUENCY', observations: { text: ['curl'] } },
              },
            },
          },
        },
      },
    });
  });

  it('writes timestamps as epoch seconds, as the wire does, and drops absent members', () => {
    const wire = wireFindingFromSdk(
      sdkFinding({
        Description: undefined,
        Resource: {
          S3BucketDetails: [{ Name: 'logs', CreatedAt: new Date('2017-12-18T15:58:11.551Z') }],
        },
      }),
    );
    expect(wire).not.toHaveProperty('description');
    expect(wire.resource).toEqual({
      s3BucketDetails: [{ name: 'logs', createdAt: 1513612691.551 }],
    });
  });
});

describe('findingFromSdk', () => {
  it('gives the finding our schema parses', () => {
    const finding = findingFromSdk(sdkFinding());
    expect(finding).toMatchObject({
      id: 'f1',
      severity: 8,
      service: { archived: false, count: 3 },
      resource: { instanceDetails: { instanceId: 'i-0abc' } },
    });
  });

  it('names the bad field of a finding our schema refuses', () => {
    expect(() => findingFromSdk(sdkFinding({ AccountId: 'nope' }))).toThrow(
      new FindingValidationError('accountId: must be a 12-digit AWS account id'),
    );
  });
});

/** GuardDuty's GetFindings on loopback: answers with the findings it is given, in wire form. */
async function startGuardDutyEndpoint(
  findings: unknown[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ findings, unprocessedFindings: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('a round trip through the real SDK', () => {
  // Every fixture is sent as GuardDuty would send it, read by the SDK's own deserialiser, and
  // converted back: whatever the SDK models must come back under the same name with the same value.
  const names = fixtureNames();
  let endpoint: { url: string; server: Server };
  let sdkFindings: SdkFinding[];

  beforeAll(async () => {
    endpoint = await startGuardDutyEndpoint(names.map((name) => rawFinding(name)));
    const client = new GuardDutyClient({
      region: 'us-east-1',
      endpoint: endpoint.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const answer = await client.send(
      new GetFindingsCommand({ DetectorId: 'd1', FindingIds: ['any'] }),
    );
    client.destroy();
    sdkFindings = answer.Findings ?? [];
  });

  afterAll(async () => {
    endpoint.server.closeAllConnections();
    await new Promise((resolve) => endpoint.server.close(resolve));
  });

  it.each(names.map((name, i) => [name, i] as const))('%s', (name, i) => {
    const original = rawFinding(name);
    const sdk = sdkFindings[i]!;
    expect(sdk.Id).toBe(original.id);
    // The tests' inverse (fixtures for aws-sdk-client-mock) agrees with the SDK's deserialiser.
    expect(sdkFindingFromWire(original)).toEqual(sdk);
    const wire = wireFindingFromSdk(sdk);
    // Nothing invented or misnamed: every converted member exists in the original, equal.
    expect(original).toMatchObject(wire);
    // And what a responder sees is the same, apart from sample markers the API form lacks.
    const score = { reading: 'Unscored: no model configured' };
    const withoutInfo = (raw: Record<string, unknown>) => {
      const { additionalInfo: _dropped, ...service } = raw.service as Record<string, unknown>;
      return parseFindingInput({ ...raw, service }).finding;
    };
    expect(renderFinding(withoutInfo(wire), { score })).toEqual(
      renderFinding(withoutInfo(original), { score }),
    );
  });
});
