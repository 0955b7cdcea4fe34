/**
 * A map keyed by two strings without joining them. A joined key is a new string for every
 * lookup, which the map must flatten and hash; the parts (client ids, stamps, property ids) are
 * strings that already exist and mostly repeat, so their hashes are computed once and kept.
 *
 * With a capacity it is a table of recent answers: once it holds that many pairs, the next new
 * pair starts it over (cheaper than tracking what is oldest, and the hot pairs come back at once).
 */
export class PairMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  private count = 0;

  constructor(private readonly capacity = Infinity) {}

  get(first: string, second: string): V | undefined {
    return this.outer.get(first)?.get(second);
  }

  set(first: string, second: string, value: V): void {
    let inner = this.outer.get(first);
    if (inner === undefined || !inner.has(second)) {
      if (this.count >= this.capacity) {
        this.outer.clear();
        this.count = 0;
        inner = undefined;
      }
      this.count++;
    }
    if (inner === undefined) this.outer.set(first, (inner = new Map()));
    inner.set(second, value);
  }
}
