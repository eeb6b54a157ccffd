import type { OpenAIClientLike } from '../openai/client-like.js';
import type { BaseProviderOptions } from '../shared/options.js';
import { createChatProvider, type OpenAIChatProvider } from '../openai/chat-provider.js';
import { COMPATIBLE_QUIRKS, resolveQuirks, type QuirksOption } from '../openai/quirks.js';
import { DEEPSEEK_BASE_URL, deepseekQuirks, describeDeepSeekModel } from './deepseek-models.js';

export interface DeepSeekProviderOptions extends BaseProviderOptions<OpenAIClientLike> {
  /** Name carried by errors (default `deepseek`). */
  name?: string;
  /** Overrides on top of DeepSeek's quirks. */
  quirks?: QuirksOption;
  /** SDK timeout per HTTP request until the response headers, in ms. Default: none. */
  timeoutMs?: number;
}

export type DeepSeekProvider = OpenAIChatProvider & { readonly kind: 'deepseek' };

/**
 * DeepSeek (`deepseek-chat`, `deepseek-reasoner`): the OpenAI-compatible adapter with DeepSeek's
 * base URL and quirks. `reasoning_content` becomes `reasoning` parts and `reasoning-delta` events,
 * `prompt_cache_hit_tokens` becomes `cachedInputTokens`. No environment variable is read: pass
 * `apiKey` (e.g. `apiKeyFromEnv('deepseek')`); without one the first call fails with an `AuthenticationError`.
 * `request.providerOptions.deepseek` is merged into the body (e.g. `{ thinking: { type: 'enabled' } }`).
 */
export function deepseek(options: DeepSeekProviderOptions = {}): DeepSeekProvider {
  const { quirks, name, ...connection } = options;
  return createChatProvider({
    ...connection,
    kind: 'deepseek',
    provider: name ?? 'deepseek',
    defaultBaseURL: DEEPSEEK_BASE_URL,
    requireKey: true,
    describeModel: describeDeepSeekModel,
    quirks: (model) => resolveQuirks(resolveQuirks(COMPATIBLE_QUIRKS, deepseekQuirks, model), quirks, model),
  }) as DeepSeekProvider;
}
