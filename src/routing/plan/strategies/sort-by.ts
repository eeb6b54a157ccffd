import type { Candidate } from '../../config/options.js';

/** The candidates in ascending order of `key`, ties in their given order (a stable sort). */
export function sortBy(candidates: ReadonlyArray<Candidate>, key: (c: Candidate) => number): Candidate[] {
  return candidates
    .map((c, i) => ({ c, i, k: key(c) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c);
}
