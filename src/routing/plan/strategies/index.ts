import type { StrategyFunction, StrategySpec } from '../../config/options.js';
import { capabilityStrategy } from './capability.js';
import { costStrategy } from './cost.js';
import { fallbackStrategy } from './fallback.js';
import { latencyStrategy } from './latency.js';
import { loadBalanceStrategy } from './load-balance.js';

/** Turns a strategy spec (name, options object or function) into its name and ordering function. */
export function resolveStrategy(spec: StrategySpec): { name: string; order: StrategyFunction } {
  if (typeof spec === 'function') return { name: spec.name || 'custom', order: spec };
  const s = typeof spec === 'string' ? { type: spec } : spec;
  switch (s.type) {
    case 'fallback':
      return { name: 'fallback', order: fallbackStrategy };
    case 'cost':
      return { name: 'cost', order: costStrategy('expectedOutputTokens' in s ? s : {}) };
    case 'capability':
      return { name: 'capability', order: capabilityStrategy('task' in s ? s : {}) };
    case 'load-balance':
      return { name: 'load-balance', order: loadBalanceStrategy('mode' in s ? s : {}) };
    case 'latency':
      return { name: 'latency', order: latencyStrategy('metric' in s ? s : {}) };
    default: {
      const never: never = s;
      return never;
    }
  }
}
