import { BlockList, isIPv4, isIPv6 } from 'node:net';

// 127.0.0.0/8 and ::1; BlockList also matches IPv4 loopback written as IPv6 (::ffff:127.0.0.1).
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether listening on `address` (as `--host` gives it) reaches this machine only: `localhost`,
 * 127.0.0.0/8 or `::1`. A server without tokens may listen only there (API.md, Access).
 */
export function isLoopbackAddress(address: string): boolean {
  const host = address.toLowerCase();
  if (host === 'localhost' || host === 'localhost.') {
    return true;
  }

  if (isIPv4(host)) {
    return loopback.check(host, 'ipv4');
  }

  return isIPv6(host) && loopback.check(host, 'ipv6');
}
