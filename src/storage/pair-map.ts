/**
 * A map keyed by two strings without joining them. A joined key is a new string for every
 * lookup, which the map must flatten and hash; the parts (client ids, stamps, property ids) are
 * strings that already exist and mostly repeat, so their hashes are computed once and kept.
 */
export class PairMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();

  get(first: string, second: string): V | undefined {
    return this.outer.get(first)?.get(second);
  }

  set(first: string, second: string, value: V): void {
    let inner = this.outer.get(first);
    if (inner === undefined) this.outer.set(first, (inner = new Map()));
    inner.set(second, value);
  }

  clear(): void {
    this.outer.clear();
  }
}
