import { isIP } from 'node:net';

/**
 * Entries of the account's GuardDuty IP lists: one IPv4 or IPv6 address or CIDR range, parsed
 * into a range of addresses so overlaps (private ranges, the organization's egress, a range
 * already on a list) are decided by arithmetic, never by string prefixes.
 */
export interface IpEntry {
  /** As the list file holds it: `203.0.113.9`, `2001:db8::/48` (canonical, lower case). */
  readonly text: string;
  readonly version: 4 | 6;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

export type EntryParse =
  { readonly ok: true; readonly entry: IpEntry } | { readonly ok: false; readonly reason: string };

const BITS = { 4: 32, 6: 128 } as const;

function v4Value(text: string): bigint {
  return text
    .split('.')
    .reduce((value, part) => (value << 8n) | BigInt(Number.parseInt(part, 10)), 0n);
}

function v6Value(text: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups first.
  let body = text;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4Tail?.[1] !== undefined) {
    const tail = v4Value(v4Tail[1]);
    body = `${body.slice(0, -v4Tail[1].length)}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(rest === undefined ? 0 : missing).fill('0'),
    ...tailGroups,
  ];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function v4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as `::`. */
function v6Text(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) =>
    Number((value >> shift) & 0xffffn),
  );
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function rangeOf(version: 4 | 6, address: bigint, prefix: number): { first: bigint; last: bigint } {
  const hostBits = BigInt(BITS[version] - prefix);
  const size = 1n << hostBits;
  const first = (address >> hostBits) << hostBits;
  return { first, last: first + size - 1n };
}

/**
 * One address or CIDR range, as a responder types it or a finding names it. A range with host
 * bits set is refused with the range it probably meant, rather than silently widened.
 */
export function parseEntry(input: string): EntryParse {
  const raw = input.trim();
  if (raw === '' || raw.length > 64) {
    return { ok: false, reason: 'give one IPv4 or IPv6 address or CIDR range' };
  }
  const [addressText = '', prefixText, extra] = raw.split('/');
  const version = isIP(addressText);
  if (extra !== undefined || (version !== 4 && version !== 6)) {
    return { ok: false, reason: 'not an IPv4 or IPv6 address or CIDR range' };
  }
  const bits = BITS[version];
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return { ok: false, reason: `the prefix length after / must be 0 to ${bits}` };
  }
  const prefix = prefixText === undefined ? bits : Number.parseInt(prefixText, 10);
  if (prefix > bits) return { ok: false, reason: `the prefix length after / must be 0 to ${bits}` };
  const address = version === 4 ? v4Value(addressText) : v6Value(addressText.toLowerCase());
  const { first, last } = rangeOf(version, address, prefix);
  const show = (value: bigint) => (version === 4 ? v4Text(value) : v6Text(value));
  if (first !== address) {
    return {
      ok: false,
      reason: `${raw} has host bits set; the range is ${show(first)}/${prefix}`,
    };
  }
  const text = prefix === bits ? show(address) : `${show(address)}/${prefix}`;
  return { ok: true, entry: { text, version, prefix, first, last } };
}

/** Whether two entries share an address. */
export function overlaps(a: IpEntry, b: IpEntry): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** Whether `outer` holds every address of `inner`. */
export function contains(outer: IpEntry, inner: IpEntry): boolean {
  return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}

function special(text: string, what: string): { readonly entry: IpEntry; readonly what: string } {
  const parsed = parseEntry(text);
  if (!parsed.ok) throw new Error(`bad built-in range ${text}`);
  return { entry: parsed.entry, what };
}

/**
 * Ranges no list may name (IANA's special-purpose registries): GuardDuty's lists apply only to
 * publicly routable addresses, and a private range on a trusted list would hide lateral movement.
 * The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are
 * allowed: GuardDuty's own sample findings use them as the attacker's public address.
 */
const NOT_PUBLIC = [
  special('0.0.0.0/8', '"this network" (reserved)'),
  special('10.0.0.0/8', 'a private range (RFC 1918)'),
  special('100.64.0.0/10', 'shared address space (carrier-grade NAT, RFC 6598)'),
  special('127.0.0.0/8', 'loopback'),
  special('169.254.0.0/16', 'link-local'),
  special('172.16.0.0/12', 'a private range (RFC 1918)'),
  special('192.0.0.0/24', 'IETF protocol assignments (reserved)'),
  special('192.168.0.0/16', 'a private range (RFC 1918)'),
  special('198.18.0.0/15', 'benchmarking (reserved, RFC 2544)'),
  special('224.0.0.0/4', 'multicast'),
  special('240.0.0.0/4', 'reserved (240.0.0.0/4 and broadcast)'),
  special('::/127', 'the unspecified or loopback address'),
  special('::ffff:0:0/96', 'an IPv4-mapped address (give the IPv4 address)'),
  special('64:ff9b:1::/48', 'local-use IPv4/IPv6 translation'),
  special('100::/64', 'discard-only (reserved)'),
  special('fc00::/7', 'a unique local range (private, RFC 4193)'),
  special('fe80::/10', 'link-local'),
  special('ff00::/8', 'multicast'),
];

/** The widest range Trust takes without "I mean this whole range": a /24 or an IPv6 /64. */
export const TRUST_WIDEST_PREFIX = { 4: 24, 6: 64 } as const;

export type ListName = 'threat' | 'trusted';

export interface EntryPolicy {
  /** The organization's own egress addresses (NAT gateways, offices): never on a list. */
  readonly egress: readonly IpEntry[];
}

/**
 * Why this entry must not go on the list, or undefined. Both lists refuse private and reserved
 * ranges and the organization's egress; Trust also refuses a range wider than a /24 (IPv6: a
 * /64, one network) unless the responder said they mean the whole range.
 */
export function entryRefusal(
  entry: IpEntry,
  list: ListName,
  policy: EntryPolicy,
  wholeRange = false,
): string | undefined {
  const reserved = NOT_PUBLIC.find((range) => overlaps(entry, range.entry));
  if (reserved !== undefined) {
    const is = contains(reserved.entry, entry) ? 'is' : 'includes';
    return `${entry.text} ${is} ${reserved.what} (${reserved.entry.text}); GuardDuty's lists only take public addresses`;
  }
  const egress = policy.egress.find((range) => overlaps(entry, range));
  if (egress !== undefined) {
    return `${entry.text} ${contains(entry, egress) && entry.text !== egress.text ? 'includes' : 'is'} the organization's own egress address ${egress.text}; it must never be on a GuardDuty list`;
  }
  const widest = TRUST_WIDEST_PREFIX[entry.version];
  if (list === 'trusted' && entry.prefix < widest && !wholeRange) {
    const count =
      entry.version === 4 ? `${2 ** (32 - entry.prefix)} addresses` : `a /${entry.prefix}`;
    return `${entry.text} is wider than a /${widest} (${count}); trusting it stops GuardDuty's findings for all of them — tick "I mean this whole range" to trust it anyway`;
  }
  return undefined;
}

/** The configured egress addresses, each checked; a bad one names itself. */
export function parseEgress(values: readonly string[]): IpEntry[] {
  return values.map((value) => {
    const parsed = parseEntry(value);
    if (!parsed.ok) throw new Error(`egress address ${value}: ${parsed.reason}`);
    return parsed.entry;
  });
}

/**
 * The ranges a single address could be listed under, most specific first: every IPv4 prefix
 * /31 to /1, and IPv6 prefixes on 4-bit boundaries /124 to /4 (a /48, /56 or /64 as typed),
 * each as the list file would hold it. An entry that is itself a range has none here.
 */
export function containingRanges(address: string): string[] {
  const parsed = parseEntry(address);
  if (!parsed.ok) return [];
  const { version, prefix, first } = parsed.entry;
  const bits = BITS[version];
  if (prefix !== bits) return [];
  const show = (value: bigint) => (version === 4 ? v4Text(value) : v6Text(value));
  const ranges: string[] = [];
  for (let length = bits - 1; length >= 1; length -= 1) {
    if (version === 6 && length % 4 !== 0) continue;
    ranges.push(`${show(rangeOf(version, first, length).first)}/${length}`);
  }
  return ranges;
}
