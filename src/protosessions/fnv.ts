/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of a string: the hash the reference shards closed
 * proto-sessions by. Cairn keeps it so the order in which sessions reach the closer follows
 * the same grouping.
 */
const utf8 = new TextEncoder();

const FNV_OFFSET_BASIS = 2166136261;
const FNV_PRIME = 16777619;

export function fnv1a32(input: string | Uint8Array): number {
  if (typeof input === 'string') {
    // An ASCII string's UTF-8 bytes are its char codes (ids are hex): no encoded copy, which
    // cost more than the hashing.
    let hash = FNV_OFFSET_BASIS;
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c >= 0x80) return fnv1a32(utf8.encode(input));
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
    return hash >>> 0;
  }
  const bytes = input;
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    // Math.imul keeps the product in 32 bits; a plain `*` would lose low bits to float rounding.
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export const CLOSER_SHARDS = 10;

export function closerShard(isolatedClientId: string, shards: number = CLOSER_SHARDS): number {
  return fnv1a32(isolatedClientId) % shards;
}
