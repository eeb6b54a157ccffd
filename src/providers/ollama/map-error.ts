import { errorFromStatus, isContextLengthMessage, parseRetryAfter } from '../../core/error-mapping.js';
import {
  AbortError,
  ContextLengthError,
  InvalidResponseError,
  ProviderUnavailableError,
  SwitchyardError,
  TimeoutError,
} from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import { ollamaErrorSchema } from './ollama-api-types.js';

/** Who failed: every error names the provider instance and, for model calls, the model. */
export interface ErrorContext {
  provider: string;
  model?: string;
}

export function describe(ctx: ErrorContext): string {
  return ctx.model === undefined ? `Ollama (provider "${ctx.provider}")` : `Ollama (provider "${ctx.provider}", model "${ctx.model}")`;
}

function fields(ctx: ErrorContext): { provider: string; model?: string } {
  return ctx.model === undefined ? { provider: ctx.provider } : { provider: ctx.provider, model: ctx.model };
}

/** The `error` string of an Ollama error body; the raw text when the body is not `{"error":...}`. */
export function vendorMessage(bodyText: string): string {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return bodyText.trim().slice(0, 500);
  }
  const parsed = ollamaErrorSchema.safeParse(json);
  return parsed.success ? parsed.data.error : bodyText.trim().slice(0, 500);
}

/**
 * An HTTP error status -> typed error (through the shared `errorFromStatus`): 404 model not found
 * -> NotFoundError, 400 "does not support tools" -> InvalidRequestError, context wording ->
 * ContextLengthError, 401/403 -> Authentication/Permission (ollama.com), 429 -> RateLimitError
 * with `retry-after`, 5xx -> ProviderUnavailableError. The body is the `cause`.
 */
export function mapHttpError(
  status: number,
  bodyText: string,
  headers: { get(name: string): string | null } | undefined,
  ctx: ErrorContext,
): SwitchyardError {
  const vendor = vendorMessage(bodyText);
  const retryAfterMs = parseRetryAfter(headers);
  return errorFromStatus({
    ...fields(ctx),
    statusCode: status,
    message: `${describe(ctx)} HTTP ${status}: ${vendor || '(empty body)'}`,
    // The body is kept for debugging, with any key masked (some servers echo the header).
    cause: { status, body: redact(bodyText) },
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/**
 * An `{"error":"..."}` line in the middle of a stream: the server failed after it had answered
 * 200, so it is the server's failure (retryable) unless it speaks of the context size.
 */
export function mapStreamErrorLine(message: string, ctx: ErrorContext): SwitchyardError {
  const options = { ...fields(ctx), message: `${describe(ctx)} stream error: ${message}`, cause: { error: message } };
  return isContextLengthMessage(message) ? new ContextLengthError(options) : new ProviderUnavailableError(options);
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbortLike(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * Whatever `fetch` or a body read threw -> typed error. Our own errors pass through; a fired
 * signal is AbortError (TimeoutError when its reason is a timeout); anything else (connection
 * refused, reset, DNS, a socket closed mid-body) is ProviderUnavailableError.
 */
export function mapFetchError(error: unknown, signal: AbortSignal | undefined, ctx: ErrorContext): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  if (signal?.aborted || isAbortLike(error)) {
    const reason: unknown = signal?.reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new TimeoutError({ ...fields(ctx), message: `${describe(ctx)}: the request timed out`, cause: reason });
    }
    return new AbortError({ ...fields(ctx), message: `${describe(ctx)}: the request was aborted`, cause: error });
  }
  const code = causeCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new ProviderUnavailableError({
    ...fields(ctx),
    message: `${describe(ctx)}: network error${code ? ` ${code}` : ''}: ${detail}`,
    cause: error,
  });
}

export function invalidResponse(ctx: ErrorContext, detail: string, cause?: unknown): InvalidResponseError {
  return new InvalidResponseError({ ...fields(ctx), message: `${describe(ctx)}: ${detail}`, ...(cause !== undefined && { cause }) });
}
