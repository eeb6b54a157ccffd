import { errorFromStatus, parseRetryAfter } from '../../core/error-mapping.js';
import {
  AbortError,
  AuthenticationError,
  InvalidResponseError,
  ProviderUnavailableError,
  SwitchyardError,
  TimeoutError,
} from '../../core/errors.js';

export interface ErrorContext {
  /** Provider name used in errors, e.g. `openai`, `deepseek`, `groq`. */
  provider: string;
  model?: string;
  signal?: AbortSignal;
}

/** The fields of the SDK's `APIError` we read (duck-typed: a user's client may come from another copy of the SDK). */
interface ApiErrorLike {
  name?: string;
  constructor?: { name?: string };
  message?: string;
  status?: number;
  headers?: { get(name: string): string | null };
  error?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
}

function className(error: ApiErrorLike): string {
  return error.constructor?.name ?? error.name ?? '';
}

function vendorMessage(error: ApiErrorLike): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message ?? 'no message';
}

function vendorCode(error: ApiErrorLike): string | undefined {
  if (typeof error.code === 'string' && error.code !== '') return error.code;
  if (typeof error.type === 'string' && error.type !== '') return error.type;
  return undefined;
}

function isAbort(error: unknown): boolean {
  const e = error as ApiErrorLike | undefined;
  return className(e ?? {}) === 'APIUserAbortError' || e?.name === 'AbortError';
}

function where(ctx: ErrorContext): string {
  return ctx.model ? `${ctx.provider} (model "${ctx.model}")` : ctx.provider;
}

/** A status for an error event inside a stream (no HTTP status): read the vendor's type or code. */
function statusOfStreamError(code: string | undefined): number {
  if (!code) return 500;
  if (/rate_limit|requests|tokens_per/i.test(code)) return 429;
  if (/context_length|invalid_request|unsupported/i.test(code)) return 400;
  if (/auth|api_key/i.test(code)) return 401;
  return 500;
}

/** An HTTP status given as the error's `code` (`{"error":{"code":400}}`, or `"400"`), as some OpenAI-style servers send in streams. */
function statusInCode(code: unknown): number | undefined {
  const n = typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}$/.test(code) ? Number(code) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 400 && n <= 599 ? n : undefined;
}

function fromVendorError(e: ApiErrorLike, base: { provider: string; model?: string; cause: unknown }, ctx: ErrorContext): SwitchyardError {
  const code = vendorCode(e);
  const statusCode = typeof e.status === 'number' ? e.status : (statusInCode(e.code) ?? statusOfStreamError(code));
  const retryAfterMs = parseRetryAfter(e.headers);
  const answered = typeof e.status === 'number' ? `HTTP ${e.status}` : 'with an error event';
  const message = `${where(ctx)} answered ${answered}${code ? ` (${code})` : ''}: ${vendorMessage(e)}`;
  return errorFromStatus({
    ...base,
    statusCode,
    message,
    ...(code !== undefined && { vendorCode: code }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/**
 * An error sent inside an event stream (`{"error": {...}}` or an `error` event) after the HTTP 200:
 * typed like the SDK's `APIError` without a status, from the vendor's `code` / `type`.
 */
export function streamErrorEvent(body: unknown, ctx: ErrorContext): SwitchyardError {
  const b = (typeof body === 'object' && body !== null ? body : { message: String(body) }) as {
    code?: unknown;
    type?: unknown;
    message?: unknown;
  };
  const base = { provider: ctx.provider, ...(ctx.model !== undefined && { model: ctx.model }), cause: body };
  return fromVendorError({ error: b, code: b.code, type: b.type, ...(typeof b.message === 'string' && { message: b.message }) }, base, ctx);
}

/**
 * Whatever the SDK (or fetch, or JSON.parse) threw, as one typed error of our hierarchy, naming
 * provider and model and keeping the raw error as `cause`. HTTP statuses, vendor codes such as
 * `context_length_exceeded` and `retry-after(-ms)` headers go through `errorFromStatus`.
 */
export function mapOpenAIError(error: unknown, ctx: ErrorContext): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  const base = { provider: ctx.provider, ...(ctx.model !== undefined && { model: ctx.model }), cause: error };
  if (ctx.signal?.aborted || isAbort(error)) return new AbortError({ ...base, message: `The request to ${where(ctx)} was aborted` });
  const e = (typeof error === 'object' && error !== null ? error : {}) as ApiErrorLike;
  const name = className(e);
  if (name === 'APIConnectionTimeoutError') return new TimeoutError({ ...base, message: `The request to ${where(ctx)} timed out` });
  if (name === 'APIConnectionError') {
    return new ProviderUnavailableError({ ...base, message: `Could not connect to ${where(ctx)}: ${e.message ?? 'connection error'}` });
  }
  if (error instanceof SyntaxError) {
    return new InvalidResponseError({ ...base, message: `${where(ctx)} returned malformed JSON: ${error.message}` });
  }
  if (typeof e.status === 'number' || (name === 'APIError' && e.error !== undefined)) return fromVendorError(e, base, ctx);
  if (name === 'OpenAIError' && /credentials|api key|apiKey/i.test(e.message ?? '')) {
    return new AuthenticationError({ ...base, message: `${where(ctx)}: ${e.message}` });
  }
  const detail = e.message ?? String(error);
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  const causeText = cause && typeof cause === 'object' ? ` (${String(cause.code ?? cause.message ?? '')})` : '';
  return new ProviderUnavailableError({ ...base, message: `${where(ctx)} failed: ${detail}${causeText}` });
}
