import type { Candidate, StrategyFunction } from '../../config/options.js';

/** Configured order: the route's `use` list, or the declaration order of `models`. */
export const fallbackStrategy: StrategyFunction = (candidates): Candidate[] => [...candidates];
