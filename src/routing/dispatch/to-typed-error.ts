import { AbortError, ProviderUnavailableError, SwitchyardError, TimeoutError } from '../../core/errors.js';
import type { RequestSignal } from '../../resilience/deadline.js';

/**
 * Whatever an attempt threw, as one of our errors. When the request signal fired, the cause is
 * the caller's abort or the deadline, whatever the adapter made of it.
 */
export function toTypedError(error: unknown, signal: RequestSignal, provider: string, model: string, timeoutMs?: number): SwitchyardError {
  if (signal.reason === 'abort') return AbortError.isInstance(error) ? error : new AbortError({ provider, model, cause: error });
  if (signal.reason === 'timeout') {
    return TimeoutError.isInstance(error)
      ? error
      : new TimeoutError({ provider, model, cause: error, ...(timeoutMs !== undefined && { timeoutMs }) });
  }
  if (SwitchyardError.isInstance(error)) return error;
  return new ProviderUnavailableError({
    provider,
    model,
    cause: error,
    message: `Provider "${provider}" threw a non-switchyard error: ${error instanceof Error ? error.message : String(error)}`,
  });
}
