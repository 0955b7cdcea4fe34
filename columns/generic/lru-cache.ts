/**
 * A bounded least-recently-used map. Device and geo lookups repeat the same few keys (one UA
 * or IP per visitor, many events each); the bound keeps a crawler's endless variety from
 * growing memory. Map iteration order is insertion order, so re-inserting on read keeps the
 * least recently used entry first.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  // The most recently used entry, already last in `entries`: asked again (the next event of the
  // same visitor's IP, the next session from the same referrer host) it needs no reordering.
  private hasLast = false;
  private lastKey: K | undefined;
  private lastValue: V | undefined;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    if (this.hasLast && this.lastKey === key) return this.lastValue;
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.remember(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    // With a capacity of one the new entry is never the one evicted below.
    this.remember(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.hasLast = false;
    this.lastKey = undefined;
    this.lastValue = undefined;
  }

  private remember(key: K, value: V): void {
    this.hasLast = true;
    this.lastKey = key;
    this.lastValue = value;
  }
}
