export { anthropic, type AnthropicProvider } from './anthropic-provider.js';
export type { AnthropicProviderOptions } from './options.js';
export { DEFAULT_MAX_TOKENS, FALLBACK_MAX_TOKENS, defaultMaxTokens } from './default-max-tokens.js';
export type { AnthropicClientLike } from './client-like.js';
