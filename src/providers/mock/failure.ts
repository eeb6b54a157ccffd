import {
  AuthenticationError,
  ContentFilterError,
  ContextLengthError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  SwitchyardError,
  TimeoutError,
  type ErrorOptions,
} from '../../core/errors.js';
import { errorFromStatus } from '../../core/error-mapping.js';
import type { MockErrorKind, MockFailure } from './types.js';

const BY_KIND: Record<MockErrorKind, (o: ErrorOptions & { retryAfterMs?: number }) => SwitchyardError> = {
  'rate-limit': (o) => new RateLimitError(o),
  authentication: (o) => new AuthenticationError(o),
  permission: (o) => new PermissionError(o),
  'invalid-request': (o) => new InvalidRequestError(o),
  'context-length': (o) => new ContextLengthError(o),
  'content-filter': (o) => new ContentFilterError(o),
  timeout: (o) => new TimeoutError(o),
  'provider-unavailable': (o) => new ProviderUnavailableError(o),
  'not-found': (o) => new NotFoundError(o),
  'invalid-response': (o) => new InvalidResponseError(o),
};

/** Builds the typed error a scripted failure stands for. */
export function failureToError(failure: MockFailure, provider: string, model: string): SwitchyardError {
  if (SwitchyardError.isInstance(failure)) return failure;
  const base = { provider, model };
  if (typeof failure === 'number') return errorFromStatus({ ...base, statusCode: failure, message: `mock: HTTP ${failure}` });
  if (typeof failure === 'string') return BY_KIND[failure]({ ...base, message: `mock: ${failure}` });
  const options = {
    ...base,
    ...(failure.message !== undefined && { message: failure.message }),
    ...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
    ...(failure.vendorCode !== undefined && { vendorCode: failure.vendorCode }),
  };
  if (failure.status !== undefined) return errorFromStatus({ ...options, statusCode: failure.status });
  return BY_KIND[failure.error ?? 'provider-unavailable'](options);
}
