import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { FieldError } from '../common/error-codes.js';

/** Never reachable by a callback, whatever the configuration: link-local (cloud metadata lives there), unspecified, multicast. */
const ALWAYS_BLOCKED = new BlockList();
ALWAYS_BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_BLOCKED.addSubnet('224.0.0.0', 4, 'ipv4');
ALWAYS_BLOCKED.addSubnet('240.0.0.0', 4, 'ipv4');
ALWAYS_BLOCKED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_BLOCKED.addSubnet('ff00::', 8, 'ipv6');
ALWAYS_BLOCKED.addAddress('::', 'ipv6');
ALWAYS_BLOCKED.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6

/** Internal networks: blocked unless CALLBACK_ALLOW_PRIVATE (tests, single-host setups). */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

const BLOCKED_HOSTNAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

export interface CallbackUrlPolicy {
  allowPrivate: boolean;
}

/** Why an address may not be called back, or undefined when it may. IPv4-mapped IPv6 is judged as IPv4. */
export function blockedAddressReason(address: string, policy: CallbackUrlPolicy): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (ALWAYS_BLOCKED.check(ip, family)) return 'a link-local, metadata or reserved address';
  if (!policy.allowPrivate && PRIVATE.check(ip, family)) return 'a loopback or private address';
  return undefined;
}

function invalid(message: string): FieldError {
  return { field: 'callbackUrl', code: 'PARAMETER_INVALID', message };
}

export type Resolver = (hostname: string) => Promise<string[]>;
const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

/**
 * Checks a callback URL before it is accepted: http(s) only, no credentials, and a host that neither is nor
 * resolves to a forbidden address. Delivery re-checks the address it actually connects to (DNS may change).
 */
export async function checkCallbackUrl(raw: unknown, policy: CallbackUrlPolicy, resolve: Resolver = systemResolver): Promise<FieldError | URL> {
  if (typeof raw !== 'string') return { field: 'callbackUrl', code: 'PARAMETER_INVALID_TYPE', message: 'callbackUrl must be a string' };
  if (raw.length > 2048) return { field: 'callbackUrl', code: 'PARAMETER_TOO_LONG', message: 'callbackUrl must be at most 2048 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid('callbackUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalid('callbackUrl must use http or https');
  if (url.username || url.password) return invalid('callbackUrl must not contain credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (BLOCKED_HOSTNAMES.has(host)) return invalid('callbackUrl must not point at a cloud metadata service');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return invalid(`callbackUrl host ${host} cannot be resolved`);
    }
  }
  for (const address of addresses) {
    const reason = blockedAddressReason(address, policy);
    if (reason) return invalid(`callbackUrl host must not be ${reason}`);
  }
  return url;
}
