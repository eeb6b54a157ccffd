import { InvalidRequestError, type SwitchyardError } from '../../core/errors.js';
import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck, LLMProvider } from '../../core/provider.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens, estimateTextTokens } from '../../core/tokens.js';
import type { Usage } from '../../core/usage.js';
import { type BaseProviderOptions, registerKey, resolveApiKey } from '../shared/options.js';
import type { BindingCallOptions, GeminiBinding } from './client.js';
import { convertRequest, type GeminiSchemaMode } from './convert-request.js';
import { convertResponse, type PromptBlockedBehavior } from './convert-response.js';
import type { GeminiModel } from './gemini-api-types.js';
import { createGenAIClient, type GenAIClientLike, genaiBinding, isGenAIClient } from './genai-client.js';
import { type GenerativeAIClientLike, generativeAIBinding, isGenerativeAIClient } from './generative-ai-client.js';
import { mapGeminiError } from './map-error.js';
import { streamParts } from './stream.js';

export interface GeminiProviderOptions extends BaseProviderOptions<GenAIClientLike | GenerativeAIClientLike> {
  /** Names this instance in errors (default `gemini`). */
  name?: string;
  /** JSON Schema handling for tools and `json-schema` response formats (default `openapi`). */
  schemaMode?: GeminiSchemaMode;
  /** A blocked prompt: a `content-filter` finish (default) or a thrown `ContentFilterError`. */
  promptBlocked?: PromptBlockedBehavior;
  /** `countTokens()`: offline estimate (default) or the vendor's `countTokens` call. */
  countTokens?: 'estimate' | 'vendor';
  /**
   * API version (default `v1beta`, where thinking, function calling and JSON schema live). Pinned
   * for clients built from options and `@google/generative-ai` clients; a ready `GoogleGenAI`
   * client keeps its own (its default is `v1beta` in major 2 and `v1` in major 3).
   */
  apiVersion?: string;
}

export interface GeminiProvider extends LLMProvider {
  readonly kind: 'gemini';
  /** Which SDK serves this instance (resolves the client; loads the SDK when built from options). */
  sdk(): Promise<GeminiBinding['sdk']>;
}

function binding(options: GeminiProviderOptions): () => Promise<GeminiBinding> {
  let pending: Promise<GeminiBinding> | undefined;
  const create = async (): Promise<GeminiBinding> => {
    const { client } = options;
    if (client !== undefined) {
      if (isGenAIClient(client)) return genaiBinding(client);
      if (isGenerativeAIClient(client)) {
        registerKey(client.apiKey);
        return generativeAIBinding(client, {
          ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
          ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }),
          ...(options.headers !== undefined && { headers: options.headers }),
          ...(options.fetch !== undefined && { fetch: options.fetch }),
        });
      }
      throw new InvalidRequestError({ message: 'gemini({ client }) needs a GoogleGenAI (@google/genai) or GoogleGenerativeAI (@google/generative-ai) instance' });
    }
    const apiKey = await resolveApiKey(options.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY);
    const genai = await createGenAIClient({
      ...(apiKey !== undefined && { apiKey }),
      ...(options.baseURL !== undefined && { baseURL: options.baseURL.replace(/\/+$/, '') }),
      ...(options.headers !== undefined && { headers: options.headers }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }),
    });
    return genaiBinding(genai);
  };
  return () => {
    pending ??= create().catch((error: unknown) => {
      pending = undefined; // a failed creation (e.g. a key resolver error) is retried on the next call
      throw error;
    });
    return pending;
  };
}

/** No `usageMetadata` (some Vertex-shaped responses): our estimate, marked as such. */
function estimateUsage(request: ProviderRequest, res: ProviderResponse): Usage {
  const inputTokens = estimateRequestTokens(request);
  let outputTokens = 0;
  for (const part of res.content) {
    if (part.type === 'text' || part.type === 'reasoning') outputTokens += estimateTextTokens(part.text);
    else if (part.type === 'tool-call') outputTokens += estimateTextTokens(part.toolName + JSON.stringify(part.args));
  }
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}

function toModelInfo(m: GeminiModel, provider: string): ModelInfo {
  const methods = m.supportedGenerationMethods ?? m.supportedActions ?? [];
  const info: ModelInfo = { id: m.name.replace(/^models\//, ''), provider };
  if (m.displayName) info.displayName = m.displayName;
  if (m.inputTokenLimit) info.contextWindow = m.inputTokenLimit;
  if (m.outputTokenLimit) info.maxOutputTokens = m.outputTokenLimit;
  info.capabilities = {
    streaming: methods.includes('streamGenerateContent'),
    ...(m.thinking != null && { reasoning: m.thinking }),
  };
  return info;
}

/**
 * The Gemini adapter. Works with a `GoogleGenAI` client (`@google/genai`, the maintained SDK, used
 * when building from options) or a `GoogleGenerativeAI` client (`@google/generative-ai`, end of
 * life); both SDKs are optional peer dependencies loaded on first use.
 */
export function gemini(options: GeminiProviderOptions = {}): GeminiProvider {
  registerKey(options.apiKey);
  const provider = options.name ?? 'gemini';
  const getBinding = binding(options);
  const schemaMode = options.schemaMode ?? 'openapi';
  const promptBlocked = options.promptBlocked ?? 'finish';

  const call = (o: ProviderCallOptions): BindingCallOptions => ({
    model: o.model,
    ...(o.signal && { signal: o.signal }),
    ...(o.headers && { headers: o.headers }),
  });
  const errorCtx = (model: string | undefined, signal?: AbortSignal) => ({ provider, ...(model !== undefined && { model }), ...(signal && { signal }) });
  const withNames = (error: unknown, model: string): never => {
    const e = error as SwitchyardError & { provider?: string; model?: string };
    if (InvalidRequestError.isInstance(e) && e.provider === undefined) {
      throw new InvalidRequestError({ message: e.message, provider, model, issues: [...e.issues], ...(e.path !== undefined && { path: e.path }) });
    }
    throw error;
  };

  return {
    kind: 'gemini',
    async sdk() {
      return (await getBinding()).sdk;
    },

    async chat(request: ProviderRequest, o: ProviderCallOptions): Promise<ProviderResponse> {
      let converted: ReturnType<typeof convertRequest>;
      try {
        converted = convertRequest(request, { schemaMode });
      } catch (error) {
        return withNames(error, o.model);
      }
      let raw: unknown;
      try {
        const b = await getBinding();
        raw = await b.generate(converted.body, call(o));
      } catch (error) {
        throw mapGeminiError(error, errorCtx(o.model, o.signal));
      }
      const res = convertResponse(raw, { provider, model: o.model, promptBlocked });
      res.warnings.unshift(...converted.warnings);
      if (res.usage.raw === undefined) res.usage = estimateUsage(request, res);
      return res;
    },

    stream(request: ProviderRequest, o: ProviderCallOptions): AsyncIterable<ProviderStreamPart> {
      // Nothing happens until the first `next()`: conversion errors and the HTTP call surface there.
      return (async function* () {
        let converted: ReturnType<typeof convertRequest>;
        try {
          converted = convertRequest(request, { schemaMode });
        } catch (error) {
          return withNames(error, o.model);
        }
        yield* streamParts(async () => (await getBinding()).generateStream(converted.body, call(o)), {
          provider,
          model: o.model,
          promptBlocked,
          warnings: converted.warnings,
          ...(o.signal && { signal: o.signal }),
        });
      })();
    },

    async countTokens(request: ProviderRequest, o: ProviderCallOptions): Promise<number> {
      if (options.countTokens !== 'vendor') return estimateRequestTokens(request);
      let converted: ReturnType<typeof convertRequest>;
      try {
        converted = convertRequest(request, { schemaMode });
      } catch (error) {
        return withNames(error, o.model);
      }
      try {
        return await (await getBinding()).countTokens(converted.body, call(o));
      } catch (error) {
        throw mapGeminiError(error, errorCtx(o.model, o.signal));
      }
    },

    async listModels(o?: { signal?: AbortSignal }): Promise<ModelInfo[]> {
      try {
        const models = await (await getBinding()).listModels({ pageSize: 1000, ...(o?.signal && { signal: o.signal }) });
        return models.map((m) => toModelInfo(m, provider));
      } catch (error) {
        throw mapGeminiError(error, errorCtx(undefined, o?.signal));
      }
    },

    async validateCredentials(o?: { signal?: AbortSignal }): Promise<CredentialCheck> {
      const started = performance.now();
      try {
        await (await getBinding()).listModels({ pageSize: 1, limit: 1, ...(o?.signal && { signal: o.signal }) });
        return { ok: true, latencyMs: performance.now() - started };
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, error: mapGeminiError(error, errorCtx(undefined, o?.signal)) };
      }
    },
  };
}
