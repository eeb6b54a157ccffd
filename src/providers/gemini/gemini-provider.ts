import { InvalidRequestError, type SwitchyardError } from '../../core/errors.js';
import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck, LLMProvider } from '../../core/provider.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { registerSecret } from '../../core/redact.js';
import { describeProvider, withDescription } from '../shared/describe.js';
import { clientForKey } from '../shared/client-cache.js';
import { estimateUsage } from '../shared/estimate-usage.js';
import { createKeySource, type KeySource } from '../shared/key-source.js';
import { adapterSecrets, guardSecrets } from '../shared/secret-guard.js';
import type { BaseProviderOptions } from '../shared/options.js';
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
  /** The name used in errors (`options.name`, default `gemini`). */
  readonly name: string;
  /** `rotated` / `unchanged` for a key resolver (see `LLMProvider`); `unsupported` for a literal key or a ready client. */
  rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
  /** Which SDK serves this instance (resolves the client; loads the SDK when built from options). */
  sdk(): Promise<GeminiBinding['sdk']>;
}

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

function readyBinding(options: GeminiProviderOptions): GeminiBinding {
  const { client } = options;
  if (isGenAIClient(client)) return genaiBinding(client);
  if (isGenerativeAIClient(client)) {
    registerSecret(client.apiKey);
    return generativeAIBinding(client, {
      ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
      ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }),
      ...(options.headers !== undefined && { headers: options.headers }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
    });
  }
  throw new InvalidRequestError({
    message: 'gemini({ client }) needs a GoogleGenAI (@google/genai) or GoogleGenerativeAI (@google/generative-ai) instance',
  });
}

/**
 * The binding: over the ready client, or over a `GoogleGenAI` client built with the key in use and
 * rebuilt when that key changes (after a rotation). No environment variable is read.
 */
function binding(options: GeminiProviderOptions, keys: KeySource, provider: string): () => Promise<GeminiBinding> {
  if (options.client !== undefined) {
    let ready: GeminiBinding | undefined;
    return async () => (ready ??= readyBinding(options));
  }
  return clientForKey(keys, { provider, required: true }, async (apiKey) => {
    const client = await createGenAIClient({
      ...(apiKey !== undefined && { apiKey }),
      baseURL: (options.baseURL ?? GEMINI_BASE_URL).replace(/\/+$/, ''),
      ...(options.headers !== undefined && { headers: options.headers }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }),
    });
    return genaiBinding(client, true);
  });
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
 * life); both SDKs are optional peer dependencies loaded on first use. No environment variable is
 * read: pass `apiKey` (e.g. `apiKeyFromEnv('gemini')` for `GEMINI_API_KEY` / `GOOGLE_API_KEY`).
 */
export function gemini(options: GeminiProviderOptions = {}): GeminiProvider {
  const provider = options.name ?? 'gemini';
  const keys = createKeySource(options.client !== undefined ? undefined : options.apiKey);
  const getBinding = binding(options, keys, provider);
  const schemaMode = options.schemaMode ?? 'openapi';
  const promptBlocked = options.promptBlocked ?? 'finish';

  const call = (o: ProviderCallOptions): BindingCallOptions => ({
    model: o.model,
    ...(o.signal && { signal: o.signal }),
    ...(o.headers && { headers: o.headers }),
  });
  const errorCtx = (model: string | undefined, signal?: AbortSignal) => ({
    provider,
    ...(model !== undefined && { model }),
    ...(signal && { signal }),
  });
  const withNames = (error: unknown, model: string): never => {
    const e = error as SwitchyardError & { provider?: string; model?: string };
    if (InvalidRequestError.isInstance(e) && e.provider === undefined) {
      throw new InvalidRequestError({
        message: e.message,
        provider,
        model,
        issues: [...e.issues],
        ...(e.path !== undefined && { path: e.path }),
      });
    }
    throw error;
  };

  const instance: GeminiProvider = {
    kind: 'gemini',
    name: provider,
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
      if (res.usage.raw === undefined) res.usage = estimateUsage(request, res.content);
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

    async rotateCredentials() {
      return options.client !== undefined ? 'unsupported' : keys.rotate();
    },
  };
  return withDescription(
    guardSecrets(instance, adapterSecrets(keys, options)),
    describeProvider({
      kind: 'gemini',
      name: provider,
      ...((options.client === undefined || options.baseURL !== undefined) && { baseURL: options.baseURL ?? GEMINI_BASE_URL }),
      apiKey: options.apiKey,
      client: options.client,
    }),
  );
}
