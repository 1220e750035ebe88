/**
 * Classification of IP addresses and host names for the outbound request guard. An address is
 * allowed only when it is public unicast; every special-purpose range below is rejected with
 * a reason that names the range. Ranges follow the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and its updates).
 */

import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressFamily = 4 | 6;

interface Range {
  /** Network address in the textual form of its family. */
  network: string;
  prefix: number;
  reason: string;
}

/** Listed most specific first, so an address gets the most telling reason. */
const IPV4_RANGES: readonly Range[] = [
  { network: '169.254.169.254', prefix: 32, reason: 'cloud metadata address' },
  { network: '169.254.170.2', prefix: 32, reason: 'cloud metadata address' },
  { network: '100.100.100.200', prefix: 32, reason: 'cloud metadata address' },
  { network: '255.255.255.255', prefix: 32, reason: 'broadcast address' },
  { network: '0.0.0.0', prefix: 8, reason: 'unspecified ("this network") address' },
  { network: '10.0.0.0', prefix: 8, reason: 'private address (RFC 1918)' },
  { network: '100.64.0.0', prefix: 10, reason: 'shared CGNAT address (RFC 6598)' },
  { network: '127.0.0.0', prefix: 8, reason: 'loopback address' },
  { network: '169.254.0.0', prefix: 16, reason: 'link-local address' },
  { network: '172.16.0.0', prefix: 12, reason: 'private address (RFC 1918)' },
  { network: '192.0.0.0', prefix: 24, reason: 'reserved IETF protocol address' },
  { network: '192.0.2.0', prefix: 24, reason: 'documentation address (TEST-NET-1)' },
  { network: '192.88.99.0', prefix: 24, reason: 'reserved 6to4 relay address' },
  { network: '192.168.0.0', prefix: 16, reason: 'private address (RFC 1918)' },
  { network: '198.18.0.0', prefix: 15, reason: 'benchmarking address' },
  { network: '198.51.100.0', prefix: 24, reason: 'documentation address (TEST-NET-2)' },
  { network: '203.0.113.0', prefix: 24, reason: 'documentation address (TEST-NET-3)' },
  { network: '224.0.0.0', prefix: 4, reason: 'multicast address' },
  { network: '240.0.0.0', prefix: 4, reason: 'reserved address' },
];

/**
 * IPv6 ranges inside 2000::/3 that are not public, plus named ranges outside it whose reason
 * is worth stating. Anything else outside 2000::/3 (global unicast) is rejected as reserved.
 * Embedded-IPv4 forms (mapped, compatible, NAT64, 6to4, Teredo) are rejected as a whole,
 * because the IPv4 address inside could be any of the ranges above.
 */
const IPV6_RANGES: readonly Range[] = [
  { network: 'fd00:ec2::254', prefix: 128, reason: 'cloud metadata address' },
  { network: '::', prefix: 128, reason: 'unspecified address' },
  { network: '::1', prefix: 128, reason: 'loopback address' },
  { network: '::ffff:0:0', prefix: 96, reason: 'IPv4-mapped IPv6 address' },
  { network: '::ffff:0:0:0', prefix: 96, reason: 'IPv4-translated IPv6 address' },
  { network: '::', prefix: 96, reason: 'IPv4-compatible IPv6 address' },
  { network: '64:ff9b::', prefix: 96, reason: 'NAT64 address' },
  { network: '64:ff9b:1::', prefix: 48, reason: 'NAT64 address' },
  { network: '100::', prefix: 64, reason: 'discard-only address' },
  { network: 'fc00::', prefix: 7, reason: 'unique local (private) address' },
  { network: 'fe80::', prefix: 10, reason: 'link-local address' },
  { network: 'fec0::', prefix: 10, reason: 'site-local address' },
  { network: 'ff00::', prefix: 8, reason: 'multicast address' },
  { network: '2001:db8::', prefix: 32, reason: 'documentation address' },
  { network: '3fff::', prefix: 20, reason: 'documentation address' },
  { network: '2001::', prefix: 32, reason: 'Teredo address' },
  { network: '2001::', prefix: 23, reason: 'reserved IETF protocol address' },
  { network: '2002::', prefix: 16, reason: '6to4 address' },
];

/**
 * Host names rejected whatever the allow-list contains, because they reach the local machine
 * or a cloud metadata service.
 */
const BLOCKED_NAMES = new Set(['localhost', 'metadata.google.internal', 'metadata.goog']);

interface CompiledRange {
  list: BlockList;
  reason: string;
}

function compile(ranges: readonly Range[], type: 'ipv4' | 'ipv6'): CompiledRange[] {
  return ranges.map(({ network, prefix, reason }) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, reason };
  });
}

const COMPILED_IPV4 = compile(IPV4_RANGES, 'ipv4');
const COMPILED_IPV6 = compile(IPV6_RANGES, 'ipv6');
const GLOBAL_UNICAST_IPV6 = new BlockList();
GLOBAL_UNICAST_IPV6.addSubnet('2000::', 3, 'ipv6');

/** Returns 4 or 6 for an IP address literal (IPv6 without brackets), or null for a name. */
export function ipFamily(host: string): AddressFamily | null {
  if (isIPv4(host)) return 4;
  if (isIPv6(host)) return 6;
  return null;
}

/**
 * Returns why an IP address must not be contacted, or null when it is public unicast.
 * The address is IPv4 dotted-quad or IPv6 without brackets; a zone index (`%eth0`) is
 * rejected because only link-local addresses carry one.
 */
export function blockedAddressReason(address: string): string | null {
  if (address.includes('%')) return 'scoped (link-local) address';
  const family = ipFamily(address);
  if (family === null) return 'not an IP address';
  if (family === 4) {
    for (const range of COMPILED_IPV4) {
      if (range.list.check(address, 'ipv4')) return range.reason;
    }
    return null;
  }
  for (const range of COMPILED_IPV6) {
    if (range.list.check(address, 'ipv6')) return range.reason;
  }
  if (!GLOBAL_UNICAST_IPV6.check(address, 'ipv6')) return 'reserved address';
  return null;
}

/** Returns true for an IPv4 or IPv6 loopback address (127.0.0.0/8, ::1). */
export function isLoopbackAddress(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  return isIPv6(address) && blockedAddressReason(address) === 'loopback address';
}

/**
 * Returns why a host name must not be contacted, or null. The name is the WHATWG URL
 * hostname (lower case, punycode, no trailing dot).
 */
export function blockedNameReason(name: string): string | null {
  if (BLOCKED_NAMES.has(name)) {
    return name === 'localhost' ? 'loopback name' : 'cloud metadata name';
  }
  // RFC 6761: every name under localhost resolves to loopback.
  if (name.endsWith('.localhost')) return 'loopback name';
  return null;
}
