import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-api-types.js';

/**
 * Anthropic's `input_tokens` counts only the input after the last cache breakpoint: cache reads
 * (`cache_read_input_tokens`) and writes (`cache_creation_input_tokens`) are reported apart.
 * Our `inputTokens` is ALL input, so the three are summed; the cache figures are also kept as
 * `cachedInputTokens` / `cacheWriteTokens` (subsets of `inputTokens`). Raw numbers stay in `raw`.
 */
export function convertUsage(usage: AnthropicUsage): Usage {
  const read = usage.cache_read_input_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  const inputTokens = (usage.input_tokens ?? 0) + read + write;
  const outputTokens = usage.output_tokens ?? 0;
  const out: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, raw: usage };
  if (usage.cache_read_input_tokens != null) out.cachedInputTokens = read;
  if (usage.cache_creation_input_tokens != null) out.cacheWriteTokens = write;
  return out;
}
