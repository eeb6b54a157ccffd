import type { Candidate, StrategyFunction } from '../../config/options.js';
import { sortBy } from './sort-by.js';

/**
 * Cheapest estimated cost of *this* request first: estimated input tokens x input price +
 * expected output tokens x output price. Expected output is the request's `maxTokens` capped
 * by `expectedOutputTokens` (default 500). Unpriced models go last; ties keep configured order.
 */
export function costStrategy(options: { expectedOutputTokens?: number } = {}): StrategyFunction {
  return function cost(candidates, input): Candidate[] {
    const expected = Math.min(input.request.params?.maxTokens ?? Infinity, options.expectedOutputTokens ?? 500);
    return sortBy(candidates, (c) =>
      c.config.pricing ? input.inputTokens * c.config.pricing.input + expected * c.config.pricing.output : Infinity,
    );
  };
}
