import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import { buildChatBody } from './build-chat-body.js';
import { ChunkFolder } from './fold-chunks.js';
import { invalidResponse, mapFetchError, type ErrorContext } from './map-error.js';
import { parseChunk, validateChunk, type ParsedChunk } from './parse-chunk.js';
import type { ChatDeps } from './chat-deps.js';

/** The body as chunks: one JSON object (even pretty-printed), or NDJSON if the server streamed anyway. */
function bodyChunks(text: string, ctx: ErrorContext): ParsedChunk[] {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidResponse(ctx, 'empty response body');
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed) as unknown;
  } catch {
    const lines = trimmed.split('\n').filter((l) => l.trim() !== '');
    return lines.map((line) => parseChunk(line, ctx));
  }
  return [validateChunk(whole, trimmed, ctx)];
}

/** `POST /api/chat` with `stream: false`: one JSON object with `done: true`. */
export async function chatOnce(deps: ChatDeps, request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderResponse> {
  const { signal } = options;
  const ctx: ErrorContext = { provider: deps.provider, model: options.model };
  const { body, warnings } = buildChatBody(request, options.model, false, deps.defaults);
  const response = await deps.http({
    method: 'POST',
    path: '/api/chat',
    body,
    ctx,
    ...(signal && { signal }),
    ...(options.headers && { headers: options.headers }),
  });
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw mapFetchError(error, signal, ctx);
  }
  const folder = new ChunkFolder(request);
  for (const { chunk, raw } of bodyChunks(text, ctx)) {
    folder.add(chunk);
    if (chunk.done === true) return folder.response(chunk, raw, warnings);
  }
  throw invalidResponse(ctx, 'the response has no `done: true` object');
}
