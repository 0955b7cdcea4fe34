/**
 * Deterministic pseudo-random numbers for tests that feed generated input (mulberry32): the same
 * seed gives the same run, and the sequence does not repeat within the few million draws a test
 * makes. A linear congruential step computed in doubles loses its low bits to rounding and
 * cycles within a few hundred to a few thousand draws, which quietly shrank those tests.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from `seededRandom`'s draws. */
export function seededInts(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}
