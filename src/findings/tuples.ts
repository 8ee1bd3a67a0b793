import { isIP } from 'node:net';
import { entityForPrincipal } from '../shared/principalEntity';
import type { Finding, RemoteIpDetails } from './schema';

/** A (principal, IP) pair taken from a finding, with the IP's details for display. */
export interface FindingTuple {
  readonly entity: string;
  readonly ip: string;
  readonly remote: RemoteIpDetails;
}

export type TupleExtraction =
  | { readonly scorable: true; readonly tuples: readonly FindingTuple[] }
  | { readonly scorable: false; readonly reason: string };

function remoteIp(details: RemoteIpDetails | undefined): string | undefined {
  const candidate = details?.ipAddressV4 ?? details?.ipAddressV6;
  // GuardDuty's placeholder 0.0.0.0 (internal test findings) is no caller at all.
  if (candidate === undefined || candidate === '0.0.0.0' || isIP(candidate) === 0) return undefined;
  return candidate;
}

function notScorable(reason: string): TupleExtraction {
  return { scorable: false, reason };
}

function instanceEntity(finding: Finding): string | undefined {
  return finding.resource?.instanceDetails?.instanceId;
}

function rdsEntity(finding: Finding): string | undefined {
  const db =
    finding.resource?.rdsDbInstanceDetails?.dbInstanceIdentifier ??
    finding.resource?.rdsDbInstanceDetails?.dbClusterIdentifier;
  const user = finding.resource?.rdsDbUserDetails?.user;
  if (db === undefined) return undefined;
  return user === undefined ? `rds:${db}` : `rds:${db}/${user}`;
}

function single(entity: string | undefined, details: RemoteIpDetails | undefined, what: string) {
  if (entity === undefined) return notScorable(`no ${what} in the finding`);
  const ip = remoteIp(details);
  if (ip === undefined) return notScorable('no remote IP address in the finding');
  return { scorable: true as const, tuples: [{ entity, ip, remote: details ?? {} }] };
}

/**
 * The (principal, IP) pairs IP Insights can score for a finding, one per remote IP. Findings
 * without a remote caller (DNS requests, domain callers, unknown action types) are "not scorable",
 * which is a normal outcome, never an error.
 */
export function extractTuples(finding: Finding): TupleExtraction {
  const action = finding.service.action;
  switch (action?.actionType) {
    case 'AWS_API_CALL': {
      const call = action.awsApiCallAction;
      if (call?.remoteIpDetails === undefined) {
        return notScorable(
          call?.domainDetails?.domain !== undefined
            ? 'the caller is an AWS service domain, not an IP address'
            : 'no remote IP address in the finding',
        );
      }
      const principal = finding.resource?.accessKeyDetails?.principalId;
      return single(
        principal === undefined ? undefined : entityForPrincipal(principal),
        call.remoteIpDetails,
        'access key principal',
      );
    }
    case 'NETWORK_CONNECTION':
      return single(
        instanceEntity(finding),
        action.networkConnectionAction?.remoteIpDetails,
        'instance',
      );
    case 'RDS_LOGIN_ATTEMPT':
      return single(rdsEntity(finding), action.rdsLoginAttemptAction?.remoteIpDetails, 'database');
    case 'PORT_PROBE': {
      const entity = instanceEntity(finding);
      if (entity === undefined) return notScorable('no instance in the finding');
      const seen = new Set<string>();
      const tuples: FindingTuple[] = [];
      for (const probe of action.portProbeAction?.portProbeDetails ?? []) {
        const ip = remoteIp(probe.remoteIpDetails);
        if (ip === undefined || seen.has(ip)) continue;
        seen.add(ip);
        tuples.push({ entity, ip, remote: probe.remoteIpDetails ?? {} });
      }
      return tuples.length > 0
        ? { scorable: true, tuples }
        : notScorable('no remote IP address in the finding');
    }
    case 'DNS_REQUEST':
      return notScorable('DNS request findings have no remote caller');
    case undefined:
      return notScorable('the finding has no action');
    default:
      return notScorable(
        `action type ${action?.actionType ?? '(none)'} has no remote caller to score`,
      );
  }
}
