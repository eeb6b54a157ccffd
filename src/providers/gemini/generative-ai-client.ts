import { type BindingCallOptions, type GeminiBinding, modelPath, toPlain } from './client.js';
import { type GeminiModel, listModelsResponseSchema } from './gemini-api-types.js';

/**
 * The part of a `GoogleGenerativeAI` instance (`@google/generative-ai` 0.2x, end of life) that we
 * use, typed structurally so the package is not needed at compile or run time.
 */
export interface GenerativeAIClientLike {
  apiKey: string;
  getGenerativeModel(params: { model: string }, requestOptions?: GenerativeAIRequestOptions): GenerativeAIModelLike;
}

export interface GenerativeAIRequestOptions {
  baseUrl?: string;
  apiVersion?: string;
  timeout?: number;
  customHeaders?: Record<string, string>;
}

/**
 * The SDK's request parameter types differ between versions and are stricter than our REST body
 * type; `never` accepts any of them, and {@link asCallable} restores the call signature we use.
 */
export interface GenerativeAIModelLike {
  generateContent(request: never, options?: never): Promise<{ response: unknown }>;
  generateContentStream(request: never, options?: never): Promise<{ stream: AsyncIterable<unknown>; response: Promise<unknown> }>;
  countTokens(request: never, options?: never): Promise<{ totalTokens: number }>;
}

type Callable<F> = F extends (request: never, options?: never) => infer R
  ? (request: object, options?: { signal?: AbortSignal }) => R
  : never;

function asCallable<K extends keyof GenerativeAIModelLike>(model: GenerativeAIModelLike, key: K): Callable<GenerativeAIModelLike[K]> {
  return (model[key] as (...args: unknown[]) => unknown).bind(model) as Callable<GenerativeAIModelLike[K]>;
}

export function isGenerativeAIClient(value: unknown): value is GenerativeAIClientLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as { getGenerativeModel?: unknown }).getGenerativeModel === 'function'
  );
}

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GenerativeAIBindingOptions {
  /** Applied as the SDK's per-model `RequestOptions` (this SDK keeps no connection options on the client). */
  baseURL?: string;
  apiVersion?: string;
  headers?: Record<string, string>;
  /** Used only by `listModels` (this SDK has no models API and no fetch option). */
  fetch?: typeof globalThis.fetch;
}

/** Model listing is not in this SDK: one authenticated GET on the same API root, failing with the SDK's own error class. */
async function fetchModels(
  client: GenerativeAIClientLike,
  options: GenerativeAIBindingOptions,
  query: { pageSize?: number; pageToken?: string; signal?: AbortSignal },
): Promise<{ models: GeminiModel[]; nextPageToken?: string }> {
  const base = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const params = new URLSearchParams();
  if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
  if (query.pageToken) params.set('pageToken', query.pageToken);
  const url = `${base}/${options.apiVersion ?? 'v1beta'}/models${params.size ? `?${params}` : ''}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const init: RequestInit = { headers: { ...options.headers, 'x-goog-api-key': client.apiKey } };
  if (query.signal) init.signal = query.signal;
  const res = await doFetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    const { GoogleGenerativeAIFetchError } = await import('@google/generative-ai');
    let message = text;
    let details: unknown;
    try {
      const json = JSON.parse(text) as { error?: { message?: string; details?: unknown } };
      message = json.error?.message ?? text;
      details = json.error?.details;
      if (details) message += ` ${JSON.stringify(details)}`;
    } catch {
      // not JSON: the raw text is the message
    }
    throw new GoogleGenerativeAIFetchError(
      `Error fetching from ${url}: [${res.status} ${res.statusText}] ${message}`,
      res.status,
      res.statusText,
      details as never,
    );
  }
  const parsed = listModelsResponseSchema.parse(JSON.parse(text));
  return { models: parsed.models ?? [], ...(parsed.nextPageToken && { nextPageToken: parsed.nextPageToken }) };
}

export function generativeAIBinding(client: GenerativeAIClientLike, options: GenerativeAIBindingOptions = {}): GeminiBinding {
  function model(call: BindingCallOptions): GenerativeAIModelLike {
    const requestOptions: GenerativeAIRequestOptions = {};
    if (options.baseURL !== undefined) requestOptions.baseUrl = options.baseURL.replace(/\/+$/, '');
    if (options.apiVersion !== undefined) requestOptions.apiVersion = options.apiVersion;
    const headers = { ...options.headers, ...call.headers };
    if (Object.keys(headers).length > 0) requestOptions.customHeaders = headers;
    return client.getGenerativeModel({ model: call.model }, requestOptions);
  }
  const single = (call: BindingCallOptions) => (call.signal ? { signal: call.signal } : {});

  return {
    sdk: '@google/generative-ai',
    async generate(body, call) {
      const { response } = await asCallable(model(call), 'generateContent')(body, single(call));
      return toPlain(response);
    },
    async generateStream(body, call) {
      const result = await asCallable(model(call), 'generateContentStream')(body, single(call));
      // The SDK tees the stream into an aggregated `response` promise that we do not use; its
      // failure is the same failure `result.stream` throws to us, so it must not become unhandled.
      result.response.catch(() => undefined);
      return (async function* () {
        for await (const chunk of result.stream) yield toPlain(chunk);
      })();
    },
    async countTokens(body, call) {
      const res = await asCallable(model(call), 'countTokens')(
        { generateContentRequest: { ...body, model: modelPath(call.model) } },
        single(call),
      );
      return res.totalTokens;
    },
    async listModels(query) {
      const out: GeminiModel[] = [];
      const limit = query.limit ?? Number.POSITIVE_INFINITY;
      let pageToken: string | undefined;
      do {
        const page = await fetchModels(client, options, { ...query, ...(pageToken && { pageToken }) });
        for (const m of page.models) {
          out.push(m);
          if (out.length >= limit) return out;
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
      return out;
    },
  };
}
