import { BlockList, isIP } from 'node:net';
import type { Headers } from '../hits/hit.js';

/**
 * Decides the client IP of a request: the TCP peer, or, when the peer is a trusted proxy,
 * the first non-empty forwarding header in a fixed order of precedence.
 */
export interface ClientIpResolver {
  resolve(peer: string, headers: Headers): string;
}

/** Headers consulted behind a trusted proxy, most specific first. */
const FORWARDING_HEADERS = ['X-Real-Ip', 'X-Client-Ip', 'Cf-Connecting-Ip', 'True-Client-Ip'] as const;

/** Node reports IPv4 peers on dual-stack sockets as `::ffff:a.b.c.d`; show them dotted. */
export function normalisePeer(peer: string): string {
  if (peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4) return peer.slice(7);
  return peer;
}

function fromForwardingHeaders(headers: Headers): string | undefined {
  for (const name of FORWARDING_HEADERS) {
    const value = headers.get(name)?.[0];
    if (value !== undefined && value !== '') return value;
  }
  const xff = headers.get('X-Forwarded-For')?.[0];
  if (xff !== undefined) {
    for (const part of xff.split(',')) {
      const trimmed = part.trim();
      if (trimmed !== '') return trimmed;
    }
  }
  return undefined;
}

export class PeerAddressResolver implements ClientIpResolver {
  resolve(peer: string): string {
    return normalisePeer(peer);
  }
}

export class TrustAllProxiesResolver implements ClientIpResolver {
  resolve(peer: string, headers: Headers): string {
    return fromForwardingHeaders(headers) ?? normalisePeer(peer);
  }
}

export class TrustedCidrResolver implements ClientIpResolver {
  constructor(private readonly trusted: BlockList) {}

  resolve(peer: string, headers: Headers): string {
    const address = normalisePeer(peer);
    const family = isIP(address);
    if (family === 0) return address;
    if (!this.trusted.check(address, family === 4 ? 'ipv4' : 'ipv6')) return address;
    return fromForwardingHeaders(headers) ?? address;
  }
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128). Throws on anything else. */
export function addTrustedEntry(list: BlockList, entry: string): void {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) throw new Error(`invalid trusted proxy CIDR: ${entry}`);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) throw new Error(`invalid trusted proxy CIDR: ${entry}`);
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** Builds the resolver for `server.trusted_proxies`, following the reference's three modes. */
export function clientIpResolverFor(trustedProxies: readonly string[]): ClientIpResolver {
  if (trustedProxies.length === 0) return new PeerAddressResolver();
  if (trustedProxies.includes('0.0.0.0/0') && trustedProxies.includes('::/0')) return new TrustAllProxiesResolver();
  const list = new BlockList();
  for (const entry of trustedProxies) addTrustedEntry(list, entry);
  return new TrustedCidrResolver(list);
}
