import type { AnthropicClientLike } from './client-like.js';
import type { BaseProviderOptions } from '../shared/options.js';

/** Options of `anthropic(options)`. */
export interface AnthropicProviderOptions extends BaseProviderOptions<AnthropicClientLike> {
  /** Name used in errors (`provider` field). Defaults to `'anthropic'`. */
  name?: string;
  /**
   * `'estimate'` (default): `countTokens()` estimates offline. `'vendor'`: it calls
   * `POST /v1/messages/count_tokens` (an authenticated network call).
   */
  countTokens?: 'estimate' | 'vendor';
  /**
   * Per-request SDK timeout in ms. Defaults to the largest timer value, so that the router's own
   * deadline (passed as an AbortSignal) is what ends a slow call.
   */
  sdkTimeoutMs?: number;
  /** Replaces the default `max_tokens` table (model-id prefix -> tokens) used when `params.maxTokens` is unset. */
  defaultMaxTokens?: Readonly<Record<string, number>>;
}
