import { formatPath } from '../../core/zod-issues.js';
import { invalidResponse, mapStreamErrorLine, type ErrorContext } from './map-error.js';
import { ollamaChatChunkSchema, type OllamaChatChunk } from './ollama-api-types.js';

export interface ParsedChunk {
  chunk: OllamaChatChunk;
  /** The object as received, unknown fields included (kept as `raw`). */
  raw: unknown;
}

/** Parses JSON text; malformed JSON is an InvalidResponseError with the text as `cause`. */
export function parseJson(text: string, ctx: ErrorContext): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidResponse(ctx, `malformed JSON in the response: ${text.slice(0, 200)}`, { text, error });
  }
}

/**
 * A parsed object -> a validated chunk. A shape we cannot read is an InvalidResponseError; an
 * `{"error": ...}` object is the typed error it describes. Throws only SwitchyardErrors.
 */
export function validateChunk(raw: unknown, text: string, ctx: ErrorContext): ParsedChunk {
  const parsed = ollamaChatChunkSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${formatPath(issue.path) || '(root)'}: ${issue.message}` : 'unexpected shape';
    throw invalidResponse(ctx, `unexpected response object (${where})`, { text, error: parsed.error });
  }
  const chunk = parsed.data;
  if (typeof chunk.error === 'string') throw mapStreamErrorLine(chunk.error, ctx);
  return { chunk, raw };
}

/** One NDJSON line (or a whole non-stream body) -> a validated chunk. */
export function parseChunk(text: string, ctx: ErrorContext): ParsedChunk {
  return validateChunk(parseJson(text, ctx), text, ctx);
}
