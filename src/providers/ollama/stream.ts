import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { buildChatBody } from './build-chat-body.js';
import type { ChatDeps } from './chat-deps.js';
import { ChunkFolder } from './fold-chunks.js';
import { invalidResponse, mapFetchError, type ErrorContext } from './map-error.js';
import { readNdjsonLines } from './ndjson.js';
import { drainInBackground } from '../shared/drain.js';
import { parseChunk } from './parse-chunk.js';

/**
 * `POST /api/chat` with `stream: true`, as unified parts: `stream-start` (warnings),
 * `response-metadata` (model), then reasoning / text / tool-call parts line by line, and
 * `finish` from the `done: true` line. A body that ends before that line is an
 * InvalidResponseError (never a `finish`); an `{"error":...}` line is the typed error it names.
 */
export async function* streamChat(
  deps: ChatDeps,
  request: ProviderRequest,
  options: ProviderCallOptions,
): AsyncGenerator<ProviderStreamPart> {
  const { signal } = options;
  const ctx: ErrorContext = { provider: deps.provider, model: options.model };
  const { body, warnings } = buildChatBody(request, options.model, true, deps.defaults);
  const response = await deps.http({
    method: 'POST',
    path: '/api/chat',
    body,
    accept: 'application/x-ndjson',
    ctx,
    ...(signal && { signal }),
    ...(options.headers && { headers: options.headers }),
  });
  const stream = response.body;
  if (!stream) throw invalidResponse(ctx, 'the stream response has no body');
  let reading = false;
  const tail = new AbortController();
  const lines = readNdjsonLines(stream, signal, tail.signal);
  // Set at the `done: true` line: the rest of the body is then read in the background, not cancelled.
  let ended = false;
  try {
    yield { type: 'stream-start', warnings };
    const folder = new ChunkFolder(request);
    let first = true;
    reading = true;
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const { chunk } = parseChunk(next.value, ctx);
      if (first) {
        first = false;
        yield { type: 'response-metadata', modelId: chunk.model ?? options.model };
      }
      yield* folder.add(chunk);
      if (chunk.done === true) {
        ended = true;
        yield folder.finish(chunk);
        return;
      }
    }
  } catch (error) {
    throw mapFetchError(error, signal, ctx);
  } finally {
    // Stopped before reading began (the consumer broke after `stream-start`): free the connection.
    if (!reading) await stream.cancel().catch(() => undefined);
    else if (ended) drainInBackground(lines, () => tail.abort());
    else await lines.return(undefined).catch(() => undefined);
  }
  throw invalidResponse(ctx, 'the stream ended without a `done: true` line (connection closed early?)');
}
