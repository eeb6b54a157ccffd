import type { Candidate, StrategyFunction } from '../options.js';
import { KeyedOrder } from './keyed-order.js';

/**
 * Cheapest estimated cost of *this* request first: estimated input tokens x input price +
 * expected output tokens x output price. Expected output is the request's `maxTokens` capped
 * by `expectedOutputTokens` (default 500). Unpriced models go last; ties keep configured order.
 */
export function costStrategy(options: { expectedOutputTokens?: number } = {}): StrategyFunction {
  const order = new KeyedOrder();
  return function cost(candidates, input): Candidate[] {
    const expected = Math.min(input.request.params?.maxTokens ?? Infinity, options.expectedOutputTokens ?? 500);
    // Read once, and only when some candidate is priced (the estimate is a pass over the prompt).
    let tokens: number | undefined;
    return order.sort(candidates, (c) => {
      const p = c.config.pricing;
      return p ? (tokens ??= input.inputTokens) * p.input + expected * p.output : Infinity;
    });
  };
}
