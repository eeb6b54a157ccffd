import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage, AnthropicUsageFigures } from './anthropic-api-types.js';

/**
 * Anthropic's `input_tokens` counts only the input after the last cache breakpoint: cache reads
 * (`cache_read_input_tokens`) and writes (`cache_creation_input_tokens`) are reported apart.
 * Our `inputTokens` is ALL input, so the three are summed; the cache figures are also kept as
 * `cachedInputTokens` / `cacheWriteTokens` (subsets of `inputTokens`), and
 * `output_tokens_details.thinking_tokens` as `reasoningTokens` (a subset of `outputTokens`).
 * With context management the call runs several iterations (`usage.iterations`), each billed: the
 * totals are then the sums over the iterations, not the top-level figures (the last iteration's).
 * Raw numbers stay in `raw`.
 */
export function convertUsage(usage: AnthropicUsage): Usage {
  const iterations: AnthropicUsageFigures[] = usage.iterations && usage.iterations.length > 0 ? usage.iterations : [usage];
  let read = 0;
  let write = 0;
  let input = 0;
  let outputTokens = 0;
  let thinking = 0;
  let hasRead = false;
  let hasWrite = false;
  let hasThinking = false;
  for (const it of iterations) {
    input += it.input_tokens ?? 0;
    outputTokens += it.output_tokens ?? 0;
    read += it.cache_read_input_tokens ?? 0;
    write += it.cache_creation_input_tokens ?? 0;
    thinking += it.output_tokens_details?.thinking_tokens ?? 0;
    hasRead ||= it.cache_read_input_tokens != null;
    hasWrite ||= it.cache_creation_input_tokens != null;
    hasThinking ||= it.output_tokens_details?.thinking_tokens != null;
  }
  const inputTokens = input + read + write;
  const out: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, raw: usage };
  if (hasRead) out.cachedInputTokens = read;
  if (hasWrite) out.cacheWriteTokens = write;
  if (hasThinking) out.reasoningTokens = thinking;
  return out;
}
