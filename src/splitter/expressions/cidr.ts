/**
 * IP addresses and CIDR ranges as Go's `net` package reads them, so `inCidr` agrees with d8a on
 * edge cases: IPv4 parts without leading zeros, no zones, IPv4-mapped IPv6 addresses matching
 * IPv4 ranges (and the reverse), and the prefix length bounded by the family of the written
 * address.
 */

function parseIPv4Bytes(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!/^[0-9]{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return null;
    const n = Number(part);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function hexValue(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

function parseIPv6Bytes(text: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let rest = text;
  let ellipsis = -1;
  let filled = 0;
  if (rest.startsWith('::')) {
    ellipsis = 0;
    rest = rest.slice(2);
    if (rest === '') return out;
  }
  while (filled < 16) {
    let digits = 0;
    let group = 0;
    while (digits < rest.length) {
      const v = hexValue(rest.charAt(digits));
      if (v < 0) break;
      group = group * 16 + v;
      digits++;
      if (digits > 4) return null;
    }
    if (digits === 0) return null;
    if (rest.charAt(digits) === '.') {
      // An embedded IPv4 address ends the text and fills the last four bytes.
      if ((ellipsis < 0 && filled !== 12) || filled + 4 > 16) return null;
      const v4 = parseIPv4Bytes(rest);
      if (v4 === null) return null;
      out.set(v4, filled);
      filled += 4;
      rest = '';
      break;
    }
    out[filled] = group >> 8;
    out[filled + 1] = group & 0xff;
    filled += 2;
    rest = rest.slice(digits);
    if (rest === '') break;
    if (rest.charAt(0) !== ':' || rest.length === 1) return null;
    rest = rest.slice(1);
    if (rest.charAt(0) === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = filled;
      rest = rest.slice(1);
      if (rest === '') break;
    }
  }
  if (rest !== '') return null;
  if (filled < 16) {
    if (ellipsis < 0) return null;
    const gap = 16 - filled;
    for (let j = filled - 1; j >= ellipsis; j--) out[j + gap] = out[j] ?? 0;
    out.fill(0, ellipsis, ellipsis + gap);
  } else if (ellipsis >= 0) {
    // `::` must stand for at least one zero group.
    return null;
  }
  return out;
}

interface ParsedAddress {
  /** Always the 16-byte form; IPv4 text is stored IPv4-mapped. */
  bytes: Uint8Array;
  /** Whether the text was dotted IPv4 (decides the prefix-length limit of a CIDR). */
  writtenAsIPv4: boolean;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseAddress(text: string): ParsedAddress | null {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '.') {
      const v4 = parseIPv4Bytes(text);
      if (v4 === null) return null;
      const bytes = new Uint8Array(16);
      bytes.set(V4_MAPPED_PREFIX);
      bytes.set(v4, 12);
      return { bytes, writtenAsIPv4: true };
    }
    if (ch === ':') {
      const bytes = parseIPv6Bytes(text);
      return bytes === null ? null : { bytes, writtenAsIPv4: false };
    }
    if (ch === '%') return null;
  }
  return null;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  return bytes.length === 16 && V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b);
}

/** The 4-byte form when the address is IPv4 (or IPv4-mapped), else the 16-byte form. */
function canonical(bytes: Uint8Array): Uint8Array {
  return isV4Mapped(bytes) ? bytes.subarray(12) : bytes;
}

function prefixMask(ones: number, bits: number): Uint8Array {
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < mask.length; i++) {
    const take = Math.max(0, Math.min(8, ones - i * 8));
    mask[i] = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
  }
  return mask;
}

export interface CidrRange {
  contains(ip: string): boolean;
}

/** Parses `a.b.c.d/n` or `v6/n`; null when the text is not a CIDR range. */
export function parseCidr(text: string): CidrRange | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === null || !/^[0-9]+$/.test(lengthText)) return null;
  const bits = address.writtenAsIPv4 ? 32 : 128;
  const ones = Number(lengthText);
  if (ones > bits) return null;
  const writtenMask = prefixMask(ones, bits);

  // The network keeps the family of the written address; a 16-byte mask applied to an
  // IPv4(-mapped) network uses its last four bytes.
  const network = canonical(address.bytes);
  let mask = writtenMask;
  if (network.length === 4 && mask.length === 16) mask = mask.subarray(12);
  if (network.length !== mask.length) return null;
  const maskedNetwork = network.map((b, i) => b & (mask[i] ?? 0));

  return {
    contains(ipText: string): boolean {
      const parsed = parseAddress(ipText);
      if (parsed === null) return false;
      const ip = canonical(parsed.bytes);
      if (ip.length !== maskedNetwork.length) return false;
      for (let i = 0; i < ip.length; i++) {
        const m = mask[i] ?? 0;
        if (((ip[i] ?? 0) & m) !== ((maskedNetwork[i] ?? 0) & m)) return false;
      }
      return true;
    },
  };
}

/** Whether `ip` lies in `cidr`; false whenever either does not parse. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  return range !== null && range.contains(ip);
}
