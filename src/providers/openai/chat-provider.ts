import type OpenAI from 'openai';
import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck, LLMProvider } from '../../core/provider.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { InvalidResponseError } from '../../core/errors.js';
import { describeProvider, withDescription } from '../shared/describe.js';
import { estimateUsage } from '../shared/estimate-usage.js';
import { EventStreamReader } from '../shared/event-stream.js';
import { createKeySource } from '../shared/key-source.js';
import { adapterSecrets, guardSecrets } from '../shared/secret-guard.js';
import type { OpenAIClientLike } from './client-like.js';
import { lazyClient, NO_TIMEOUT_MS, OPENAI_BASE_URL, type ClientSettings } from './client.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { mapOpenAIError } from './map-error.js';
import { modelListSchema } from './openai-api-types.js';
import type { OpenAIChatQuirks } from './quirks.js';
import { streamParts } from './stream.js';

export type OpenAIChatKind = 'openai' | 'openai-compatible' | 'deepseek';

/** Everything that tells one OpenAI-style endpoint from another. */
export interface ChatProviderSettings extends ClientSettings {
  kind: OpenAIChatKind;
  /** Quirks of the endpoint for one model. */
  quirks: (model: string) => OpenAIChatQuirks;
  /** Extra facts about a listed model (context window, capabilities). */
  describeModel?: (id: string) => Partial<ModelInfo>;
}

/** The shared adapter: OpenAI, DeepSeek and any OpenAI-compatible server differ only in settings. */
export interface OpenAIChatProvider extends LLMProvider {
  readonly kind: OpenAIChatKind;
  /** The name errors carry (e.g. `openai`, `deepseek`, `groq`). */
  readonly name: string;
  /**
   * The SDK client (created on first call unless one was given; rebuilt after a key rotation).
   * Typed structurally (see {@link OpenAIClientLike}); cast to `OpenAI` for the SDK's methods.
   */
  client(): Promise<OpenAIClientLike>;
  /** `rotated` / `unchanged` for a key resolver (see `LLMProvider`); `unsupported` for a literal key or a ready client. */
  rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
}

export function createChatProvider(settings: ChatProviderSettings): OpenAIChatProvider {
  const keys = createKeySource(settings.client ? undefined : settings.apiKey);
  const getClient = lazyClient(settings, keys);
  const name = settings.provider;
  const timeout = settings.timeoutMs ?? NO_TIMEOUT_MS;

  function requestOptions(signal: AbortSignal | undefined, headers?: Record<string, string>) {
    return { maxRetries: 0, timeout, ...(signal && { signal }), ...(headers && { headers }) };
  }

  function streamRun(request: ProviderRequest, options: ProviderCallOptions): AsyncGenerator<ProviderStreamPart> {
    const { model, signal } = options;
    const ctx = { provider: name, kind: settings.kind, model, ...(signal && { signal }) };
    const quirks = settings.quirks(model);
    const { body, warnings } = convertRequest(request, model, quirks, settings.kind);
    body.stream = true;
    if (quirks.streamOptions) body.stream_options = { include_usage: true };
    // The SDK sends the request (auth, headers, HTTP errors); the event stream is read here, not by
    // the SDK's Stream: one reader for every OpenAI-style server, and openai@7 cancels the body at
    // `[DONE]`, which closes the connection.
    const open = async (): Promise<EventStreamReader> => {
      try {
        const client = await getClient();
        const response = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, requestOptions(signal, options.headers))
          .asResponse();
        if (!response.body)
          throw new InvalidResponseError({
            provider: name,
            model,
            message: `${name} (model "${model}") answered a stream request without a body`,
          });
        return new EventStreamReader(response.body);
      } catch (error) {
        throw mapOpenAIError(error, ctx);
      }
    };
    return streamParts(open, { type: 'stream-start', warnings }, ctx);
  }

  async function models(signal: AbortSignal | undefined): Promise<ModelInfo[]> {
    const ctx = { provider: name, ...(signal && { signal }) };
    let raw: unknown;
    try {
      const client = await getClient();
      raw = await client.get('/models', requestOptions(signal));
    } catch (error) {
      throw mapOpenAIError(error, ctx);
    }
    const parsed = modelListSchema.safeParse(raw);
    if (!parsed.success)
      throw new InvalidResponseError({ provider: name, cause: parsed.error, message: `${name} returned an unreadable model list` });
    return parsed.data.data.map((m) => ({ ...settings.describeModel?.(m.id), id: m.id, provider: name }));
  }

  const provider: OpenAIChatProvider = {
    kind: settings.kind,
    name,
    client: getClient,

    async rotateCredentials() {
      return settings.client ? 'unsupported' : keys.rotate();
    },

    async chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResponse> {
      const { model, signal } = options;
      const ctx = { provider: name, kind: settings.kind, model, ...(signal && { signal }) };
      const { body, warnings } = convertRequest(request, model, settings.quirks(model), settings.kind);
      let raw: unknown;
      try {
        const client = await getClient();
        raw = await client.chat.completions.create(
          body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
          requestOptions(signal, options.headers),
        );
      } catch (error) {
        throw mapOpenAIError(error, ctx);
      }
      return convertResponse(raw, ctx, warnings, (content) => estimateUsage(request, content));
    },

    stream(request: ProviderRequest, options: ProviderCallOptions): AsyncIterable<ProviderStreamPart> {
      return { [Symbol.asyncIterator]: () => streamRun(request, options) };
    },

    async countTokens(request: ProviderRequest): Promise<number> {
      return estimateRequestTokens(request);
    },

    listModels(options?: { signal?: AbortSignal }): Promise<ModelInfo[]> {
      return models(options?.signal);
    },

    async validateCredentials(options?: { signal?: AbortSignal }): Promise<CredentialCheck> {
      const started = performance.now();
      try {
        await models(options?.signal);
        return { ok: true, latencyMs: performance.now() - started };
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, error: mapOpenAIError(error, { provider: name }) };
      }
    },
  };
  return withDescription(
    guardSecrets(provider, adapterSecrets(keys, settings)),
    describeProvider({
      kind: settings.kind,
      name,
      ...(!settings.client && { baseURL: settings.baseURL ?? settings.defaultBaseURL ?? OPENAI_BASE_URL }),
      apiKey: settings.apiKey,
      client: settings.client,
    }),
  );
}
