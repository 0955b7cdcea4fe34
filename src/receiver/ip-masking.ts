import type { IpMaskingLevel } from '../settings/types.js';

/**
 * IP masking as a property setting: level 1..4 keeps 24/16/8/0 bits of an IPv4 address and
 * 48/32/16/0 bits of an IPv6 one. Text that is not an IP address (a header value with a port,
 * garbage) is left as it is, the reference's behaviour. IPv4-mapped IPv6 text counts as IPv6.
 */
const IPV4_BITS = [32, 24, 16, 8, 0] as const;
const IPV6_BITS = [128, 48, 32, 16, 0] as const;

/** Strict dotted-quad: four decimal octets, no leading zeros, each at most 255. */
export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Parses IPv6 text (zone dropped, embedded IPv4 allowed) into eight 16-bit groups. */
export function parseIpv6(text: string): number[] | null {
  const zone = text.indexOf('%');
  if (zone !== -1) {
    if (zone === text.length - 1) return null;
    text = text.slice(0, zone);
  }
  if (!text.includes(':')) return null;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 address stands for the last two groups; rewrite it as hex groups.
    const v4 = parseIpv4(last);
    if (v4 === null) return null;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  if (head === null) return null;
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]!);
    if (rest === null) return null;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    return [...head, ...new Array<number>(fill).fill(0), ...rest];
  }
  return head.length === 8 ? head : null;
}

/** RFC 5952 text: lower-case hex, leading zeros dropped, the longest run (≥2) of zero groups as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] === 0) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (bestLen < 2) bestStart = -1;
  const hex = (g: number): string => g.toString(16);
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const a = groups[6]!;
    const b = groups[7]!;
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  if (bestStart === -1) return groups.map(hex).join(':');
  const left = groups.slice(0, bestStart).map(hex).join(':');
  const right = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}

function maskGroups(groups: number[], bits: number, groupBits: number): number[] {
  return groups.map((g, i) => {
    const start = i * groupBits;
    if (start + groupBits <= bits) return g;
    if (start >= bits) return 0;
    const keep = bits - start;
    const mask = ((1 << keep) - 1) << (groupBits - keep);
    return g & mask;
  });
}

export function maskIp(ip: string, level: IpMaskingLevel): string {
  if (level === 0) return ip;
  const v4 = parseIpv4(ip);
  if (v4 !== null) return maskGroups(v4, IPV4_BITS[level], 8).join('.');
  const v6 = parseIpv6(ip);
  if (v6 !== null) return formatIpv6(maskGroups(v6, IPV6_BITS[level], 16));
  return ip;
}
