import type { Candidate, StrategyFunction } from '../../config/options.js';
import { sortBy } from './sort-by.js';

/** Points for how well a model's declared strengths fit the task. */
function fit(c: Candidate, task: string | undefined): number {
  if (!task) return 0;
  let points = c.config.strengths?.includes(task) ? 2 : 0;
  if (task === 'reasoning' && c.config.capabilities?.reasoning) points += 1;
  if (task === 'fast' && c.config.tier === 'economy') points += 1;
  return points;
}

/**
 * Ranks by declared strengths for the task hint (`reasoning`, `creative`, `chinese`, `fast`...):
 * the request's `task`, else the strategy's default, else `chinese` for a Chinese prompt.
 * Filtering by what the request needs (tools, images, JSON schema, context window) happens
 * before every strategy, so this one only orders. Ties keep configured order.
 */
export function capabilityStrategy(options: { task?: string } = {}): StrategyFunction {
  return function capability(candidates, input): Candidate[] {
    const task = input.request.task ?? options.task ?? (input.classification.language.language === 'zh' ? 'chinese' : undefined);
    return sortBy(candidates, (c) => -fit(c, task));
  };
}
