import { closest } from 'fastest-levenshtein';

/** The candidate nearest to `input` by edit distance, or undefined when there are none. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  return closest(input, candidates);
}

/** ` (did you mean X?)`, or nothing when there is nothing to suggest. */
export function didYouMean(input: string, candidates: readonly string[], render: (s: string) => string = (s) => s): string {
  const best = nearest(input, candidates);
  return best === undefined ? '' : `; did you mean ${render(best)}?`;
}
