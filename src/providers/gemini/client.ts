import type { GeminiModel, GeminiRequest } from './gemini-api-types.js';

/** Per-call options every binding honours. */
export interface BindingCallOptions {
  /** The vendor's model id, with or without the `models/` prefix. */
  model: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/**
 * The one seam between the conversion code and an SDK. Both bindings take the REST-shaped request
 * body and return REST-shaped `GenerateContentResponse` objects (plain data, not yet validated),
 * so conversion is written once against the wire format.
 */
export interface GeminiBinding {
  /** Which SDK is behind this binding (reported in docs and errors). */
  readonly sdk: '@google/genai' | '@google/generative-ai';
  generate(body: GeminiRequest, options: BindingCallOptions): Promise<unknown>;
  /** Resolves once the HTTP response has started; the iterable yields one parsed chunk per SSE event. */
  generateStream(body: GeminiRequest, options: BindingCallOptions): Promise<AsyncIterable<unknown>>;
  countTokens(body: GeminiRequest, options: BindingCallOptions): Promise<number>;
  /** Models, page by page until `limit` (all when absent). */
  listModels(options: { pageSize?: number; limit?: number; signal?: AbortSignal }): Promise<GeminiModel[]>;
}

/** Copies an SDK response object into plain REST data (drops helper methods and SDK-only fields). */
export function toPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'function' || k === 'sdkHttpResponse') continue;
    out[k] = v;
  }
  return out;
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` both name the same model. */
export function modelPath(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}
