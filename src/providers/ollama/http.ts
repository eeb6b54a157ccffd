import { AuthenticationError, SwitchyardError } from '../../core/errors.js';
import type { KeySource } from '../shared/key-source.js';
import { describe, mapFetchError, mapHttpError, type ErrorContext } from './map-error.js';
import { DEFAULT_OLLAMA_BASE_URL, type OllamaProviderOptions } from './ollama-options.js';

export interface HttpCall {
  method: 'GET' | 'POST';
  /** e.g. `/api/chat` */
  path: string;
  /** JSON-serialised when present. */
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  ctx: ErrorContext;
}

/** Sends one HTTP call to Ollama; resolves only with a 2xx response, throws only SwitchyardErrors. */
export type OllamaHttp = (call: HttpCall) => Promise<Response>;

/** `http://host:11434/`, `http://host:11434/api` -> `http://host:11434`. */
export function normalizeBaseURL(baseURL: string | undefined): string {
  return (baseURL ?? DEFAULT_OLLAMA_BASE_URL).replace(/\/+$/, '').replace(/\/api$/, '');
}

/** `keys`: the key in use is sent as a bearer token (resolved on first need and on rotation, not per call). */
export function createHttp(options: OllamaProviderOptions, keys: KeySource): OllamaHttp {
  const root = normalizeBaseURL(options.baseURL);
  return async (call) => {
    const { ctx, signal } = call;
    if (signal?.aborted) throw mapFetchError(signal.reason, signal, ctx);
    const headers: Record<string, string> = { accept: call.accept ?? 'application/json', ...options.headers, ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const key = await apiKey(keys, ctx);
    if (key) headers.authorization = `Bearer ${key}`;

    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(`${root}${call.path}`, {
        method: call.method,
        headers,
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
        ...(signal && { signal }),
      });
    } catch (error) {
      throw mapFetchError(error, signal, ctx);
    }
    if (response.ok) return response;
    let text = '';
    try {
      text = await response.text();
    } catch (error) {
      // The status alone still classifies the failure; the unreadable body is not lost.
      text = `(error body unreadable: ${error instanceof Error ? error.message : String(error)})`;
    }
    throw mapHttpError(response.status, text, response.headers, ctx);
  };
}

async function apiKey(keys: KeySource, ctx: ErrorContext): Promise<string | undefined> {
  try {
    return await keys.inUse();
  } catch (error) {
    if (SwitchyardError.isInstance(error)) throw error;
    throw new AuthenticationError({
      provider: ctx.provider,
      ...(ctx.model !== undefined && { model: ctx.model }),
      message: `${describe(ctx)}: the apiKey resolver failed`,
      cause: error,
    });
  }
}
