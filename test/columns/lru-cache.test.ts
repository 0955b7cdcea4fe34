import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LruCache } from '../../columns/generic/lru-cache.js';

/** The plainest LRU: a list ordered from least to most recently used. */
class ListLru {
  private list: [string, number][] = [];
  constructor(private readonly capacity: number) {}
  get(key: string): number | undefined {
    const at = this.list.findIndex(([k]) => k === key);
    if (at === -1) return undefined;
    const [entry] = this.list.splice(at, 1);
    this.list.push(entry!);
    return entry![1];
  }
  set(key: string, value: number): void {
    this.list = this.list.filter(([k]) => k !== key);
    this.list.push([key, value]);
    if (this.list.length > this.capacity) this.list.shift();
  }
  clear(): void {
    this.list = [];
  }
}

test('answers as a plain least-recently-used list over long mixed sequences, repeats of the last key included', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const capacity of [1, 2, 3, 8]) {
    const cache = new LruCache<string, number>(capacity);
    const model = new ListLru(capacity);
    for (let step = 0; step < 20_000; step++) {
      const key = `k${random(capacity + 3)}`;
      const op = random(20);
      if (op < 12) assert.is(cache.get(key), model.get(key), `capacity ${capacity} step ${step} get ${key}`);
      else if (op < 19) {
        cache.set(key, step);
        model.set(key, step);
      } else {
        cache.clear();
        model.clear();
      }
    }
  }
});

test.run();
