import type { AssistantContentPart } from '../../core/messages.js';
import type { ProviderRequest } from '../../core/request.js';
import { estimateRequestTokens, estimateTextTokens } from '../../core/tokens.js';
import type { Usage } from '../../core/usage.js';

/** Our offline count of what a model wrote: text and reasoning as text, a tool call as its name and arguments. */
export function estimateOutputTokens(content: readonly AssistantContentPart[]): number {
  let n = 0;
  for (const part of content) {
    n += part.type === 'tool-call' ? estimateTextTokens(part.toolName + (JSON.stringify(part.args) ?? '')) : estimateTextTokens(part.text);
  }
  return n;
}

/** Usage for a response that reported none (some servers omit it): our estimate, marked as such. */
export function estimateUsage(request: ProviderRequest, content: readonly AssistantContentPart[]): Usage {
  const inputTokens = estimateRequestTokens(request);
  const outputTokens = estimateOutputTokens(content);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
