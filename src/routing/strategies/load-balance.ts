import type { Candidate, StrategyFunction } from '../options.js';
import { KeyedOrder } from './keyed-order.js';

/**
 * Weighted random order without replacement: the first pick follows the weights exactly; the
 * rest follow as fallbacks, also by weight. Zero-weight candidates come last, in configured order.
 * One `random()` call per positive-weight candidate.
 *
 * A picked candidate's slot takes the pool's last one (no shifting): the chance of each pick is its
 * weight over the pool's total whatever the pool's order, so every order keeps its exact
 * probability, and 50 candidates cost ~0.9 µs instead of ~4.8 µs for order-preserving removal.
 */
function weighted(candidates: ReadonlyArray<Candidate>, random: () => number): Candidate[] {
  // One pass: the positive-weight pool (a plain copy when every weight is positive, the usual case), the rest, the total.
  let total = 0;
  let zeros = 0;
  for (const c of candidates) {
    if (c.weight > 0) total += c.weight;
    else zeros++;
  }
  const pool = zeros === 0 ? candidates.slice() : candidates.filter((c) => c.weight > 0);
  const zero = zeros === 0 ? [] : candidates.filter((c) => !(c.weight > 0));
  const out: Candidate[] = [];
  const w = equalIntegerWeight(pool, total);
  // `left` is the pool's length: the last candidate moves into the picked one's slot.
  let left = pool.length;
  while (left > 0) {
    let i: number;
    if (w !== undefined) {
      i = Math.min(left - 1, countAtMost(random() * total, w));
    } else {
      let r = random() * total;
      i = 0;
      while (i < left - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight;
    }
    const picked = pool[i]!;
    left--;
    pool[i] = pool[left]!;
    total -= picked.weight;
    out.push(picked);
  }
  return zero.length > 0 ? out.concat(zero) : out;
}

/**
 * The weight shared by every candidate, when it is an integer and the total stays below 2^52.
 * Then every `r -= weight` of the scan is exact, so the scan stops after exactly
 * `countAtMost(r, weight)` steps (or at the last candidate): the same pick without the scan.
 */
function equalIntegerWeight(pool: ReadonlyArray<Candidate>, total: number): number | undefined {
  const w = pool[0]?.weight;
  if (w === undefined || !Number.isInteger(w) || !(total < 2 ** 52)) return undefined;
  for (const c of pool) if (c.weight !== w) return undefined;
  return w;
}

/** How many k >= 1 have k * w <= r (w a positive integer, r >= 0, both exact below 2^53). */
function countAtMost(r: number, w: number): number {
  let q = Math.floor(r / w);
  while ((q + 1) * w <= r) q++;
  while (q > 0 && q * w > r) q--;
  return q;
}

/** `candidates` rotated left by `k`. */
function rotated(candidates: ReadonlyArray<Candidate>, k: number): Candidate[] {
  const out: Candidate[] = [];
  for (let i = k; i < candidates.length; i++) out.push(candidates[i]!);
  for (let i = 0; i < k; i++) out.push(candidates[i]!);
  return out;
}

export function loadBalanceStrategy(options: { mode?: 'weighted' | 'round-robin' | 'least-in-flight' } = {}): StrategyFunction {
  const mode = options.mode ?? 'weighted';
  const order = new KeyedOrder();
  return function loadBalance(candidates, input): Candidate[] {
    if (candidates.length <= 1) return [...candidates];
    switch (mode) {
      case 'weighted':
        return weighted(candidates, input.random);
      case 'round-robin':
        return rotated(candidates, input.sequence % candidates.length);
      case 'least-in-flight': {
        const { stats } = input;
        return order.sort(candidates, (c) => stats.inFlight(c.model));
      }
      default: {
        const never: never = mode;
        return never;
      }
    }
  };
}
