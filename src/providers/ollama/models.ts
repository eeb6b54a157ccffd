import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck } from '../../core/provider.js';
import type { OllamaHttp } from './http.js';
import { invalidResponse, mapFetchError, type ErrorContext } from './map-error.js';
import { ollamaTagsSchema, type OllamaTags } from './ollama-api-types.js';
import { parseJson } from './parse-chunk.js';

type Tag = OllamaTags['models'][number];

/** One `/api/tags` entry -> ModelInfo. The display name adds size and quantisation when known. */
export function tagToModelInfo(tag: Tag, provider: string): ModelInfo {
  const details = [tag.details?.parameter_size, tag.details?.quantization_level].filter((d): d is string => !!d);
  const info: ModelInfo = { id: tag.name, provider };
  if (details.length > 0) info.displayName = `${tag.name} (${details.join(', ')})`;
  return info;
}

/** `GET /api/tags`: the models the server has pulled. */
export async function fetchTags(http: OllamaHttp, provider: string, signal: AbortSignal | undefined): Promise<OllamaTags> {
  const ctx: ErrorContext = { provider };
  const response = await http({ method: 'GET', path: '/api/tags', ctx, ...(signal && { signal }) });
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw mapFetchError(error, signal, ctx);
  }
  const parsed = ollamaTagsSchema.safeParse(parseJson(text, ctx));
  if (!parsed.success) throw invalidResponse(ctx, 'unexpected /api/tags body', { text, error: parsed.error });
  return parsed.data;
}

export async function listModels(http: OllamaHttp, provider: string, signal?: AbortSignal): Promise<ModelInfo[]> {
  const tags = await fetchTags(http, provider, signal);
  return tags.models.map((tag) => tagToModelInfo(tag, provider));
}

/** One cheap call (`GET /api/tags`, authenticated on ollama.com). Never throws. */
export async function checkCredentials(http: OllamaHttp, provider: string, signal?: AbortSignal): Promise<CredentialCheck> {
  const started = performance.now();
  try {
    await fetchTags(http, provider, signal);
    return { ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    return { ok: false, latencyMs: performance.now() - started, error: mapFetchError(error, signal, { provider }) };
  }
}
