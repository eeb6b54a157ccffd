import type { Candidate, StrategyFunction } from '../options.js';

/**
 * Cheapest estimated cost of *this* request first: estimated input tokens x input price +
 * expected output tokens x output price. Expected output is the request's `maxTokens` capped
 * by `expectedOutputTokens` (default 500). Unpriced models go last; ties keep configured order.
 */
export function costStrategy(options: { expectedOutputTokens?: number } = {}): StrategyFunction {
  return function cost(candidates, input): Candidate[] {
    const expected = Math.min(input.request.params?.maxTokens ?? Infinity, options.expectedOutputTokens ?? 500);
    const estimate = (c: Candidate) => {
      const p = c.config.pricing;
      return p ? input.inputTokens * p.input + expected * p.output : Infinity;
    };
    return candidates
      .map((c, i) => ({ c, i, e: estimate(c) }))
      .sort((a, b) => a.e - b.e || a.i - b.i)
      .map((x) => x.c);
  };
}
