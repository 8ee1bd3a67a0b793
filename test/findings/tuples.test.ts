import { extractTuples, parseFindingInput, type TupleExtraction } from '../../src/findings';
import { fixtureFinding, rawFinding } from '../../harness/fixtures';

function pairs(extraction: TupleExtraction): [string, string][] {
  if (!extraction.scorable) throw new Error(`not scorable: ${extraction.reason}`);
  return extraction.tuples.map((t) => [t.entity, t.ip]);
}

describe('extractTuples', () => {
  it('AWS_API_CALL: the access key principal and the remote IPv4', () => {
    const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    expect(pairs(extractTuples(finding))).toEqual([['AIDA123456789EXAMPLE', '203.0.113.77']]);
  });

  it('AWS_API_CALL by an assumed role: the role, not the session', () => {
    const finding = fixtureFinding(
      'Synthetic_UnauthorizedAccess_IAMUser_InstanceCredentialExfiltration.OutsideAWS.json',
    );
    expect(pairs(extractTuples(finding))).toEqual([['AROA123456789EXAMPLE', '198.51.100.23']]);
  });

  it('AWS_API_CALL from an AWS service domain is not scorable', () => {
    const finding = parseFindingInput(
      rawFinding('PrivilegeEscalation_IAMUser_AdministrativePermissions.partial-no-resource.json'),
    ).finding;
    expect(extractTuples(finding)).toEqual({
      scorable: false,
      reason: 'the caller is an AWS service domain, not an IP address',
    });
  });

  it('NETWORK_CONNECTION: the instance and the remote IP', () => {
    const finding = fixtureFinding('Synthetic_UnauthorizedAccess_EC2_SSHBruteForce.Inbound.json');
    const [[entity, ip] = []] = pairs(extractTuples(finding));
    expect(entity).toBe(finding.resource?.instanceDetails?.instanceId);
    expect(ip).toBe(finding.service.action?.networkConnectionAction?.remoteIpDetails?.ipAddressV4);
  });

  it('PORT_PROBE: one tuple per distinct probing IP', () => {
    const finding = fixtureFinding('Synthetic_Recon_EC2_PortProbeUnprotectedPort.MultiSource.json');
    const instance = finding.resource?.instanceDetails?.instanceId ?? '';
    expect(pairs(extractTuples(finding))).toEqual([
      [instance, '192.0.2.101'],
      [instance, '192.0.2.102'],
      [instance, '192.0.2.103'],
    ]);
  });

  it('RDS_LOGIN_ATTEMPT: the database user and the remote IP', () => {
    expect(pairs(extractTuples(fixtureFinding('Discovery_RDS_TorIPCaller.json')))).toEqual([
      ['rds:generatedfindingdbinstanceid/GeneratedFindingUserName', '1.2.3.4'],
    ]);
  });

  it.each(['Synthetic_Trojan_EC2_DNSDataExfiltration.json', 'Trojan_EC2_DGADomainRequest.B.json'])(
    'DNS_REQUEST (%s) is not scorable, never an error',
    (name) => {
      expect(extractTuples(fixtureFinding(name))).toEqual({
        scorable: false,
        reason: 'DNS request findings have no remote caller',
      });
    },
  );

  it('the 0.0.0.0 placeholder of internal test findings is not a caller', () => {
    expect(extractTuples(fixtureFinding('Canary_EC2_Stateless.IntegTest.json'))).toEqual({
      scorable: false,
      reason: 'no remote IP address in the finding',
    });
  });

  it('an unknown action type is not scorable', () => {
    const raw = rawFinding('Recon_EC2_Portscan.json');
    (raw.service as Record<string, unknown>).action = { actionType: 'KUBERNETES_API_CALL' };
    expect(extractTuples(parseFindingInput(raw).finding)).toEqual({
      scorable: false,
      reason: 'action type KUBERNETES_API_CALL has no remote caller to score',
    });
  });

  it('a remote IP that is not an address is ignored', () => {
    const raw = rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    const action = (raw.service as { action: { awsApiCallAction: { remoteIpDetails: object } } })
      .action;
    action.awsApiCallAction.remoteIpDetails = { ipAddressV4: '<!channel>' };
    expect(extractTuples(parseFindingInput(raw).finding)).toEqual({
      scorable: false,
      reason: 'no remote IP address in the finding',
    });
  });
});
