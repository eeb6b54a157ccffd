import type Anthropic from '@anthropic-ai/sdk';
import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck, LLMProvider } from '../../core/provider.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { describeProvider, withDescription } from '../shared/describe.js';
import { createKeySource } from '../shared/key-source.js';
import { adapterSecrets, guardSecrets } from '../shared/secret-guard.js';
import { InvalidResponseError } from '../../core/errors.js';
import { modelListSchema, tokenCountSchema } from './anthropic-api-types.js';
import { ANTHROPIC_BASE_URL, clientFactory, NO_SDK_TIMEOUT } from './client.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { mapAnthropicError } from './map-error.js';
import type { AnthropicProviderOptions } from './options.js';
import { mapStream, type StreamCall } from './stream.js';

export interface AnthropicProvider extends LLMProvider {
  readonly kind: 'anthropic';
  /** The name used in errors (`options.name`, default `'anthropic'`). */
  readonly name: string;
  /** `rotated` / `unchanged` for a key resolver (see `LLMProvider`); `unsupported` for a literal key or a ready client. */
  rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
}

type CreateNonStreaming = Anthropic.Messages.MessageCreateParamsNonStreaming;
type CreateStreaming = Anthropic.Messages.MessageCreateParamsStreaming;
type CountParams = Anthropic.Messages.MessageCountTokensParams;

/** Fields of a Messages body that `/v1/messages/count_tokens` accepts. */
const COUNT_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'] as const;

/**
 * The Anthropic adapter (Messages API through `@anthropic-ai/sdk`). The SDK is an optional peer
 * dependency, loaded with a dynamic import on the first call. SDK retries are off: the router retries.
 * No environment variable is read: pass `apiKey` (e.g. `apiKeyFromEnv('anthropic')`).
 */
export function anthropic(options: AnthropicProviderOptions = {}): AnthropicProvider {
  const name = options.name ?? 'anthropic';
  const keys = createKeySource(options.client ? undefined : options.apiKey);
  const getClient = clientFactory(options, name, keys);
  const timeout = options.sdkTimeoutMs ?? NO_SDK_TIMEOUT;

  const requestOptions = (call: { signal?: AbortSignal; headers?: Record<string, string> }) => ({
    maxRetries: 0,
    timeout,
    ...(call.signal && { signal: call.signal }),
    ...(call.headers && { headers: call.headers }),
  });
  const errorContext = (model: string | undefined, signal: AbortSignal | undefined) => ({
    provider: name,
    ...(model !== undefined && { model }),
    ...(signal && { signal }),
  });
  const convert = (request: ProviderRequest, model: string) =>
    convertRequest(request, { provider: name, model, ...(options.defaultMaxTokens && { maxTokensTable: options.defaultMaxTokens }) });

  async function chat(request: ProviderRequest, call: ProviderCallOptions): Promise<ProviderResponse> {
    const { body, warnings, jsonTool } = convert(request, call.model);
    let raw: unknown;
    try {
      const client = await getClient();
      body.stream = false; // (the body is this call's own: no copy)
      raw = await client.messages.create(body as unknown as CreateNonStreaming, requestOptions(call));
    } catch (error) {
      throw mapAnthropicError(error, errorContext(call.model, call.signal));
    }
    return convertResponse(raw, { provider: name, model: call.model, warnings, ...(jsonTool !== undefined && { jsonTool }) });
  }

  function stream(request: ProviderRequest, call: ProviderCallOptions): AsyncGenerator<ProviderStreamPart> {
    // The SDK sends the request (auth, headers, HTTP errors before the body); the event stream is
    // read by mapStream, not by the SDK's Stream (a chain of async generators per event).
    const prepare = (): StreamCall => {
      const { body, warnings, jsonTool } = convert(request, call.model);
      const open = async (signal: AbortSignal | undefined): Promise<Response> => {
        const client = await getClient();
        return client.messages
          .create({ ...body, stream: true } as unknown as CreateStreaming, requestOptions(signal ? { ...call, signal } : call))
          .asResponse();
      };
      return { first: { type: 'stream-start', warnings }, open, ...(jsonTool !== undefined && { jsonTool }) };
    };
    return mapStream(prepare, { provider: name, model: call.model, ...(call.signal && { signal: call.signal }) });
  }

  async function countTokens(request: ProviderRequest, call: ProviderCallOptions): Promise<number> {
    if (options.countTokens !== 'vendor') return estimateRequestTokens(request);
    const { body } = convert(request, call.model);
    const params: Record<string, unknown> = {};
    for (const key of COUNT_FIELDS) if (body[key] !== undefined) params[key] = body[key];
    let raw: unknown;
    try {
      const client = await getClient();
      raw = await client.messages.countTokens(params as unknown as CountParams, requestOptions(call));
    } catch (error) {
      throw mapAnthropicError(error, errorContext(call.model, call.signal));
    }
    const parsed = tokenCountSchema.safeParse(raw);
    if (!parsed.success)
      throw new InvalidResponseError({
        provider: name,
        model: call.model,
        cause: parsed.error,
        message: 'Anthropic count_tokens returned no input_tokens',
      });
    return parsed.data.input_tokens;
  }

  async function listModels(call: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    try {
      const client = await getClient();
      let page = await client.models.list({ limit: 100 }, requestOptions(call));
      for (;;) {
        const parsed = modelListSchema.safeParse({ data: page.data });
        if (!parsed.success)
          throw new InvalidResponseError({
            provider: name,
            cause: parsed.error,
            message: 'Anthropic /v1/models returned an unexpected body',
          });
        for (const m of parsed.data.data) {
          models.push({
            id: m.id,
            provider: name,
            ...(m.display_name && { displayName: m.display_name }),
            ...(m.max_input_tokens != null && { contextWindow: m.max_input_tokens }),
            ...(m.max_tokens != null && { maxOutputTokens: m.max_tokens }),
          });
        }
        if (!page.hasNextPage()) break;
        page = await page.getNextPage();
      }
    } catch (error) {
      throw mapAnthropicError(error, errorContext(undefined, call.signal));
    }
    return models;
  }

  async function validateCredentials(call: { signal?: AbortSignal } = {}): Promise<CredentialCheck> {
    const started = performance.now();
    try {
      const client = await getClient();
      await client.models.list({ limit: 1 }, requestOptions(call));
      return { ok: true, latencyMs: performance.now() - started };
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - started, error: mapAnthropicError(error, errorContext(undefined, call.signal)) };
    }
  }

  async function rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'> {
    return options.client ? 'unsupported' : keys.rotate();
  }

  const provider: AnthropicProvider = {
    kind: 'anthropic',
    name,
    chat,
    stream,
    countTokens,
    listModels,
    validateCredentials,
    rotateCredentials,
  };
  return withDescription(
    guardSecrets(provider, adapterSecrets(keys, options)),
    describeProvider({
      kind: 'anthropic',
      name,
      ...(!options.client && { baseURL: options.baseURL ?? ANTHROPIC_BASE_URL }),
      apiKey: options.apiKey,
      client: options.client,
    }),
  );
}
