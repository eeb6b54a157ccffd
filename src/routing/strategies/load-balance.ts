import type { Candidate, StrategyFunction } from '../options.js';

/**
 * Weighted random order without replacement: the first pick follows the weights exactly; the
 * rest follow as fallbacks, also by weight. Zero-weight candidates come last, in configured order.
 */
function weighted(candidates: ReadonlyArray<Candidate>, random: () => number): Candidate[] {
  const pool = candidates.filter((c) => c.weight > 0);
  const zero = candidates.filter((c) => !(c.weight > 0));
  const out: Candidate[] = [];
  let total = pool.reduce((s, c) => s + c.weight, 0);
  while (pool.length > 0) {
    let r = random() * total;
    let i = 0;
    while (i < pool.length - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight;
    const [picked] = pool.splice(i, 1);
    total -= picked!.weight;
    out.push(picked!);
  }
  return out.concat(zero);
}

export function loadBalanceStrategy(options: { mode?: 'weighted' | 'round-robin' | 'least-in-flight' } = {}): StrategyFunction {
  const mode = options.mode ?? 'weighted';
  return function loadBalance(candidates, input): Candidate[] {
    if (candidates.length <= 1) return [...candidates];
    switch (mode) {
      case 'weighted':
        return weighted(candidates, input.random);
      case 'round-robin': {
        const k = input.sequence % candidates.length;
        return [...candidates.slice(k), ...candidates.slice(0, k)];
      }
      case 'least-in-flight':
        return candidates
          .map((c, i) => ({ c, i, n: input.stats.inFlight(c.model) }))
          .sort((a, b) => a.n - b.n || a.i - b.i)
          .map((x) => x.c);
      default: {
        const never: never = mode;
        return never;
      }
    }
  };
}
