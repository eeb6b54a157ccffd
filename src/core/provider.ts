import type { SwitchyardError } from './errors.js';
import type { ModelInfo } from './model.js';
import type { ProviderCallOptions, ProviderRequest } from './request.js';
import type { ProviderResponse } from './response.js';
import type { ProviderStreamPart } from './stream.js';

/** Known adapter kinds; open for third-party adapters. */
export type ProviderKind = 'openai' | 'anthropic' | 'gemini' | 'deepseek' | 'openai-compatible' | 'ollama' | 'mock' | (string & {});

export interface CredentialCheck {
  ok: boolean;
  latencyMs: number;
  error?: SwitchyardError;
}

/**
 * The seam between routing and vendors. Adapters translate the unified request to the vendor's
 * wire format through its official SDK, and map responses, stream events and errors back.
 * Every method throws only {@link SwitchyardError}s.
 */
export interface LLMProvider {
  readonly kind: ProviderKind;
  chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResponse>;
  stream(request: ProviderRequest, options: ProviderCallOptions): AsyncIterable<ProviderStreamPart>;
  /** Estimated input tokens of a request (no network unless the adapter is asked to use the vendor's counter). */
  countTokens(request: ProviderRequest, options: ProviderCallOptions): Promise<number>;
  listModels(options?: { signal?: AbortSignal }): Promise<ModelInfo[]>;
  /** One cheap authenticated call. */
  validateCredentials(options?: { signal?: AbortSignal }): Promise<CredentialCheck>;
  /**
   * Re-resolves the API key (after an AuthenticationError). `rotated`: the resolver returned a key
   * different from the one that failed, and the next call will use it; `unchanged`: same key (the
   * router does not retry: the old key is never retried); `unsupported`: a literal key or a ready client.
   */
  rotateCredentials?(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
}

export function isLLMProvider(value: unknown): value is LLMProvider {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.kind === 'string' &&
    typeof p.chat === 'function' &&
    typeof p.stream === 'function' &&
    typeof p.countTokens === 'function' &&
    typeof p.listModels === 'function' &&
    typeof p.validateCredentials === 'function'
  );
}
