import type { Candidate } from '../options.js';

/**
 * Orders candidates by an ascending numeric key, ties in input order: exactly what
 * `candidates.map((c, i) => ({ c, i, k })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.c)`
 * returns, without the per-candidate objects. One instance per strategy instance (per group).
 *
 * When the same candidates come again (the usual case: a route's eligible list rarely changes),
 * the previous permutation is the starting point of an insertion sort, which is linear while the
 * order still holds. Without NaN keys the comparator is a strict total order, so every correct sort
 * gives the one answer the stable Array.prototype.sort gives; with a NaN key the index array is
 * sorted by Array.prototype.sort with the same comparator, as the original did.
 */
export class KeyedOrder {
  #keys = new Float64Array(16);
  #prev: Candidate[] = [];
  #perm: number[] = [];
  #busy = false;

  /** The candidates ordered by `key`. */
  sort(candidates: ReadonlyArray<Candidate>, key: (c: Candidate) => number): Candidate[] {
    // Re-entered (a key function that plans again): the plain way, leaving the scratch alone.
    if (this.#busy) return sortByKeys(candidates, key);
    this.#busy = true;
    try {
      const n = candidates.length;
      if (this.#keys.length < n) this.#keys = new Float64Array(Math.max(n, this.#keys.length * 2));
      const keys = this.#keys;
      let nan = false;
      for (let i = 0; i < n; i++) {
        const k = key(candidates[i]!);
        keys[i] = k;
        if (Number.isNaN(k)) nan = true;
      }
      let perm: number[];
      if (!nan && this.#same(candidates)) {
        perm = this.#perm;
        insertionSort(perm, keys);
      } else {
        perm = Array.from({ length: n }, (_, i) => i);
        perm.sort((a, b) => keys[a]! - keys[b]! || a - b);
        this.#prev = nan ? [] : candidates.slice();
        this.#perm = perm;
      }
      const out: Candidate[] = [];
      for (let i = 0; i < n; i++) out.push(candidates[perm[i]!]!);
      return out;
    } finally {
      this.#busy = false;
    }
  }

  #same(candidates: ReadonlyArray<Candidate>): boolean {
    const prev = this.#prev;
    if (prev.length !== candidates.length || prev.length === 0) return false;
    for (let i = 0; i < prev.length; i++) if (prev[i] !== candidates[i]) return false;
    return true;
  }
}

/** Sorts `perm` (indices) by `keys[i] - keys[j] || i - j` in place; linear when already sorted. */
function insertionSort(perm: number[], keys: Float64Array): void {
  for (let i = 1; i < perm.length; i++) {
    const x = perm[i]!;
    const kx = keys[x]!;
    let j = i - 1;
    while (j >= 0) {
      const y = perm[j]!;
      if (!((kx - keys[y]! || x - y) < 0)) break;
      perm[j + 1] = y;
      j--;
    }
    perm[j + 1] = x;
  }
}

/** The reference: a stable sort of decorated candidates (used when the scratch is in use, and by tests). */
export function sortByKeys(candidates: ReadonlyArray<Candidate>, key: (c: Candidate) => number): Candidate[] {
  return candidates
    .map((c, i) => ({ c, i, k: key(c) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c);
}
