import {
  AbortError,
  InvalidResponseError,
  NotFoundError,
  ProviderUnavailableError,
  SwitchyardError,
  TimeoutError,
} from '../../core/errors.js';
import { errorFromStatus, parseRetryAfter } from '../../core/error-mapping.js';

export interface ErrorContext {
  provider: string;
  model?: string;
  /** The call's signal: when it fired, whatever the SDK threw is an abort. */
  signal?: AbortSignal;
}

/** Anthropic error `type` -> the HTTP status it stands for (used for in-stream `error` events, which have none). */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  type?: unknown;
}

function field(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function headersOf(value: unknown): { get(name: string): string | null } | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function'
    ? (value as { get(name: string): string | null })
    : undefined;
}

/**
 * Whatever the SDK (or our own stream reader) threw, as a typed switchyard error naming provider and
 * model, with the original as `cause`. Duck-typed on the SDK's error fields so that a `client` from
 * another copy of the SDK maps the same way.
 */
export function mapAnthropicError(error: unknown, ctx: ErrorContext): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  return fromFields(e, typeof e.message === 'string' ? e.message : String(error), error, ctx);
}

/**
 * An `event: error` inside a stream (after the HTTP 200), typed exactly as {@link mapAnthropicError}
 * types the `APIError` the SDK's stream reader throws for it: the data parsed as JSON (else kept as
 * text), the vendor `type` from `error.type` (`overloaded_error` -> `ProviderUnavailableError` with
 * `vendorCode: 'overloaded_error'`, ...), `retry-after` read from the stream's response headers. The
 * event's body is the `cause`.
 */
export function streamErrorEvent(data: string, headers: unknown, ctx: ErrorContext): SwitchyardError {
  let body: unknown = data;
  try {
    body = (JSON.parse(data) as unknown) ?? data;
  } catch {
    // Not JSON: the text is the body, as the SDK keeps it.
  }
  // The SDK's APIError(undefined, body, undefined, headers, type): same fields, same message.
  const type = field(body, 'error', 'type');
  const fields: SdkErrorLike = { name: 'APIError', error: body, headers, ...(typeof type === 'string' && { type }) };
  return fromFields(fields, apiErrorMessage(body), body, ctx);
}

/** The message the SDK's `APIError` has without a status (`APIError.makeMessage`). */
function apiErrorMessage(body: unknown): string {
  const message = field(body, 'message');
  const text = message ? (typeof message === 'string' ? message : JSON.stringify(message)) : body ? JSON.stringify(body) : undefined;
  return text || '(no status code or body)';
}

function fromFields(e: SdkErrorLike, text: string, error: unknown, ctx: ErrorContext): SwitchyardError {
  const base = { provider: ctx.provider, ...(ctx.model !== undefined && { model: ctx.model }), cause: error };
  const name = typeof e.name === 'string' ? e.name : '';
  const where = `Anthropic${ctx.model ? ` (model "${ctx.model}")` : ''}`;

  if (ctx.signal?.aborted || name === 'APIUserAbortError' || name === 'AbortError') {
    return new AbortError({ ...base, message: `The request to ${where} was aborted` });
  }
  if (name === 'APIConnectionTimeoutError') return new TimeoutError({ ...base, message: `The request to ${where} timed out in the SDK` });
  if (name === 'APIConnectionError') return new ProviderUnavailableError({ ...base, message: `Could not reach ${where}: ${text}` });
  if (error instanceof SyntaxError)
    return new InvalidResponseError({ ...base, message: `${where} returned malformed JSON: ${error.message}` });

  const vendorType = typeof e.type === 'string' ? e.type : field(e.error, 'error', 'type');
  const status = typeof e.status === 'number' ? e.status : typeof vendorType === 'string' ? STATUS_OF_TYPE[vendorType] : undefined;
  if (status !== undefined) {
    const apiMessage = field(e.error, 'error', 'message');
    const vendorMessage = typeof apiMessage === 'string' ? apiMessage : text;
    const vendorCode = typeof vendorType === 'string' ? vendorType : undefined;
    const inStream = typeof e.status !== 'number';
    const prefix = `${where} ${inStream ? 'stream error' : `HTTP ${status}`}${vendorCode ? ` ${vendorCode}` : ''}`;
    const retryAfterMs = parseRetryAfter(headersOf(e.headers));
    if (status === 404 && ctx.model !== undefined && (vendorCode === undefined || vendorCode === 'not_found_error')) {
      return new NotFoundError({
        ...base,
        statusCode: status,
        ...(vendorCode && { vendorCode }),
        message: `Model "${ctx.model}" was not found at Anthropic: ${vendorMessage}`,
      });
    }
    return errorFromStatus({
      ...base,
      statusCode: status,
      ...(vendorCode !== undefined && { vendorCode }),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      message: `${prefix}: ${vendorMessage}`,
    });
  }
  if (name === 'AnthropicError') {
    // Client-side SDK failures (e.g. a credential problem found before sending).
    return new ProviderUnavailableError({ ...base, message: `The Anthropic SDK failed before a response for ${where}: ${text}` });
  }
  // Network failures surface from fetch / the body reader as TypeError ("terminated", "fetch failed") or socket errors.
  return new ProviderUnavailableError({ ...base, message: `${where} connection failed: ${text}` });
}
