import { isIPv6 } from 'node:net';

export type ParsedIp =
  | { readonly kind: 'ipv4'; readonly value: number }
  | { readonly kind: 'ipv6' }
  /** Dotted quad with a leading zero (`253.252.51.07`): octal to some parsers, decimal to others. */
  | { readonly kind: 'leading-zero' }
  | { readonly kind: 'invalid' };

const NOT_IPV4 = -1;

/**
 * Dotted-quad IPv4 to an unsigned 32-bit integer, or -1. Hand-rolled rather than a regex because
 * scoring parses every tuple on the hot path; as strict as `net.isIPv4` (no leading zeros).
 */
export function ipv4ToNumber(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */) {
      if (digits === 0 || dots === 3) return NOT_IPV4;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return NOT_IPV4; // leading zero
      octet = octet * 10 + (code - 48);
      digits++;
      if (octet > 255) return NOT_IPV4;
    } else {
      return NOT_IPV4;
    }
  }
  if (dots !== 3 || digits === 0) return NOT_IPV4;
  return value * 256 + octet;
}

export function numberToIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

const LEADING_ZERO_QUAD = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/**
 * Parses an address. A dotted quad with a leading zero is never read as an address: whether
 * `07` is octal or decimal depends on the parser that wrote it, so it is reported as its own
 * kind (training skips and counts it, scoring leaves it unscored) rather than guessed.
 */
export function parseIp(text: string): ParsedIp {
  const value = ipv4ToNumber(text);
  if (value !== NOT_IPV4) return { kind: 'ipv4', value };
  if (isIPv6(text)) return { kind: 'ipv6' };
  if (LEADING_ZERO_QUAD.test(text) && text.split('.').every((octet) => Number(octet) <= 255)) {
    return { kind: 'leading-zero' };
  }
  return { kind: 'invalid' };
}

/** Parses `a.b.c.d/n` into its first address and size; undefined when malformed. */
export function parseCidr(
  text: string,
): { readonly first: number; readonly size: number } | undefined {
  const [address, bits] = text.split('/');
  const prefix = Number(bits);
  const value = ipv4ToNumber(address ?? '');
  if (value < 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { first: value - (value % size), size };
}
