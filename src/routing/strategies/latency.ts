import type { Candidate, StrategyFunction } from '../options.js';

/**
 * Fastest first by learned EWMA: time to first token for streams (`auto`), whole-call latency
 * otherwise. Models without a sample yet come first (so they get measured), in configured order.
 */
export function latencyStrategy(options: { metric?: 'auto' | 'latency' | 'ttft' } = {}): StrategyFunction {
  const metric = options.metric ?? 'auto';
  return function latency(candidates, input): Candidate[] {
    const useTtft = metric === 'ttft' || (metric === 'auto' && input.kind === 'stream');
    const value = (c: Candidate) => (useTtft ? (input.stats.ttftMs(c.model) ?? input.stats.latencyMs(c.model)) : input.stats.latencyMs(c.model)) ?? -1;
    return candidates
      .map((c, i) => ({ c, i, v: value(c) }))
      .sort((a, b) => a.v - b.v || a.i - b.i)
      .map((x) => x.c);
  };
}
