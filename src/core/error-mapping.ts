import {
  AuthenticationError,
  ContentFilterError,
  ContextLengthError,
  type ErrorOptions,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  type SwitchyardError,
  TimeoutError,
} from './errors.js';

export interface HttpErrorInput extends ErrorOptions {
  statusCode: number;
  retryAfterMs?: number;
}

export const CONTEXT_LENGTH = /context[_ ]length|context window|context size|maximum context|too many tokens|prompt is too long|input is too long|exceeds the maximum number of tokens|token count.*exceeds|exceeds.*context/i;

/** Whether a vendor message says the prompt does not fit the context window (for errors with no HTTP status, e.g. mid-stream). */
export function isContextLengthMessage(text: string): boolean {
  return CONTEXT_LENGTH.test(text);
}

/**
 * The one place that turns an HTTP-like status into a typed error. Adapters call it after they
 * have read the vendor's code and message; the mock provider uses it for scripted failures.
 */
export function errorFromStatus(input: HttpErrorInput): SwitchyardError {
  const { statusCode: status } = input;
  const text = `${input.vendorCode ?? ''} ${input.message ?? ''}`;
  if (status === 429) {
    return /quota|billing|insufficient/i.test(text) && !/rate/i.test(text)
      ? new PermissionError(input)
      : new RateLimitError(input);
  }
  if (status === 401) return new AuthenticationError(input);
  // 402: out of credit / balance (DeepSeek and others): the account, not the request, is the problem.
  if (status === 402) return new PermissionError(input);
  if (status === 403) return new PermissionError(input);
  if (status === 404) return new NotFoundError(input);
  if (status === 408) return new TimeoutError(input);
  if (status === 413 || ((status === 400 || status === 422) && CONTEXT_LENGTH.test(text))) return new ContextLengthError(input);
  if (status === 400 && /content[_ ]?(filter|policy)|safety/i.test(text)) return new ContentFilterError(input);
  if (status >= 400 && status < 500) return new InvalidRequestError(input);
  return new ProviderUnavailableError(input);
}

/** Parses `retry-after-ms` / `retry-after` (seconds or HTTP date). Returns undefined when absent or unreadable. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
