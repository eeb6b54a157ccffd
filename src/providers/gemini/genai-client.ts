import type * as GenAISdk from '@google/genai';
import { ConfigError } from '../../core/errors.js';
import { type BindingCallOptions, type GeminiBinding, toPlain } from './client.js';
import type { GeminiModel, GeminiRequest } from './gemini-api-types.js';

/**
 * The part of a `GoogleGenAI` instance (`@google/genai`, majors 1 to 3) that we use, typed
 * structurally so that no major's own types are required at compile time or run time.
 */
export interface GenAIClientLike {
  /** Parameter types are `never` so that every major's stricter parameter types are accepted; see {@link models}. */
  models: {
    generateContent(params: never): Promise<unknown>;
    generateContentStream(params: never): Promise<AsyncIterable<unknown>>;
    countTokens(params: never): Promise<{ totalTokens?: number | undefined }>;
    list(params?: never): Promise<AsyncIterable<unknown>>;
  };
}

/** The same methods with the REST-shaped parameters we pass. */
interface GenAIModels {
  generateContent(params: GenAIParams): Promise<unknown>;
  generateContentStream(params: GenAIParams): Promise<AsyncIterable<unknown>>;
  countTokens(params: GenAIParams): Promise<{ totalTokens?: number | undefined }>;
  list(params?: { config?: Record<string, unknown> }): Promise<AsyncIterable<unknown>>;
}

function models(client: GenAIClientLike): GenAIModels {
  return client.models as unknown as GenAIModels;
}

export interface GenAIParams {
  model: string;
  contents: unknown;
  config?: Record<string, unknown>;
}

export function isGenAIClient(value: unknown): value is GenAIClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const models = (value as { models?: unknown }).models;
  return typeof models === 'object' && models !== null && typeof (models as { generateContent?: unknown }).generateContent === 'function';
}

export interface GenAIBuildOptions {
  apiKey?: string;
  baseURL?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
  /** Pinned, because the SDK's default moved from `v1beta` (major 2) to `v1` (major 3). */
  apiVersion?: string;
}

/** Builds a `GoogleGenAI` client; the SDK is loaded on first use (it is an optional peer dependency). */
export async function createGenAIClient(options: GenAIBuildOptions): Promise<GenAIClientLike> {
  let sdk: typeof GenAISdk;
  try {
    sdk = await import('@google/genai');
  } catch (error) {
    throw new ConfigError(
      [
        {
          path: 'gemini',
          message:
            'gemini() built from options needs the optional peer dependency @google/genai (npm install @google/genai), or pass a ready client',
        },
      ],
      { cause: error },
    );
  }
  const httpOptions: Record<string, unknown> = { apiVersion: options.apiVersion ?? 'v1beta' };
  if (options.baseURL !== undefined) httpOptions.baseUrl = options.baseURL;
  if (options.headers !== undefined) httpOptions.headers = options.headers;
  if (options.fetch !== undefined) httpOptions.fetch = options.fetch;
  // `vertexai: false` and an explicit key keep the SDK from reading GOOGLE_GENAI_USE_VERTEXAI,
  // GOOGLE_API_KEY / GEMINI_API_KEY and GOOGLE_CLOUD_* for the choices that matter; an explicit
  // `baseUrl` wins over GOOGLE_GEMINI_BASE_URL.
  const init: Record<string, unknown> = { httpOptions, vertexai: false };
  if (options.apiKey !== undefined) init.apiKey = options.apiKey;
  return new sdk.GoogleGenAI(init) as unknown as GenAIClientLike;
}

/** `generationConfig` and the other top-level request fields become one flat `config` in this SDK. */
function toParams(body: GeminiRequest, options: BindingCallOptions, own: boolean): GenAIParams {
  const config: Record<string, unknown> = { ...body.generationConfig };
  if (body.systemInstruction) config.systemInstruction = body.systemInstruction;
  if (body.tools) config.tools = body.tools;
  if (body.toolConfig) config.toolConfig = body.toolConfig;
  if (body.safetySettings) config.safetySettings = body.safetySettings;
  if (body.cachedContent) config.cachedContent = body.cachedContent;
  Object.assign(config, callConfig(options, own));
  return { model: options.model, contents: body.contents, config };
}

/**
 * Our router retries and resumes; the SDK must not (no automatic continuation or function calling).
 * A client built by the adapter has no `retryOptions`, and without them no SDK version of the peer
 * range retries (1.x calls `fetch` once, 2.x and 3.x skip p-retry): no per-call `httpOptions` then,
 * unless the call has headers (with per-call `httpOptions` the SDK deep-copies its options, a JSON
 * round trip, and `{ attempts: 1 }` ran p-retry around every call). A user's ready client may have
 * retries configured: its calls get `retryOptions: { attempts: 1 }`.
 */
function callConfig(options: { signal?: AbortSignal; headers?: Record<string, string> }, own: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {
    automaticFunctionCalling: { disable: true },
    automaticContinuation: false,
  };
  if (!own) config.httpOptions = { retryOptions: { attempts: 1 }, ...(options.headers && { headers: options.headers }) };
  else if (options.headers) config.httpOptions = { headers: options.headers };
  if (options.signal) config.abortSignal = options.signal;
  return config;
}

async function* plain(stream: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  for await (const chunk of stream) yield toPlain(chunk);
}

/** `own`: the client was built by the adapter (no retries configured), not handed in by the user. */
export function genaiBinding(client: GenAIClientLike, own = false): GeminiBinding {
  return {
    sdk: '@google/genai',
    async generate(body, options) {
      return toPlain(await models(client).generateContent(toParams(body, options, own)));
    },
    async generateStream(body, options) {
      return plain(await models(client).generateContentStream(toParams(body, options, own)));
    },
    async countTokens(body, options) {
      // The Gemini Developer API counts `contents` only in this SDK (it rejects systemInstruction/tools here).
      const { httpOptions, abortSignal } = callConfig(options, own);
      const config: Record<string, unknown> = {};
      if (httpOptions) config.httpOptions = httpOptions;
      if (abortSignal) config.abortSignal = abortSignal;
      const res = await models(client).countTokens({ model: options.model, contents: body.contents, config });
      return res.totalTokens ?? 0;
    },
    async listModels(options) {
      const config: Record<string, unknown> = { ...callConfig(options, own) };
      delete config.automaticFunctionCalling;
      delete config.automaticContinuation;
      if (options.pageSize !== undefined) config.pageSize = options.pageSize;
      const pager = await models(client).list({ config });
      const out: GeminiModel[] = [];
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      for await (const model of pager) {
        out.push(toPlain(model) as GeminiModel);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
