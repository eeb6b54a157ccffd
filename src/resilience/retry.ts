import pRetry from 'p-retry';
import { sleep } from '../core/abort.js';
import { type ErrorCode, RateLimitError, type SwitchyardError } from '../core/errors.js';
import type { RetryOptions } from '../routing/options.js';

export interface ResolvedRetry {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: boolean;
  maxRetryAfterMs: number;
  perError: Partial<Record<ErrorCode, number>>;
  /** The most retries any error code may get: p-retry's budget. */
  maxRetries: number;
  attemptTimeoutMs: number | undefined;
}

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  const retries = options?.retries ?? 1;
  const perError = options?.perError ?? {};
  return {
    retries,
    perError,
    maxRetries: Math.max(retries, ...Object.values(perError).map((n) => n ?? 0)),
    attemptTimeoutMs: options?.attemptTimeoutMs,
    minDelayMs: options?.minDelayMs ?? 200,
    maxDelayMs: options?.maxDelayMs ?? 5_000,
    factor: options?.factor ?? 2,
    jitter: options?.jitter ?? true,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 10_000,
  };
}

/**
 * Whether this error deserves another try at the same model. `seen` is how many times this
 * error code already failed at this model (this failure included).
 */
export function shouldRetry(error: SwitchyardError, retry: ResolvedRetry, seen = 1): boolean {
  if (!error.retryable) return false;
  if (seen > (retry.perError[error.code] ?? retry.retries)) return false;
  if (RateLimitError.isInstance(error) && error.retryAfterMs !== undefined && error.retryAfterMs > retry.maxRetryAfterMs) return false;
  return true;
}

/**
 * Runs `attempt` with p-retry: only retryable errors, exponential backoff with optional jitter,
 * and a vendor `retry-after` honoured as the minimum wait (capped by `maxRetryAfterMs`).
 * The signal ends everything at once, including the sleep between tries.
 * `toTyped` turns whatever was thrown into our error; `onFailure` sees each failed try.
 */
export function withRetry<T>(
  attempt: (tryNumber: number) => Promise<T>,
  retry: ResolvedRetry,
  signal: AbortSignal | undefined,
  toTyped: (error: unknown) => SwitchyardError,
  onFailure: (error: SwitchyardError, tryNumber: number) => void,
): Promise<T> {
  if (retry.maxRetries === 0) {
    return attempt(1).catch((error: unknown) => {
      const typed = toTyped(error);
      onFailure(typed, 1);
      throw typed;
    });
  }
  // Fast path: the first try runs without p-retry's machinery (most calls succeed first time);
  // p-retry takes over from the first failure on, with the same backoff it would have used.
  const first = attempt(1);
  return first.catch(async (error: unknown) => {
    const typed = toTyped(error);
    return retryAfterFirstFailure(attempt, typed, retry, signal, toTyped, onFailure);
  });
}

async function retryAfterFirstFailure<T>(
  attempt: (tryNumber: number) => Promise<T>,
  firstError: SwitchyardError,
  retry: ResolvedRetry,
  signal: AbortSignal | undefined,
  toTyped: (error: unknown) => SwitchyardError,
  onFailure: (error: SwitchyardError, tryNumber: number) => void,
): Promise<T> {
  const seen = new Map<ErrorCode, number>([[firstError.code, 1]]);
  const count = (error: SwitchyardError) => seen.get(error.code) ?? 0;
  onFailure(firstError, 1);
  if (!shouldRetry(firstError, retry, 1) || signal?.aborted) throw firstError;
  const delay = firstDelay(firstError, retry);
  if (delay > 0) await sleep(delay, signal);
  return pRetry(
    async (n) => {
      try {
        return await attempt(n + 1);
      } catch (error) {
        // p-retry only sees Error objects; our typed error carries everything the caller needs.
        throw toTyped(error);
      }
    },
    {
      retries: retry.maxRetries - 1,
      // p-retry starts at our second retry: its first delay is our second backoff step.
      minTimeout: Math.min(retry.minDelayMs * retry.factor, retry.maxDelayMs),
      maxTimeout: retry.maxDelayMs,
      factor: retry.factor,
      randomize: retry.jitter,
      signal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
        const typed = error as SwitchyardError;
        seen.set(typed.code, count(typed) + 1);
        onFailure(typed, attemptNumber + 1);
        if (retriesLeft > 0 && shouldRetry(typed, retry, count(typed)) && RateLimitError.isInstance(typed) && typed.retryAfterMs) {
          // p-retry waits its own backoff next; wait the rest of what the vendor asked for first.
          const backoff = Math.min(retry.minDelayMs * retry.factor ** (retriesConsumed + 1), retry.maxDelayMs);
          const extra = Math.min(typed.retryAfterMs, retry.maxRetryAfterMs) - backoff;
          if (extra > 0) await sleep(extra, signal);
        }
      },
      shouldRetry: ({ error }) => shouldRetry(error as SwitchyardError, retry, count(error as SwitchyardError)),
    },
  );
}

/** The wait before the second try: p-retry's first backoff (min delay, jittered), or the vendor's retry-after if longer. */
function firstDelay(error: SwitchyardError, retry: ResolvedRetry): number {
  const backoff = Math.min(retry.minDelayMs * (retry.jitter ? 1 + Math.random() : 1), retry.maxDelayMs);
  const after = RateLimitError.isInstance(error) && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, retry.maxRetryAfterMs) : 0;
  return Math.max(backoff, after);
}
