import { createHash, randomFillSync } from 'node:crypto';

/**
 * Where event ids come from. Live traffic takes random UUIDs; a replay derives them from
 * the recorded request so that replaying the same archive gives the same event ids.
 */
export interface HitIdSource {
  /** `requestKey` identifies the request (replay: its line), `index` the hit within it. */
  next(requestKey: string, index: number): string;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Random (version 4) UUIDs, as `crypto.randomUUID` makes them, from a larger pool of random
 * bytes and written as one flat string: `randomUUID` joins twenty pieces into a string that is
 * flattened again as soon as the id is encoded, and this runs once per hit.
 */
export class RandomHitIds implements HitIdSource {
  private readonly pool = Buffer.allocUnsafe(16 * 4096);
  private at = this.pool.length;
  private readonly text = Buffer.allocUnsafe(36);

  next(): string {
    const pool = this.pool;
    if (this.at === pool.length) {
      randomFillSync(pool);
      this.at = 0;
    }
    const o = this.at;
    this.at += 16;
    const text = this.text;
    let p = 0;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[p++] = 0x2d;
      let v = pool[o + i]!;
      if (i === 6) v = (v & 0x0f) | 0x40; // version 4
      else if (i === 8) v = (v & 0x3f) | 0x80; // RFC 9562 variant
      text[p++] = HEX[v >> 4]!;
      text[p++] = HEX[v & 0x0f]!;
    }
    return text.toString('latin1', 0, 36);
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
