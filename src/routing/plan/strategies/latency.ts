import type { Candidate, StrategyFunction } from '../../config/options.js';
import { sortBy } from './sort-by.js';

/**
 * Fastest first by learned EWMA: time to first token for streams (`auto`), whole-call latency
 * otherwise. Models without a sample yet come first (so they get measured), in configured order.
 */
export function latencyStrategy(options: { metric?: 'auto' | 'latency' | 'ttft' } = {}): StrategyFunction {
  const metric = options.metric ?? 'auto';
  return function latency(candidates, input): Candidate[] {
    const useTtft = metric === 'ttft' || (metric === 'auto' && input.kind === 'stream');
    const { stats } = input;
    return sortBy(candidates, (c) => (useTtft ? (stats.ttftMs(c.model) ?? stats.latencyMs(c.model)) : stats.latencyMs(c.model)) ?? -1);
  };
}
