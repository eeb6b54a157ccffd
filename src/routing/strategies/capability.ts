import type { Candidate, StrategyFunction, StrategyInput } from '../options.js';

/** The task to rank for: the request's hint, the strategy's default, or `chinese` for Chinese prompts. */
function taskOf(input: StrategyInput, fallbackTask: string | undefined): string | undefined {
  return input.request.task ?? fallbackTask ?? (input.classification.language.language === 'zh' ? 'chinese' : undefined);
}

/** Points for how well a model's declared strengths fit the task. */
function fit(c: Candidate, task: string | undefined): number {
  if (!task) return 0;
  let points = c.config.strengths?.includes(task) ? 2 : 0;
  if (task === 'reasoning' && c.config.capabilities?.reasoning) points += 1;
  if (task === 'fast' && c.config.tier === 'economy') points += 1;
  return points;
}

/**
 * Ranks by declared strengths for the task hint (`reasoning`, `creative`, `chinese`, `fast`...).
 * Filtering by what the request needs (tools, images, JSON schema, context window) happens
 * before every strategy, so this one only orders. Ties keep configured order.
 */
export function capabilityStrategy(options: { task?: string } = {}): StrategyFunction {
  return function capability(candidates, input): Candidate[] {
    const task = taskOf(input, options.task);
    return candidates
      .map((c, i) => ({ c, i, f: fit(c, task) }))
      .sort((a, b) => b.f - a.f || a.i - b.i)
      .map((x) => x.c);
  };
}
