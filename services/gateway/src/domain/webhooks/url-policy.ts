import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may go (SSRF, docs/webhooks.md). A subscriber names the URL, and the gateway sits inside the
 * cluster: a URL that reaches the cluster's own services, the cloud's metadata endpoint or the loopback
 * interface would let any API key make the gateway call them. So only public unicast addresses are allowed;
 * `allowPrivateNetworks` (development and tests, whose receivers run on 127.0.0.1) also allows private,
 * unique-local, loopback, link-local and shared (CGNAT) addresses, never unspecified, broadcast or multicast.
 * The check runs on the URL at subscription time and on every address the name resolves to at each delivery,
 * which then connects to the address it checked (DNS rebinding cannot slip another one in).
 */
export interface UrlPolicy {
  /** Allow `http:` URLs (development only): webhooks carry customer data and a signature. */
  allowHttp: boolean;
  allowPrivateNetworks: boolean;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Ranges (as ipaddr.js names them) that allowPrivateNetworks opens; everything but `unicast` is refused otherwise. */
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat']);

const RANGE_NAMES: Record<string, string> = {
  private: 'private',
  uniqueLocal: 'private (unique local)',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'shared (carrier-grade NAT)',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  reserved: 'reserved',
};

/** Whether a webhook may connect to this IP address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry. */
export function checkAddress(address: string, policy: Pick<UrlPolicy, 'allowPrivateNetworks'>): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, reason: `${address} is not an IP address` };
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return { allowed: true };
  if (policy.allowPrivateNetworks && PRIVATE_RANGES.has(range)) return { allowed: true };
  return { allowed: false, reason: `${address} is a ${RANGE_NAMES[range] ?? `special-purpose (${range})`} address` };
}

export type UrlVerdict = { ok: true; url: URL; ipLiteral?: string } | { ok: false; message: string };

export const MAX_URL_LENGTH = 2000;

/**
 * The URL's form: absolute, https (http only when allowed), no credentials or fragment, and a host that is
 * not an address or a name (`localhost`) the policy refuses. A name's addresses are checked when it is resolved.
 */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:'))
    return { ok: false, message: policy.allowHttp ? 'must be an https or http URL' : 'must be an https URL' };
  if (url.username || url.password) return { ok: false, message: 'must not contain credentials' };
  if (url.hash) return { ok: false, message: 'must not contain a fragment' };
  // The WHATWG parser has normalized the host already: `0177.1` and `2130706433` are 127.0.0.1 here.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (ipaddr.isValid(host)) {
    const verdict = checkAddress(host, policy);
    return verdict.allowed ? { ok: true, url, ipLiteral: host } : { ok: false, message: `must not point to ${verdict.reason}` };
  }
  const name = host.replace(/\.$/, ''); // `localhost.` is localhost too
  if ((name === 'localhost' || name.endsWith('.localhost')) && !policy.allowPrivateNetworks)
    return { ok: false, message: 'must not point to a loopback address (localhost)' };
  return { ok: true, url };
}
