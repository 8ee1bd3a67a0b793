import { guardrailRefusal } from '../../src/actions/guardrails';
import { defaultCriteria, resolveTarget } from '../../src/actions/targets';
import { parseFindingInput, type Finding } from '../../src/findings';
import { fixtureFinding, rawFinding } from '../../harness/fixtures';

const userKey = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const roleSession = fixtureFinding(
  'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
);
const instance = fixtureFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json');
const live = { protectedPrincipals: [], dryRun: false };

function withKey(details: Record<string, string>): Finding {
  return parseFindingInput({
    ...rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
    resource: { resourceType: 'AccessKey', accessKeyDetails: details },
  }).finding;
}

describe('guardrailRefusal', () => {
  it('never guards archiving or suppressing', () => {
    const root = withKey({
      accessKeyId: 'AKIAROOT000000000000',
      principalId: '123456789012',
      userType: 'Root',
    });
    expect(guardrailRefusal(root, 'archive', live)).toBeUndefined();
    expect(guardrailRefusal(root, 'suppress', live)).toBeUndefined();
    expect(guardrailRefusal(root, 'disable-key', live)).toBe(
      'the principal is the AWS account root user; remediate the root user by hand',
    );
  });

  it.each([
    ['dev-alice'],
    ['AKIA123456789EXAMPLE'],
    ['AIDA123456789EXAMPLE'],
    ['arn:aws:iam::123456789012:user/dev-alice'],
    ['arn:aws:iam::123456789012:user/engineers/dev-alice'],
  ])('refuses a principal listed as %s', (entry) => {
    expect(
      guardrailRefusal(userKey, 'disable-key', { ...live, protectedPrincipals: [entry] }),
    ).toBe(
      `the principal is protected from remediation (${entry}); an AWS administrator must act on it by hand`,
    );
  });

  it('does not match another account or another name', () => {
    for (const entry of ['arn:aws:iam::999999999999:user/dev-alice', 'dev-alic', 'dev-alice2']) {
      expect(
        guardrailRefusal(userKey, 'disable-key', { ...live, protectedPrincipals: [entry] }),
      ).toBeUndefined();
    }
  });

  it('protects a role by name, role ARN or role id', () => {
    for (const entry of [
      'ec2-app',
      'arn:aws:iam::123456789012:role/ec2-app',
      'AROA123456789EXAMPLE',
    ]) {
      expect(
        guardrailRefusal(roleSession, 'revoke-sessions', { ...live, protectedPrincipals: [entry] }),
      ).toMatch(/^the principal is protected from remediation/);
    }
  });

  it('allows sample placeholders only in a dry run', () => {
    const sample = fixtureFinding('Recon_EC2_Portscan.json');
    expect(guardrailRefusal(sample, 'quarantine', live)).toBe(
      'i-99999999 is a placeholder of a GuardDuty sample finding; sample findings can only be remediated in dry-run mode',
    );
    expect(guardrailRefusal(sample, 'quarantine', { ...live, dryRun: true })).toBeUndefined();
  });

  it('refuses instances tagged guardduty-chatops:protected, whatever the value', () => {
    const tagged = structuredClone(instance);
    tagged.resource!.instanceDetails!.tags = [{ key: 'guardduty-chatops:protected', value: '' }];
    expect(guardrailRefusal(tagged, 'quarantine', live)).toBe(
      'the instance is tagged guardduty-chatops:protected',
    );
    expect(guardrailRefusal(instance, 'quarantine', live)).toBeUndefined();
  });
});

describe('resolveTarget', () => {
  const state = undefined;

  it('targets the key, the role, the instance or the finding', () => {
    expect(resolveTarget(userKey, 'disable-key', state)).toEqual({
      ok: true,
      target: 'AKIA123456789EXAMPLE',
    });
    expect(resolveTarget(roleSession, 'revoke-sessions', state)).toEqual({
      ok: true,
      target: 'ec2-app',
    });
    expect(resolveTarget(instance, 'quarantine', state)).toEqual({
      ok: true,
      target: 'i-0abcd1234ef567890',
    });
    expect(resolveTarget(instance, 'archive', state)).toEqual({ ok: true, target: instance.id });
  });

  it('refuses the wrong key type and rejects what does not fit', () => {
    expect(resolveTarget(userKey, 'revoke-sessions', state)).toMatchObject({
      ok: false,
      refusal: true,
    });
    expect(resolveTarget(roleSession, 'disable-key', state)).toMatchObject({
      ok: false,
      refusal: true,
    });
    expect(resolveTarget(userKey, 'quarantine', state)).toEqual({
      ok: false,
      reason: 'the finding is not about an EC2 instance',
    });
    expect(resolveTarget(userKey, 'enable-key', state)).toEqual({
      ok: false,
      reason: 'there is nothing to undo: the finding was not re-enabled here',
    });
  });

  it('prefills suppression criteria with the type, principal and IPv4 remote address', () => {
    expect(defaultCriteria(userKey)).toEqual({
      findingType: 'Discovery:IAMUser/AnomalousBehavior',
      principalId: 'AIDA123456789EXAMPLE',
      remoteIp: '203.0.113.77',
    });
    expect(defaultCriteria(instance)).toMatchObject({ instanceId: 'i-0abcd1234ef567890' });
  });
});
