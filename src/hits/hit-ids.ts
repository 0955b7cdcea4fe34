import { createHash, randomUUID } from 'node:crypto';

/**
 * Where event ids come from. Live traffic takes random UUIDs; a replay derives them from
 * the recorded request so that replaying the same archive gives the same event ids.
 */
export interface HitIdSource {
  /** `requestKey` identifies the request (replay: its line), `index` the hit within it. */
  next(requestKey: string, index: number): string;
}

export class RandomHitIds implements HitIdSource {
  next(): string {
    return randomUUID();
  }
}

/** UUID-shaped (version 8, RFC 9562 variant) SHA-256 digest of the request key and hit index. */
export class DerivedHitIds implements HitIdSource {
  constructor(private readonly namespace: string = 'cairn') {}

  next(requestKey: string, index: number): string {
    const digest = createHash('sha256').update(this.namespace).update('\0').update(requestKey).update('\0').update(String(index)).digest();
    digest[6] = (digest[6]! & 0x0f) | 0x80;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    const hex = digest.subarray(0, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
}
