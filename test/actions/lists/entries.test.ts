import {
  containingRanges,
  entryRefusal,
  parseEgress,
  parseEntry,
  type IpEntry,
} from '../../../src/actions/lists/entries';
import { changeList, ListQuotaError } from '../../../src/actions/lists/listFile';

function entry(text: string): IpEntry {
  const parsed = parseEntry(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.entry;
}

const policy = { egress: parseEgress(['198.51.100.7', '2001:db8:feed::/48']) };

describe('parseEntry', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9', 32],
    [' 203.0.113.0/24 ', '203.0.113.0/24', 24],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', 128],
    ['2001:db8:0:1::/64', '2001:db8:0:1::/64', 64],
    ['2600:1f18::/32', '2600:1f18::/32', 32],
  ])('reads %s as %s', (input, text, prefix) => {
    expect(parseEntry(input)).toMatchObject({ ok: true, entry: { text, prefix } });
  });

  it.each([
    ['', 'give one IPv4 or IPv6 address or CIDR range'],
    ['203.0.113.9/33', 'the prefix length after / must be 0 to 32'],
    ['203.0.113.9/-1', 'the prefix length after / must be 0 to 32'],
    ['203.0.113.9/24', '203.0.113.9/24 has host bits set; the range is 203.0.113.0/24'],
    ['<!channel>', 'not an IPv4 or IPv6 address or CIDR range'],
    ['1.2.3.4/8/9', 'not an IPv4 or IPv6 address or CIDR range'],
    ['evil.example.com', 'not an IPv4 or IPv6 address or CIDR range'],
  ])('refuses %j: %s', (input, reason) => {
    expect(parseEntry(input)).toEqual({ ok: false, reason });
  });
});

describe('entryRefusal', () => {
  it.each([
    [
      '10.1.2.3',
      "10.1.2.3 is a private range (RFC 1918) (10.0.0.0/8); GuardDuty's lists only take public addresses",
    ],
    [
      '172.31.10.20',
      "172.31.10.20 is a private range (RFC 1918) (172.16.0.0/12); GuardDuty's lists only take public addresses",
    ],
    [
      '8.0.0.0/5',
      "8.0.0.0/5 includes a private range (RFC 1918) (10.0.0.0/8); GuardDuty's lists only take public addresses",
    ],
    [
      '127.0.0.1',
      "127.0.0.1 is loopback (127.0.0.0/8); GuardDuty's lists only take public addresses",
    ],
    [
      '198.18.0.9',
      "198.18.0.9 is benchmarking (reserved, RFC 2544) (198.18.0.0/15); GuardDuty's lists only take public addresses",
    ],
    [
      'fd00::1',
      "fd00::1 is a unique local range (private, RFC 4193) (fc00::/7); GuardDuty's lists only take public addresses",
    ],
    [
      '::ffff:203.0.113.9',
      "::ffff:cb00:7109 is an IPv4-mapped address (give the IPv4 address) (::ffff:0:0/96); GuardDuty's lists only take public addresses",
    ],
    [
      '198.51.100.7',
      "198.51.100.7 is the organization's own egress address 198.51.100.7; it must never be on a GuardDuty list",
    ],
    [
      '198.51.100.0/24',
      "198.51.100.0/24 includes the organization's own egress address 198.51.100.7; it must never be on a GuardDuty list",
    ],
    [
      '2001:db8:feed:1::9',
      "2001:db8:feed:1::9 is the organization's own egress address 2001:db8:feed::/48; it must never be on a GuardDuty list",
    ],
  ])('refuses %s on either list', (text, reason) => {
    expect(entryRefusal(entry(text), 'threat', policy)).toBe(reason);
    expect(entryRefusal(entry(text), 'trusted', policy, true)).toBe(reason);
  });

  it('takes public addresses, IPv6 and the documentation ranges GuardDuty samples use', () => {
    for (const text of ['203.0.113.9', '192.0.2.0/24', '2600:1f18::/32', '8.8.8.8']) {
      expect(entryRefusal(entry(text), 'threat', policy)).toBeUndefined();
    }
  });

  it('refuses a trust wider than a /24 (IPv6: a /64) unless the whole range is meant', () => {
    expect(entryRefusal(entry('203.0.112.0/23'), 'trusted', policy)).toBe(
      '203.0.112.0/23 is wider than a /24 (512 addresses); trusting it stops GuardDuty\'s findings for all of them — tick "I mean this whole range" to trust it anyway',
    );
    expect(entryRefusal(entry('2600:1f18::/48'), 'trusted', policy)).toBe(
      '2600:1f18::/48 is wider than a /64 (a /48); trusting it stops GuardDuty\'s findings for all of them — tick "I mean this whole range" to trust it anyway',
    );
    expect(entryRefusal(entry('203.0.112.0/23'), 'trusted', policy, true)).toBeUndefined();
    expect(entryRefusal(entry('203.0.113.0/24'), 'trusted', policy)).toBeUndefined();
    expect(entryRefusal(entry('2600:1f18:0:1::/64'), 'trusted', policy)).toBeUndefined();
    // The threat list takes a wide range: more findings, never fewer.
    expect(entryRefusal(entry('203.0.112.0/23'), 'threat', policy)).toBeUndefined();
  });
});

describe('changeList', () => {
  it('adds once, keeps lines it cannot read, removes the exact entry', () => {
    const added = changeList(
      ['# hand-written note', '203.0.113.1'],
      { kind: 'add', entry: '203.0.113.2' },
      'threat',
    );
    expect(added).toEqual({
      entries: ['# hand-written note', '203.0.113.1', '203.0.113.2'],
      changed: true,
    });
    expect(changeList(added.entries, { kind: 'add', entry: '203.0.113.2' }, 'threat').changed).toBe(
      false,
    );
    expect(changeList(added.entries, { kind: 'remove', entry: '203.0.113.1' }, 'threat')).toEqual({
      entries: ['# hand-written note', '203.0.113.2'],
      changed: true,
    });
  });

  it("enforces GuardDuty's entry quota per list", () => {
    const full = Array.from({ length: 2000 }, (_, i) => `203.0.113.${i % 256}/32`);
    expect(() => changeList(full, { kind: 'add', entry: '192.0.2.1' }, 'trusted')).toThrow(
      ListQuotaError,
    );
    expect(changeList(full, { kind: 'add', entry: '192.0.2.1' }, 'threat').changed).toBe(true);
  });
});

describe('containingRanges', () => {
  it('names every IPv4 range an address could be listed under, most specific first', () => {
    const ranges = containingRanges('203.0.113.77');
    expect(ranges).toHaveLength(31);
    expect(ranges.slice(0, 3)).toEqual(['203.0.113.76/31', '203.0.113.76/30', '203.0.113.72/29']);
    expect(ranges).toContain('203.0.113.0/24');
    expect(ranges.at(-1)).toBe('128.0.0.0/1');
  });

  it('names IPv6 ranges on 4-bit boundaries, and nothing for a range', () => {
    const ranges = containingRanges('2001:db8:1:2::7');
    expect(ranges).toHaveLength(31);
    expect(ranges).toEqual(expect.arrayContaining(['2001:db8:1:2::/64', '2001:db8:1::/48']));
    expect(containingRanges('203.0.113.0/24')).toEqual([]);
    expect(containingRanges('not an address')).toEqual([]);
  });
});
