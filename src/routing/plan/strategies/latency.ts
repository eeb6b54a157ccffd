import type { Candidate, StrategyFunction } from '../../config/options.js';
import { sortBy } from './sort-by.js';

/**
 * Fastest first by learned latency: time to first token for streams (`auto`), whole-call latency
 * otherwise. Models without a sample yet come first (so they get measured), in configured order.
 * The figures come from the scope's stats: this process's EWMA, and on a shared store (SQLite,
 * Redis) the fleet's mean when this process has no fresh sample (see `RouterStats`), so a process
 * that has not measured a model yet (a restart, a new instance) orders it as the fleet measured it.
 */
export function latencyStrategy(options: { metric?: 'auto' | 'latency' | 'ttft' } = {}): StrategyFunction {
  const metric = options.metric ?? 'auto';
  return function latency(candidates, input): Candidate[] {
    const useTtft = metric === 'ttft' || (metric === 'auto' && input.kind === 'stream');
    const { stats } = input;
    return sortBy(candidates, (c) => (useTtft ? (stats.ttftMs(c.model) ?? stats.latencyMs(c.model)) : stats.latencyMs(c.model)) ?? -1);
  };
}
