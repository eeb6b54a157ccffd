import type { OpenAIClientLike } from '../openai/client-like.js';
import { ConfigError } from '../../core/errors.js';
import type { BaseProviderOptions } from '../shared/options.js';
import { createChatProvider, type OpenAIChatProvider } from '../openai/chat-provider.js';
import { COMPATIBLE_QUIRKS, resolveQuirks, type QuirksOption } from '../openai/quirks.js';

export interface OpenAICompatibleProviderOptions extends BaseProviderOptions<OpenAIClientLike> {
  /** Endpoint name, used in errors (e.g. `groq`, `vllm`). */
  name: string;
  /** The API root, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `https://api.groq.com/openai/v1`. Required unless `client` is given. */
  baseURL?: string;
  /** Optional: keyless local servers get no `Authorization` header. */
  apiKey?: BaseProviderOptions['apiKey'];
  /** What this endpoint does not support (see `OpenAIChatQuirks`); a static set or a function of the model id. */
  quirks?: QuirksOption;
  /** SDK timeout per HTTP request until the response headers, in ms. Default: none. */
  timeoutMs?: number;
}

export type OpenAICompatibleProvider = OpenAIChatProvider & { readonly kind: 'openai-compatible' };

/**
 * Any OpenAI-compatible Chat Completions endpoint (vLLM, llama.cpp, LM Studio, Groq, Together,
 * OpenRouter...). `request.providerOptions['openai-compatible']` is merged into the body.
 * No environment variable is read (an OpenAI key never reaches another vendor); without `apiKey`
 * no `Authorization` header is sent (keyless local servers).
 */
export function openaiCompatible(options: OpenAICompatibleProviderOptions): OpenAICompatibleProvider {
  const issues = [];
  if (!options.name) issues.push({ path: 'name', message: 'an endpoint name is required (it names the endpoint in errors)' });
  if (!options.baseURL && !options.client)
    issues.push({ path: 'baseURL', message: 'the endpoint URL is required (e.g. http://127.0.0.1:8000/v1), or pass a ready `client`' });
  if (issues.length > 0) throw new ConfigError(issues, { provider: options.name || 'openai-compatible' });
  const { quirks, name, ...connection } = options;
  return createChatProvider({
    ...connection,
    kind: 'openai-compatible',
    provider: name,
    requireKey: false,
    quirks: (model) => resolveQuirks(COMPATIBLE_QUIRKS, quirks, model),
  }) as OpenAICompatibleProvider;
}
