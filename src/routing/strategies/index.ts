import type { Strategy, StrategyFunction, StrategyName } from '../options.js';
import { fallbackStrategy } from './fallback.js';

const BUILT_IN: Record<StrategyName, StrategyFunction> = {
  fallback: fallbackStrategy,
};

export function resolveStrategy(strategy: Strategy): { name: string; order: StrategyFunction } {
  if (typeof strategy === 'function') return { name: strategy.name || 'custom', order: strategy };
  return { name: strategy, order: BUILT_IN[strategy] };
}
