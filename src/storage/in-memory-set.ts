import { bytesToMapKey, checkedKey, checkedValue, mapKeyToBytes, type StorageBytes } from './bytes.js';
import type { KeyedSet } from './set.js';

/** KeyedSet held in Maps; `all` sorts so both implementations list values in byte order. */
export class InMemoryKeyedSet implements KeyedSet {
  private readonly sets = new Map<string, Set<string>>();

  add(key: StorageBytes, value: StorageBytes): void {
    const k = bytesToMapKey(checkedKey(key));
    const v = bytesToMapKey(checkedValue(value));
    let members = this.sets.get(k);
    if (members === undefined) {
      members = new Set();
      this.sets.set(k, members);
    }
    members.add(v);
  }

  delete(key: StorageBytes, value: StorageBytes): void {
    const k = bytesToMapKey(checkedKey(key));
    const v = bytesToMapKey(checkedValue(value));
    const members = this.sets.get(k);
    if (members === undefined) return;
    members.delete(v);
    if (members.size === 0) this.sets.delete(k);
  }

  all(key: StorageBytes): Uint8Array[] {
    const members = this.sets.get(bytesToMapKey(checkedKey(key)));
    return members === undefined ? [] : [...members].sort().map(mapKeyToBytes);
  }

  drop(key: StorageBytes): void {
    this.sets.delete(bytesToMapKey(checkedKey(key)));
  }
}
