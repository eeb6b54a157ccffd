import type { Usage } from '../../core/usage.js';
import type { WireUsage } from './openai-api-types.js';

/**
 * Chat Completions usage to the unified one. Cached input comes from OpenAI's
 * `prompt_tokens_details.cached_tokens` or DeepSeek's `prompt_cache_hit_tokens`; reasoning tokens
 * from `completion_tokens_details.reasoning_tokens`; cache writes from
 * `prompt_tokens_details.cache_write_tokens` (both are subsets of `prompt_tokens`). The vendor's
 * object is kept in `raw`.
 */
export function convertUsage(usage: WireUsage, raw: unknown): Usage {
  const inputTokens = usage.prompt_tokens ?? 0;
  const outputTokens = usage.completion_tokens ?? 0;
  const out: Usage = { inputTokens, outputTokens, totalTokens: usage.total_tokens ?? inputTokens + outputTokens, raw };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (cached !== null && cached !== undefined) out.cachedInputTokens = cached;
  const written = usage.prompt_tokens_details?.cache_write_tokens;
  if (written !== null && written !== undefined) out.cacheWriteTokens = written;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning !== null && reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}
