import {
  criteriaSent,
  filterCriterion,
  remoteIpProblem,
  scopeProblem,
} from '../../src/actions/suppression';
import type { IntentRequest } from '../../src/actions/intents';
import { suppressPlanner } from '../../src/actions/plans/suppress';
import { fixtureFinding } from '../../harness/fixtures';

/**
 * A suppression rule is exactly what the responder confirmed: every criterion becomes a filter
 * attribute or is refused, and what the thread and audit show is read back from what is sent.
 */

const rds = fixtureFinding('Discovery_RDS_TorIPCaller.json');
const dns = fixtureFinding('Backdoor_EC2_CCActivity.B_DNS.json');
const probe = fixtureFinding('Recon_EC2_PortProbeEMRUnprotectedPort.json');

describe('suppression criteria', () => {
  it('matches the remote IP of an RDS login attempt with its own filter attribute', () => {
    expect(
      filterCriterion(rds, {
        findingType: rds.type,
        remoteIp: '1.2.3.4',
        everyFindingOfType: true,
      }),
    ).toEqual({
      type: { Eq: ['Discovery:RDS/TorIPCaller'] },
      'service.action.rdsLoginAttemptAction.remoteIpDetails.ipAddressV4': { Eq: ['1.2.3.4'] },
    });
    expect(remoteIpProblem(rds)).toBeUndefined();
    expect(
      filterCriterion(probe, {
        findingType: probe.type,
        instanceId: 'i-99999999',
        remoteIp: '198.51.100.0',
      }),
    ).toMatchObject({
      'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4': {
        Eq: ['198.51.100.0'],
      },
    });
  });

  it('refuses a remote IP where GuardDuty has no attribute for it, instead of dropping it', () => {
    expect(remoteIpProblem(dns)).toBe(
      'GuardDuty filters cannot match a remote IP on DNS_REQUEST findings; clear the field (the rule would match every IP)',
    );
    const criteria = { findingType: dns.type, instanceId: 'i-99999999', remoteIp: '1.2.3.4' };
    expect(() => filterCriterion(dns, criteria)).toThrow('cannot match a remote IP');
    expect(() => criteriaSent(dns, criteria)).toThrow('cannot match a remote IP');
  });

  it('refuses a rule wider than the resource unless every finding of the type is meant', () => {
    expect(scopeProblem({ findingType: rds.type, remoteIp: '1.2.3.4' })).toMatch(
      /^the rule names no principal or instance, so it would archive every finding of this type/,
    );
    expect(
      scopeProblem({ findingType: rds.type, remoteIp: '1.2.3.4', everyFindingOfType: true }),
    ).toBeUndefined();
    expect(scopeProblem({ findingType: probe.type, instanceId: 'i-99999999' })).toBeUndefined();
  });

  it('records as "after" the criteria read back from the FindingCriteria sent', () => {
    const criteria = {
      findingType: rds.type,
      remoteIp: '1.2.3.4',
      everyFindingOfType: true,
      description: 'Tor exit, red team',
    };
    const intent: IntentRequest = {
      id: 'intent#suppress#x#v0',
      findingId: rds.id,
      kind: 'suppress',
      subject: 'x',
      target: 'guardduty-chatops-0',
      version: 0,
      actor: { userId: 'U0ALICE', teamId: 'T0LOCAL001' },
      source: 'modal',
      requestedAt: '2026-11-21T14:02:00.000Z',
      dryRun: false,
      criteria,
    };
    const plan = suppressPlanner.plan({ finding: rds, intent, now: new Date() }, undefined);
    const sent = plan.calls[0]?.input as { FindingCriteria: { Criterion: object } };
    expect(sent.FindingCriteria.Criterion).toEqual(filterCriterion(rds, criteria));
    const settled = plan.settle({ executed: [], complete: true, dryRun: false });
    expect(settled.after).toEqual({
      filterName: (plan.calls[0]?.input as { Name: string }).Name,
      criteria,
    });
  });
});
