import { extractTuples } from '../../../src/findings';
import { trainDemoModel } from '../../../src/app/demo/trainDemoModel';
import { encodeModel } from '../../../src/ipinsights/modelFile';
import { readScore, scoreMostUnusual, type Reading } from '../../../src/ipinsights/reading';
import { generateSyntheticCloudTrail } from '../../../src/app/demo/syntheticCloudTrail';
import { seededRandom } from '../../../src/ipinsights/random';
import { fixtureFinding } from '../../../harness/fixtures';

const NOW = new Date('2026-11-25T08:00:00Z');
const demo = trainDemoModel({ now: () => NOW });

async function readingFor(fixture: string): Promise<Reading> {
  const extraction = extractTuples(fixtureFinding(fixture));
  if (!extraction.scorable) throw new Error(extraction.reason);
  const picked = await scoreMostUnusual(demo.scorer, extraction.tuples);
  if (picked === undefined) throw new Error('no tuple');
  return readScore(picked.result, picked.tuple.entity);
}

describe('demo model', () => {
  it("reads dev-alice's call from 203.0.113.77 as never seen from that network", async () => {
    const reading = await readingFor('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    expect(reading).toMatchObject({ level: 'never-seen', label: 'Never seen from this network' });
    expect(reading.text).toMatch(
      /^Never seen from this network: more unusual than (all|9\d(\.\d)?%) of this principal's own history and (all|9\d(\.\d)?%) of the account's normal activity$/,
    );
    expect(reading.why).toMatch(/^never seen from 203\.0\.0\.0\/16 in [\d,]+ training pairs$/);
  });

  it("reads the ec2-app role's credentials used from 198.51.100.23 as never seen", async () => {
    const reading = await readingFor(
      'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
    );
    expect(reading.level).toBe('never-seen');
  });

  it("reads the sample findings' GeneratedFindingPrincipalId at 198.51.100.0 as usual", async () => {
    const reading = await readingFor('UnauthorizedAccess_IAMUser_TorIPCaller.json');
    expect(reading.level).toBe('usual');
    expect(reading.why).toMatch(/^seen [\d,]+ times from 198\.51\.0\.0\/16 in training$/);
  });

  it('reads a port probe of the web server from a network it rarely sees as rare', async () => {
    const reading = await readingFor(
      'Synthetic_Recon_EC2_PortProbeUnprotectedPort.MultiSource.json',
    );
    expect(reading).toMatchObject({ level: 'rare', label: 'Rare' });
    expect(reading.why).toMatch(/^seen [\d,]+ times from 192\.0\.0\.0\/16 in training$/);
  });

  it("reads GuardDuty's sample instance from a network it seldom sees as rare, learned from flow logs", async () => {
    const reading = await readingFor('UnauthorizedAccess_EC2_TorClient.json');
    expect(reading.level).toBe('rare');
    expect(reading.why).toMatch(/^seen [\d,]+ times from 198\.51\.0\.0\/16 in training$/);
  });

  it('reads the worker calling a mining pool as never seen from that network', async () => {
    const reading = await readingFor('Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json');
    expect(reading.level).toBe('never-seen');
    expect(reading.why).toMatch(/^never seen from 198\.18\.0\.0\/16 in [\d,]+ training pairs$/);
  });

  it('reads a database user it has no history for as not scored', async () => {
    await expect(readingFor('Discovery_RDS_TorIPCaller.json')).resolves.toMatchObject({
      level: 'no-history',
      text: 'No history for this database user — not scored',
    });
  });

  it('trains the instances from its synthetic VPC Flow Logs, as train --flow-logs reads them', () => {
    expect(demo.flowFiles[0]?.key).toMatch(
      /^AWSLogs\/123456789012\/vpcflowlogs\/us-east-1\/2026\/11\/12\/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261112T0000Z_\w+\.log\.gz$/,
    );
    expect(demo.flowFiles[0]?.text.split('\n')[0]).toBe(
      'version account-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction',
    );
    expect(demo.flowStats.ipv4).toBeGreaterThan(7000);
    expect(demo.flowStats.skipped.rejected).toBeGreaterThan(0);
    expect(demo.flowStats.skipped['not-ok']).toBeGreaterThan(0);
    for (const instance of ['i-99999999', 'i-0abcd1234ef567890', 'i-0fedc9876ba543210']) {
      expect(demo.model.isKnownEntity(instance)).toBe(true);
    }
  });

  it('skips AWS service calls and counts IPv6 from the synthetic trail', () => {
    expect(demo.stats.skipped['aws-service']).toBeGreaterThan(0);
    expect(demo.stats.ipv6).toBeGreaterThan(0);
    expect(demo.model.metadata.entityCount).toBe(47);
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
