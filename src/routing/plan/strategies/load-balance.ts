import type { Candidate, StrategyFunction } from '../../config/options.js';
import { sortBy } from './sort-by.js';

/**
 * Weighted random order without replacement: the first pick follows the weights exactly; the
 * rest follow as fallbacks, also by weight. Zero-weight candidates come last, in configured order.
 * One `random()` call per positive-weight candidate. A picked candidate's slot takes the pool's
 * last one: each pick's chance is its weight over the pool's total whatever the pool's order.
 */
function weighted(candidates: ReadonlyArray<Candidate>, random: () => number): Candidate[] {
  const pool = candidates.filter((c) => c.weight > 0);
  const zero = candidates.filter((c) => !(c.weight > 0));
  const out: Candidate[] = [];
  let total = pool.reduce((sum, c) => sum + c.weight, 0);
  while (pool.length > 0) {
    let r = random() * total;
    let i = 0;
    while (i < pool.length - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight;
    const picked = pool[i]!;
    pool[i] = pool[pool.length - 1]!;
    pool.pop();
    total -= picked.weight;
    out.push(picked);
  }
  return out.concat(zero);
}

/** `candidates` rotated left by `k`. */
function rotated(candidates: ReadonlyArray<Candidate>, k: number): Candidate[] {
  return [...candidates.slice(k), ...candidates.slice(0, k)];
}

export function loadBalanceStrategy(options: { mode?: 'weighted' | 'round-robin' | 'least-in-flight' } = {}): StrategyFunction {
  const mode = options.mode ?? 'weighted';
  return function loadBalance(candidates, input): Candidate[] {
    if (candidates.length <= 1) return [...candidates];
    switch (mode) {
      case 'weighted':
        return weighted(candidates, input.random);
      case 'round-robin':
        return rotated(candidates, input.sequence % candidates.length);
      case 'least-in-flight':
        return sortBy(candidates, (c) => input.stats.inFlight(c.model));
      default: {
        const never: never = mode;
        return never;
      }
    }
  };
}
