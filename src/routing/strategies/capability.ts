import type { Candidate, StrategyFunction, StrategyInput } from '../options.js';
import { KeyedOrder } from './keyed-order.js';

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

/** Whether some candidate declares the `chinese` strength (else a Chinese prompt changes no rank). */
function anyChinese(candidates: ReadonlyArray<Candidate>): boolean {
  for (const c of candidates) if (c.config.strengths?.includes('chinese')) return true;
  return false;
}

/**
 * Ranks by declared strengths for the task hint (`reasoning`, `creative`, `chinese`, `fast`...).
 * Filtering by what the request needs (tools, images, JSON schema, context window) happens
 * before every strategy, so this one only orders. Ties keep configured order.
 */
export function capabilityStrategy(options: { task?: string } = {}): StrategyFunction {
  const order = new KeyedOrder();
  return function capability(candidates, input): Candidate[] {
    // Without a hint the task comes from the language: skip detecting it when no model could gain by it.
    if (input.request.task === undefined && options.task === undefined && !anyChinese(candidates)) return candidates.slice();
    const task = taskOf(input, options.task);
    if (!task) return candidates.slice();
    let any = false;
    for (const c of candidates) if (fit(c, task) !== 0) any = true;
    // Every fit 0: the configured order.
    return any ? order.sort(candidates, (c) => -fit(c, task)) : candidates.slice();
  };
}
