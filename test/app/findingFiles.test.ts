import { parseFindingFile } from '../../src/app/findingFiles';
import { FindingValidationError } from '../../src/findings';
import { fixtureFinding, rawFinding, rawFixture } from '../../harness/fixtures';
import { sdkFixture } from '../../harness/sdkFindings';

const PORTSCAN = 'Recon_EC2_Portscan.json';
const DEV_ALICE = 'Synthetic_Discovery_IAMUser_AnomalousBehavior.json';
const ids = (text: string) => parseFindingFile(text).map((p) => p.finding.id);

describe('the finding files post reads', () => {
  it('reads `aws guardduty get-findings` output (PascalCase) through the SDK shape converter', () => {
    // What `aws guardduty get-findings --output json` prints: the SDK's members, dates as text.
    const cli = JSON.stringify(
      { Findings: [sdkFixture(PORTSCAN), sdkFixture(DEV_ALICE)] },
      null,
      4,
    );
    expect(cli).toContain('"Service": {');
    const [portscan, devAlice] = parseFindingFile(cli).map((p) => p.finding);
    expect(portscan).toEqual(fixtureFinding(PORTSCAN));
    expect(devAlice).toEqual(fixtureFinding(DEV_ALICE));
  });

  it('reads a {"findings": [...]} list, an array, one finding, one event', () => {
    const portscan = rawFinding(PORTSCAN);
    const event = rawFixture(DEV_ALICE);
    expect(ids(JSON.stringify({ findings: [portscan, event] }))).toEqual([
      fixtureFinding(PORTSCAN).id,
      fixtureFinding(DEV_ALICE).id,
    ]);
    expect(ids(JSON.stringify([event]))).toEqual([fixtureFinding(DEV_ALICE).id]);
    expect(ids(JSON.stringify(portscan))).toEqual([fixtureFinding(PORTSCAN).id]);
    expect(parseFindingFile(JSON.stringify(event))[0]?.eventId).toBe((event as { id: string }).id);
  });

  it('reads JSON lines of EventBridge events (blank lines and CRLF too)', () => {
    const lines = [rawFixture(PORTSCAN), rawFixture(DEV_ALICE)].map((e) => JSON.stringify(e));
    expect(ids(`${lines[0]}\r\n\r\n${lines[1]}\n`)).toEqual([
      fixtureFinding(PORTSCAN).id,
      fixtureFinding(DEV_ALICE).id,
    ]);
  });

  it.each([
    [
      'a bad get-findings item, named by its place',
      () => {
        const bad = sdkFixture(PORTSCAN) as unknown as Record<string, unknown>;
        delete bad.Id;
        return JSON.stringify({ Findings: [sdkFixture(DEV_ALICE), { ...bad, Type: 'x' }] });
      },
      'read as `aws guardduty get-findings` output (PascalCase), Findings[1]: id: missing (expected string)',
    ],
    [
      'a bad line of JSON lines',
      () =>
        `${JSON.stringify(rawFixture(PORTSCAN))}\n${JSON.stringify({ ...rawFixture(DEV_ALICE), source: 'aws.ec2' })}`,
      'read as JSON lines of findings or events, line 2: source: must be "aws.guardduty", got "aws.ec2"',
    ],
    [
      'a bad single finding',
      () => JSON.stringify({ ...rawFinding(PORTSCAN), severity: 42 }),
      'read as a finding or EventBridge event: severity: must be between 0 and 10',
    ],
    [
      'something else',
      () => JSON.stringify({ Items: [], Count: 0 }),
      'an object with Items, Count: not a GuardDuty finding, an EventBridge event, a list of them, {"findings": [...]} or `aws guardduty get-findings` output ({"Findings": [...]})',
    ],
    [
      'neither JSON nor JSON lines',
      () => '{"Findings": [',
      /^not JSON, nor JSON lines \(one finding or event per line\): /,
    ],
  ])('says what shape it read for %s', (_, text, message) => {
    expect(() => parseFindingFile(text())).toThrow(FindingValidationError);
    expect(() => parseFindingFile(text())).toThrow(message);
  });
});
