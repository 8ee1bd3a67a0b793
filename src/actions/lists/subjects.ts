import type { Finding } from '../../findings';
import type { ActionFamily } from '../kinds';
import { entryRefusal, parseEntry, type ListName } from './entries';

/** The list a family changes. */
export function listOfFamily(family: ActionFamily): ListName {
  return family === 'trust-ip' ? 'trusted' : 'threat';
}

/**
 * A list family's subject: the entry in one Region's list. Every finding with that remote IP
 * shares it, so each of their messages shows the entry, and one entry has one intent in flight.
 */
export function listSubject(family: ActionFamily, region: string, entry: string): string {
  return `${region}:${family}:${entry}`;
}

/**
 * The audit chain of a list action taken without a finding (`/guardduty threatlist add IP`):
 * one chain per entry of a list in a Region (`list:threat:us-east-1:203.0.113.9`), as a finding
 * has its own — so concurrent changes of different entries never contend for one chain head —
 * named like a finding id so `audit` lists and verifies it.
 */
export function listChain(list: ListName, region: string, entry: string): string {
  return `list:${list}:${region}:${entry}`;
}

export function isListChain(findingId: string): boolean {
  return findingId.startsWith('list:');
}

/** Every remote address a finding names, whatever its action type (IPv4 first, then IPv6). */
function remoteAddresses(finding: Finding): string[] {
  const action = finding.service.action;
  const details = [
    action?.awsApiCallAction?.remoteIpDetails,
    action?.networkConnectionAction?.remoteIpDetails,
    action?.rdsLoginAttemptAction?.remoteIpDetails,
    ...(action?.portProbeAction?.portProbeDetails ?? []).map((probe) => probe.remoteIpDetails),
  ];
  return details.flatMap((detail) =>
    [detail?.ipAddressV4, detail?.ipAddressV6].filter((ip): ip is string => typeof ip === 'string'),
  );
}

/** The finding's remote IPs that could go on a list (public, well-formed), first seen first. */
export function findingListEntries(finding: Finding): string[] {
  const entries: string[] = [];
  for (const ip of remoteAddresses(finding)) {
    const parsed = parseEntry(ip);
    if (!parsed.ok || entryRefusal(parsed.entry, 'threat', { egress: [] }) !== undefined) continue;
    if (!entries.includes(parsed.entry.text)) entries.push(parsed.entry.text);
  }
  return entries;
}

/** Every well-formed remote IP of the finding, public or not (a click is checked against these). */
export function findingAddresses(finding: Finding): string[] {
  return remoteAddresses(finding).flatMap((ip) => {
    const parsed = parseEntry(ip);
    return parsed.ok ? [parsed.entry.text] : [];
  });
}
