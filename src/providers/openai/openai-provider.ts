import type { OpenAIClientLike } from './client-like.js';
import type { BaseProviderOptions } from '../shared/options.js';
import { createChatProvider, type OpenAIChatProvider } from './chat-provider.js';
import { OPENAI_QUIRKS, resolveQuirks, type QuirksOption } from './quirks.js';

/** OpenAI model ids with autocomplete; any other id is accepted. */
export type OpenAIModelId =
  'gpt-4.1' | 'gpt-4.1-mini' | 'gpt-4.1-nano' | 'gpt-4o' | 'gpt-4o-mini' | 'o3' | 'o3-mini' | 'o4-mini' | (string & {});

export interface OpenAIProviderOptions extends BaseProviderOptions<OpenAIClientLike> {
  /** Name carried by errors (default `openai`). Set it to the router's provider name to match traces. */
  name?: string;
  organization?: string;
  project?: string;
  /**
   * SDK timeout per HTTP request until the response headers, in ms. Default: none (the router's
   * deadline and AbortSignal govern). When it fires the error is a `TimeoutError`.
   */
  timeoutMs?: number;
  /** Override endpoint behaviour (e.g. `{ developerRole: true }` for o-series system prompts). */
  quirks?: QuirksOption;
}

export type OpenAIProvider = OpenAIChatProvider & { readonly kind: 'openai' };

/**
 * OpenAI Chat Completions through the official `openai` SDK (an optional peer dependency, loaded
 * on first call). SDK retries are off: the router retries. No environment variable is read: pass
 * `apiKey` (a string, or a resolver such as `apiKeyFromEnv('openai')`); without one the first call
 * fails with an `AuthenticationError`.
 */
export function openai(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const { quirks, name, ...connection } = options;
  return createChatProvider({
    ...connection,
    kind: 'openai',
    provider: name ?? 'openai',
    requireKey: true,
    quirks: (model) => resolveQuirks(OPENAI_QUIRKS, quirks, model),
  }) as OpenAIProvider;
}
