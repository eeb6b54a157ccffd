import type { Usage } from '../../core/usage.js';
import type { OllamaChatChunk } from './ollama-api-types.js';

/** The metrics of the final object, as Ollama reported them (durations in nanoseconds). */
export function ollamaMetrics(final: OllamaChatChunk): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const key of [
    'total_duration',
    'load_duration',
    'prompt_eval_count',
    'prompt_eval_duration',
    'eval_count',
    'eval_duration',
  ] as const) {
    const value = final[key];
    if (typeof value === 'number') out[key] = value;
  }
  if (final.created_at) out.created_at = final.created_at;
  return out;
}

/**
 * `prompt_eval_count` / `eval_count` -> usage. Ollama leaves a count out when it has nothing to
 * report (e.g. a prompt served whole from its cache): the missing side is then our estimate and
 * the usage is marked `estimated: true`.
 */
export function convertUsage(final: OllamaChatChunk, estimate: { input: () => number; output: () => number }): Usage {
  const reportedIn = final.prompt_eval_count;
  const reportedOut = final.eval_count;
  const inputTokens = reportedIn ?? estimate.input();
  const outputTokens = reportedOut ?? estimate.output();
  const usage: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, raw: ollamaMetrics(final) };
  if (reportedIn == null || reportedOut == null) usage.estimated = true;
  return usage;
}
