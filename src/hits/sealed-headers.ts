import type { Headers } from './hit.js';

/**
 * A header map that cannot change once built. The receiver gives one to every hit of a
 * keep-alive connection while the client sends the same headers, and the hit writer keeps the
 * encoding of the map with it: every later hit copies those bytes instead of writing the map
 * again. Because nothing can change the map, the kept bytes can never go stale.
 */
export class SealedHeaders extends Map<string, string[]> {
  /** The map's CBOR, kept by the hit writer the first time it writes the map. */
  encoding: Uint8Array | undefined = undefined;

  constructor(headers: Headers) {
    super();
    for (const [name, values] of headers) super.set(name, Object.freeze(values.slice()) as string[]);
  }

  override set(name: string, _values?: string[]): this {
    throw new TypeError(`a sealed header map cannot change (set ${name})`);
  }

  override delete(name: string): boolean {
    throw new TypeError(`a sealed header map cannot change (delete ${name})`);
  }

  override clear(): void {
    throw new TypeError('a sealed header map cannot change (clear)');
  }
}
