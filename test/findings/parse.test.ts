import { FindingValidationError, parseFindingInput, parseFindingsJson } from '../../src/findings';
import { fixtureNames, rawFinding, rawFixture } from '../../harness/fixtures';

function errorOf(fn: () => unknown): FindingValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FindingValidationError) return error;
    throw error;
  }
  throw new Error('expected a FindingValidationError');
}

describe('parseFindingInput', () => {
  it.each(fixtureNames())('accepts the fixture %s', (name) => {
    const raw = rawFixture(name);
    const { finding, eventId } = parseFindingInput(raw);
    const detail = (raw.detail ?? raw) as { id: string; type: string };
    expect(finding.id).toBe(detail.id);
    expect(finding.type).toBe(detail.type);
    expect(eventId).toBe(raw.detail === undefined ? undefined : raw.id);
  });

  it('takes the finding id from detail.id, not the event id', () => {
    const { finding, eventId } = parseFindingInput(
      rawFixture('CredentialAccess_IAMUser_AnomalousBehavior.json'),
    );
    expect(finding.id).toBe('6acdc15e4418414a868e8bbdf45b456b');
    expect(eventId).toBe('28e463cd-ca3b-587f-045e-49903af281e5');
  });

  it('accepts a finding without resource', () => {
    const { finding } = parseFindingInput(
      rawFixture('PrivilegeEscalation_IAMUser_AdministrativePermissions.partial-no-resource.json'),
    );
    expect(finding.resource).toBeUndefined();
  });

  it('reads the ASN whether GuardDuty sent it as a number or a string', () => {
    const numeric = parseFindingInput(rawFixture('UnauthorizedAccess_IAMUser_TorIPCaller.json'));
    expect(
      numeric.finding.service.action?.awsApiCallAction?.remoteIpDetails?.organization?.asn,
    ).toBe('-1');
    const text = parseFindingInput(
      rawFixture('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
    );
    expect(text.finding.service.action?.awsApiCallAction?.remoteIpDetails?.organization?.asn).toBe(
      '64497',
    );
  });

  it('keeps fields it does not model', () => {
    const { finding } = parseFindingInput(rawFixture('Recon_EC2_Portscan.json'));
    expect((finding as Record<string, unknown>).schemaVersion).toBe('2.0');
    expect(finding.resource?.instanceDetails).toHaveProperty('outpostArn');
  });

  it('rejects an event from another source, naming the field', () => {
    const event = { ...rawFixture('Recon_EC2_Portscan.json'), source: 'aws.ec2' };
    expect(errorOf(() => parseFindingInput(event)).message).toBe(
      'source: must be "aws.guardduty", got "aws.ec2"',
    );
  });

  it('rejects the wrong detail-type', () => {
    const event = { ...rawFixture('Recon_EC2_Portscan.json'), 'detail-type': 'EC2 Instance State' };
    expect(errorOf(() => parseFindingInput(event)).message).toBe(
      'detail-type: must be "GuardDuty Finding", got "EC2 Instance State"',
    );
  });

  it('rejects a finding without id', () => {
    const event = rawFixture('Recon_EC2_Portscan.json');
    delete (event.detail as Record<string, unknown>).id;
    expect(errorOf(() => parseFindingInput(event)).message).toMatch(/^detail\.id: /);
  });

  it.each([11, -1, Number.NaN])('rejects severity %p', (severity) => {
    const finding = { ...rawFinding('Recon_EC2_Portscan.json'), severity };
    expect(errorOf(() => parseFindingInput(finding)).message).toMatch(/^severity: /);
  });

  it('rejects an id that could break out of a URL', () => {
    const finding = { ...rawFinding('Recon_EC2_Portscan.json'), id: 'abc|<!channel>' };
    expect(errorOf(() => parseFindingInput(finding)).message).toBe(
      'id: must be 1-128 letters, digits, "_" or "-"',
    );
  });

  it('rejects a timestamp that is not ISO-8601', () => {
    const finding = {
      ...rawFinding('Recon_EC2_Portscan.json'),
      updatedAt: '2025-02-25 20:40:06.721',
    };
    expect(errorOf(() => parseFindingInput(finding)).message).toBe(
      'updatedAt: must be an ISO-8601 timestamp',
    );
  });

  it.each([
    [
      'a string',
      'hello',
      '(root): expected a GuardDuty finding or EventBridge event object, got string',
    ],
    ['null', null, '(root): expected a GuardDuty finding or EventBridge event object, got null'],
  ])('rejects %s', (_label, value, message) => {
    expect(errorOf(() => parseFindingInput(value)).message).toBe(message);
  });
});

describe('parseFindingsJson', () => {
  it('rejects text that is not JSON', () => {
    expect(errorOf(() => parseFindingsJson('{"source": ')).message).toMatch(/^not valid JSON: /);
  });

  it('parses an array and names the index of a bad element', () => {
    const good = rawFixture('Recon_EC2_Portscan.json');
    const bad = { ...good, source: 'aws.s3' };
    expect(parseFindingsJson(JSON.stringify([good]))).toHaveLength(1);
    expect(errorOf(() => parseFindingsJson(JSON.stringify([good, bad]))).message).toBe(
      '[1].source: must be "aws.guardduty", got "aws.s3"',
    );
  });
});
