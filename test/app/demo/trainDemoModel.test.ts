import { extractTuples } from '../../../src/findings';
import { trainDemoModel } from '../../../src/app/demo/trainDemoModel';
import { encodeModel } from '../../../src/ipinsights/modelFile';
import { describeScore, scoreMostUnusual } from '../../../src/ipinsights/reading';
import { generateSyntheticCloudTrail } from '../../../src/app/demo/syntheticCloudTrail';
import { seededRandom } from '../../../src/ipinsights/random';
import { fixtureFinding } from '../../../harness/fixtures';

const NOW = new Date('2026-11-25T08:00:00Z');
const demo = trainDemoModel({ now: () => NOW });

async function readingFor(fixture: string): Promise<string> {
  const extraction = extractTuples(fixtureFinding(fixture));
  if (!extraction.scorable) throw new Error(extraction.reason);
  const picked = await scoreMostUnusual(demo.scorer, extraction.tuples);
  return picked === undefined ? 'none' : describeScore(picked.result);
}

describe('demo model', () => {
  it("reads dev-alice's call from 203.0.113.77 as unusual", async () => {
    await expect(readingFor('Synthetic_Discovery_IAMUser_AnomalousBehavior.json')).resolves.toMatch(
      /^More unusual than (any|9\d(\.\d)?%) of this account's normal activity/,
    );
  });

  it("reads the ec2-app role's credentials used from 198.51.100.23 as unusual", async () => {
    await expect(
      readingFor(
        'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
      ),
    ).resolves.toMatch(/^More unusual than /);
  });

  it("reads the sample findings' GeneratedFindingPrincipalId at 198.51.100.0 as typical", async () => {
    await expect(readingFor('UnauthorizedAccess_IAMUser_TorIPCaller.json')).resolves.toBe(
      'Typical for this principal',
    );
  });

  it('flags an instance as never seen in training', async () => {
    await expect(readingFor('Recon_EC2_PortProbeUnprotectedPort.json')).resolves.toMatch(
      /this principal was never seen in training$/,
    );
  });

  it('skips AWS service calls and counts IPv6 from the synthetic trail', () => {
    expect(demo.stats.skipped['aws-service']).toBeGreaterThan(0);
    expect(demo.stats.ipv6).toBeGreaterThan(0);
    expect(demo.model.metadata.entityCount).toBe(44);
  });

  it('is the same model on every start', () => {
    const again = trainDemoModel({ now: () => NOW });
    expect(Buffer.from(encodeModel(again.model)).equals(Buffer.from(encodeModel(demo.model)))).toBe(
      true,
    );
  });

  it('generates CloudTrail-shaped hourly files', () => {
    const files = generateSyntheticCloudTrail(
      { end: NOW, days: 1, extraUsers: 2 },
      seededRandom(5),
    );
    expect(files.length).toBeGreaterThan(1);
    expect(files[0]?.key).toMatch(
      /^AWSLogs\/123456789012\/CloudTrail\/us-east-1\/2026\/11\/24\/123456789012_CloudTrail_us-east-1_20261124T\d{4}Z_\w+\.json\.gz$/,
    );
    expect(files[0]?.body.Records[0]).toMatchObject({
      eventVersion: '1.09',
      eventType: 'AwsApiCall',
    });
  });
});
