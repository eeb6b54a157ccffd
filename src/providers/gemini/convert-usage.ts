import type { Usage } from '../../core/usage.js';
import type { GeminiUsageMetadata } from './gemini-api-types.js';

/**
 * `usageMetadata` to our usage. Thinking tokens are billed as output, so `outputTokens` is
 * candidates + thoughts and `reasoningTokens` the thoughts; tool-use prompt tokens (grounding
 * results) are billed as input. The vendor's object is kept in `raw`.
 */
export function convertUsage(meta: GeminiUsageMetadata | null | undefined): Usage | undefined {
  if (!meta) return undefined;
  const prompt = meta.promptTokenCount ?? 0;
  const toolPrompt = meta.toolUsePromptTokenCount ?? 0;
  const candidates = meta.candidatesTokenCount ?? 0;
  const thoughts = meta.thoughtsTokenCount ?? 0;
  const inputTokens = prompt + toolPrompt;
  const outputTokens = candidates + thoughts;
  const usage: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: meta.totalTokenCount ?? inputTokens + outputTokens,
    raw: meta,
  };
  if (meta.cachedContentTokenCount != null) usage.cachedInputTokens = meta.cachedContentTokenCount;
  if (meta.thoughtsTokenCount != null) usage.reasoningTokens = thoughts;
  return usage;
}
