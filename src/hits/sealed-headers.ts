import type { Headers } from './hit.js';

/**
 * Header maps that cannot change once built. The receiver gives one to every hit of a
 * keep-alive connection while the client sends the same headers, and the worker's hit reader
 * gives one to every hit of a client whose headers it has just read; the hit writer keeps the
 * encoding of such a map with it, so every later hit copies those bytes instead of writing the
 * map again. Because nothing can change the map, the kept bytes never go stale, and sharing one
 * map between hits is safe.
 *
 * A sealed map is an ordinary `Map` (equal to any map with the same entries) whose `set`,
 * `delete` and `clear` throw, with frozen value lists.
 */
const SEALED = Symbol('sealed header map');
const ENCODING = Symbol('sealed header map encoding');

type Sealed = Headers & { [SEALED]?: true; [ENCODING]?: Uint8Array | undefined };

function refuse(what: string): () => never {
  return () => {
    throw new TypeError(`a sealed header map cannot change (${what})`);
  };
}

const REFUSE_SET = { value: refuse('set') };
const REFUSE_DELETE = { value: refuse('delete') };
const REFUSE_CLEAR = { value: refuse('clear') };
const MARK = { value: true as const };

/** A sealed copy of `headers`. */
export function sealHeaders(headers: Headers): Headers {
  const out: Sealed = new Map();
  for (const [name, values] of headers) out.set(name, Object.freeze(values.slice()) as string[]);
  Object.defineProperties(out, { set: REFUSE_SET, delete: REFUSE_DELETE, clear: REFUSE_CLEAR, [SEALED]: MARK, [ENCODING]: { value: undefined, writable: true } });
  return out;
}

export function isSealed(headers: Headers): boolean {
  return (headers as Sealed)[SEALED] === true;
}

/** The encoding kept with a sealed map, if one was kept. */
export function keptEncoding(headers: Headers): Uint8Array | undefined {
  return (headers as Sealed)[ENCODING];
}

/** Keeps `bytes` as the encoding of a sealed map (unsealed maps keep nothing). */
export function keepEncoding(headers: Headers, bytes: Uint8Array): void {
  if (isSealed(headers)) (headers as Sealed)[ENCODING] = bytes;
}

/**
 * Values computed from header maps, remembered for sealed maps: one cannot change, and the hits
 * of one client share one, so what it gave once it gives again. Other maps are computed anew.
 */
export class SealedHeadersMemo<T> {
  // Kept on the map itself rather than in a WeakMap: a WeakMap's keys survive scavenges, and
  // the worker reads a sealed map per session it decodes.
  private readonly key = Symbol('sealed header map memo');

  get(headers: Headers, compute: (headers: Headers) => T): T {
    if (!isSealed(headers)) return compute(headers);
    const holder = headers as Headers & Record<symbol, T | undefined>;
    let value = holder[this.key];
    if (value === undefined) {
      value = compute(headers);
      Object.defineProperty(holder, this.key, { value });
    }
    return value;
  }
}
