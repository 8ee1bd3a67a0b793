import { ipv4ToNumber, numberToIpv4, parseCidr, parseIp } from '../../src/ipinsights/ip';
import fc from 'fast-check';
import { isIPv4 } from 'node:net';

describe('IPv4 parsing', () => {
  it('agrees with net.isIPv4 and round-trips every address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(numberToIpv4(ipv4ToNumber(ip))).toBe(ip);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 18 }), (text) => {
        expect(ipv4ToNumber(text) >= 0).toBe(isIPv4(text));
      }),
    );
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '', ' 1.2.3.4', '1.2.3.4/24'])(
    'rejects %j',
    (text) => {
      expect(ipv4ToNumber(text)).toBe(-1);
    },
  );

  it('tells IPv6 apart from garbage', () => {
    expect(parseIp('255.255.255.255')).toEqual({ kind: 'ipv4', value: 4294967295 });
    expect(parseIp('2001:db8::1')).toEqual({ kind: 'ipv6' });
    expect(parseIp('AWS Internal')).toEqual({ kind: 'invalid' });
  });

  it('parses CIDR blocks to their first address and size', () => {
    expect(parseCidr('192.0.2.77/24')).toEqual({ first: ipv4ToNumber('192.0.2.0'), size: 256 });
    expect(parseCidr('192.0.2.0/33')).toBeUndefined();
  });
});
