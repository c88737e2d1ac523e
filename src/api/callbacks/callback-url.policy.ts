import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { FieldError } from '../../domain/error-codes.js';
import { withinTimeout } from '../../common/within-timeout.js';

export interface CallbackUrlPolicy {
  allowPrivate: boolean;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/**
 * Which IPv4 ranges of ipaddr.js a callback may reach. Default deny: a range not listed here (and any range a
 * later ipaddr.js adds) is refused. `private` ranges are internal networks, callable only with
 * CALLBACK_ALLOW_PRIVATE (tests, single-host setups); link-local (cloud metadata lives at 169.254.169.254),
 * unspecified, broadcast, multicast, reserved (192.0.0.0/24, documentation, benchmarking 198.18/15, 240/4),
 * AS112 and AMT are never callable.
 */
const IPV4_RANGES: Partial<Record<string, 'public' | 'private'>> = {
  unicast: 'public',
  private: 'private',
  loopback: 'private',
  carrierGradeNat: 'private',
};

/**
 * IPv6 ranges. `unicast` is public only inside 2000::/3, the global unicast block: the rest of ipaddr's
 * "unicast" is unallocated. Ranges that carry an IPv4 address are judged by that address (see embeddedIPv4).
 * Never callable: link-local, site-local fec0::/10 (deprecated, still routed inside some networks), multicast,
 * unspecified, discard, documentation and other reserved blocks, Teredo (its client address is obfuscated and the
 * relay is a third party), the local-use NAT64 prefix 64:ff9b:1::/48 (its embedding depends on a local prefix length).
 */
const IPV6_RANGES: Partial<Record<string, 'public' | 'private' | 'embeds-ipv4'>> = {
  unicast: 'public',
  loopback: 'private',
  uniqueLocal: 'private',
  ipv4Mapped: 'embeds-ipv4',
  rfc6145: 'embeds-ipv4',
  rfc6052: 'embeds-ipv4',
  '6to4': 'embeds-ipv4',
};

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

const BLOCKED_HOSTNAMES = new Set([
  'metadata.google.internal',
  'metadata',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Also the AWS metadata service over IPv6; it is unique-local (private), but never a callback, whatever the setting. */
const ALWAYS_BLOCKED_IPV6 = [ipaddr.parse('fd00:ec2::254')];

function ipv4FromParts(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 address stands for, where the network would deliver to it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), the well-known NAT64 prefix (64:ff9b::a.b.c.d),
 * 6to4 (2002:aabb:ccdd::) and the deprecated IPv4-compatible form (::a.b.c.d).
 */
export function embeddedIPv4(address: IPv6): IPv4 | undefined {
  const p = address.parts;
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return ipv4FromParts(p[6]!, p[7]!);
  if (range === 'rfc6052') return address.match(NAT64_WELL_KNOWN) ? ipv4FromParts(p[6]!, p[7]!) : undefined;
  if (range === '6to4') return ipv4FromParts(p[1]!, p[2]!);
  const compatible = p.slice(0, 6).every((part) => part === 0) && (p[6] !== 0 || p[7]! > 1); // not :: or ::1
  return compatible ? ipv4FromParts(p[6]!, p[7]!) : undefined;
}

function judgeIPv4(address: IPv4, policy: CallbackUrlPolicy): string | undefined {
  const range = address.range();
  const kind = IPV4_RANGES[range];
  if (kind === 'public') return undefined;
  if (kind === 'private') return policy.allowPrivate ? undefined : `a loopback or private address (${range})`;
  return `a link-local, metadata or reserved address (${range})`;
}

function judgeIPv6(address: IPv6, policy: CallbackUrlPolicy): string | undefined {
  if (ALWAYS_BLOCKED_IPV6.some((blocked) => blocked.toNormalizedString() === address.toNormalizedString())) {
    return 'a link-local, metadata or reserved address (cloud metadata)';
  }
  const range = address.range();
  const embedded = embeddedIPv4(address);
  if (range === 'unicast' && embedded) return 'a link-local, metadata or reserved address (IPv4-compatible, deprecated)';
  const kind = IPV6_RANGES[range];
  if (kind === 'embeds-ipv4') {
    if (!embedded) return `a link-local, metadata or reserved address (${range})`;
    const reason = judgeIPv4(embedded, policy);
    return reason ? `${reason.replace(/ \(([^)]*)\)$/, '')} (${range} of ${embedded.range()})` : undefined;
  }
  if (kind === 'public') return address.match(GLOBAL_UNICAST) ? undefined : 'a link-local, metadata or reserved address (unallocated)';
  if (kind === 'private') return policy.allowPrivate ? undefined : `a loopback or private address (${range})`;
  return `a link-local, metadata or reserved address (${range})`;
}

/**
 * WHATWG URL's IPv6 serialiser first: ipaddr.js reads "::10.0.0.1" as IPv4-mapped, which it is not
 * (it is the IPv4-compatible ::a00:1). URL hosts and resolver answers already come in that form.
 */
function parseAddress(address: string): IPv4 | IPv6 | undefined {
  const text = address.includes(':') ? canonicalIPv6(address) : address;
  if (text === undefined || !ipaddr.isValid(text)) return undefined;
  // ipaddr.js also takes "0x7f.1" and "127.1"; a resolver never answers so, a URL host never stays so.
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.parse(text);
}

function canonicalIPv6(address: string): string | undefined {
  try {
    return new URL(`http://[${address.replace(/^\[|\]$/g, '')}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** Why an address may not be called back, or undefined when it may. Every form of IPv6 that carries an IPv4 address is judged by that address too. */
export function blockedAddressReason(address: string, policy: CallbackUrlPolicy): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'an address that cannot be read';
  return parsed.kind() === 'ipv4' ? judgeIPv4(parsed as IPv4, policy) : judgeIPv6(parsed as IPv6, policy);
}

function invalid(message: string): FieldError {
  return { field: 'callbackUrl', code: 'PARAMETER_INVALID', message };
}

export type Resolver = (hostname: string) => Promise<string[]>;
const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The resolver cannot be cancelled (getaddrinfo runs on libuv's pool); a request stops waiting for it after this. */
export const CALLBACK_LOOKUP_TIMEOUT_MS = 2000;

type Resolution = { addresses: string[] } | { failed: 'unresolvable' | 'timeout' };

function resolveWithin(resolve: Resolver, host: string, timeoutMs: number): Promise<Resolution> {
  const lookup = resolve(host).then(
    (addresses): Resolution => ({ addresses }),
    (): Resolution => ({ failed: 'unresolvable' }),
  );
  return withinTimeout(lookup, timeoutMs, (): Resolution => ({ failed: 'timeout' }));
}

/**
 * Checks a callback URL before it is accepted: http(s) only, no credentials, and a host that neither is nor
 * resolves to a forbidden address: every address it resolves to must pass, within lookupTimeoutMs. Delivery
 * re-checks the address it actually connects to (DNS may change). Messages do not quote the URL back.
 */
export async function checkCallbackUrl(
  raw: unknown,
  policy: CallbackUrlPolicy,
  resolve: Resolver = systemResolver,
  lookupTimeoutMs = CALLBACK_LOOKUP_TIMEOUT_MS,
): Promise<FieldError | URL> {
  if (typeof raw !== 'string') return { field: 'callbackUrl', code: 'PARAMETER_INVALID_TYPE', message: 'callbackUrl must be a string' };
  if (raw.length > 2048)
    return { field: 'callbackUrl', code: 'PARAMETER_TOO_LONG', message: 'callbackUrl must be at most 2048 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid('callbackUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalid('callbackUrl must use http or https');
  if (url.username || url.password) return invalid('callbackUrl must not contain credentials');
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (BLOCKED_HOSTNAMES.has(host)) return invalid('callbackUrl must not point at a cloud metadata service');
  let addresses: string[];
  if (url.hostname.startsWith('[') || ipaddr.IPv4.isValidFourPartDecimal(host)) {
    addresses = [host];
  } else {
    const resolution = await resolveWithin(resolve, host, lookupTimeoutMs);
    if ('failed' in resolution) {
      return invalid(
        resolution.failed === 'timeout'
          ? `callbackUrl host did not resolve within ${lookupTimeoutMs} ms`
          : 'callbackUrl host cannot be resolved',
      );
    }
    addresses = resolution.addresses;
  }
  if (addresses.length === 0) return invalid('callbackUrl host resolves to no address');
  for (const address of addresses) {
    const reason = blockedAddressReason(address, policy);
    if (reason) return invalid(`callbackUrl host must not be ${reason}`);
  }
  return url;
}
