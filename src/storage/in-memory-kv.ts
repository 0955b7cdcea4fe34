import { bytesToMapKey, checkedKey, checkedValue, copyBytes, mapKeyToBytes, prefixBytes, type StorageBytes } from './bytes.js';
import { checkedMaxKeys, type KeyListing, type KV, type KVSetOptions } from './kv.js';

/** KV held in a Map; for tests and for state that need not survive the process. */
export class InMemoryKV implements KV, KeyListing {
  private readonly entries = new Map<string, Uint8Array>();

  get(key: StorageBytes): Uint8Array | null {
    const value = this.entries.get(bytesToMapKey(checkedKey(key)));
    return value === undefined ? null : copyBytes(value);
  }

  set(key: StorageBytes, value: StorageBytes, options: KVSetOptions = {}): Uint8Array | null {
    const k = bytesToMapKey(checkedKey(key));
    const v = copyBytes(checkedValue(value));
    const existing = this.entries.get(k);
    const previous = options.returnPreviousValue === true && existing !== undefined ? copyBytes(existing) : null;
    if (existing !== undefined && options.skipIfKeyAlreadyExists === true) return previous;
    this.entries.set(k, v);
    return previous;
  }

  delete(key: StorageBytes): void {
    this.entries.delete(bytesToMapKey(checkedKey(key)));
  }

  keys(prefix?: StorageBytes, maxKeys?: number): Uint8Array[] {
    const p = bytesToMapKey(prefixBytes(prefix));
    const limit = checkedMaxKeys(maxKeys);
    const matching = [...this.entries.keys()].filter((k) => k.startsWith(p)).sort();
    return (limit > 0 ? matching.slice(0, limit) : matching).map(mapKeyToBytes);
  }
}
