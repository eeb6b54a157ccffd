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

export const CONTEXT_LENGTH = new RegExp(
  [
    'context[_ ]length',
    'context window',
    'context size',
    'maximum context',
    'too many tokens',
    'prompt is too long',
    'input is too long',
    'exceeds the maximum number of tokens',
    'token count.*exceeds',
    'exceeds.*context',
  ].join('|'),
  'i',
);

/** Whether a vendor message says the prompt does not fit the context window (for errors with no HTTP status, e.g. mid-stream). */
export function isContextLengthMessage(text: string): boolean {
  return CONTEXT_LENGTH.test(text);
}

/**
 * A 429 that no retry can fix: the account is out of credit or over a billing quota (OpenAI's
 * `insufficient_quota`, "check your plan and billing details"). Throttling stays a rate limit even
 * when it names a quota: Google's standard wording is "Resource has been exhausted (e.g. check
 * quota)" (`RESOURCE_EXHAUSTED`), and per-minute quotas pass with time.
 */
const OUT_OF_CREDIT =
  /insufficient[_ ]?(quota|balance|credit|funds)|billing|exceeded your current quota|credit balance|out of credits?|payment required/i;
const THROTTLED = /rate[_ ]?limit|resource[_ ]has[_ ]been[_ ]exhausted|resource_exhausted|per[_ ](second|minute)|too many requests/i;

/**
 * The one place that turns an HTTP-like status into a typed error. Adapters call it after they
 * have read the vendor's code and message; the mock provider uses it for scripted failures.
 */
export function errorFromStatus(input: HttpErrorInput): SwitchyardError {
  const { statusCode: status } = input;
  const text = `${input.vendorCode ?? ''} ${input.message ?? ''}`;
  if (status === 429) {
    return OUT_OF_CREDIT.test(text) && !THROTTLED.test(text) ? new PermissionError(input) : new RateLimitError(input);
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

/**
 * Parses `retry-after-ms` / `retry-after` (seconds or HTTP date). Returns undefined when absent,
 * unreadable or negative (a negative delay is no hint); a date in the past is 0.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
