import { sleep } from '../core/abort.js';
import { type ErrorCode, RateLimitError, type SwitchyardError } from '../core/errors.js';

/** The router's `retry` option. */
export interface RetryOptions {
  /** Retries per model after the first try (0 = no retry). Default 1. */
  retries?: number;
  /** Retries per model for one error code, overriding `retries` for it, e.g. `{ 'rate-limit': 3, timeout: 1 }`. */
  perError?: Partial<Record<ErrorCode, number>>;
  /** First backoff delay. Default 200 ms. */
  minDelayMs?: number;
  /** Longest backoff delay. Default 5,000 ms. */
  maxDelayMs?: number;
  /** Backoff growth factor. Default 2. */
  factor?: number;
  /** Multiply each delay by a random factor in [1, 2). Default true. */
  jitter?: boolean;
  /** A vendor `retry-after` longer than this skips the retry and moves on at once. Default 10,000 ms. */
  maxRetryAfterMs?: number;
  /** Deadline of one try (the request's `timeoutMs` bounds them all). */
  attemptTimeoutMs?: number;
}

/** The retry options with their defaults, and the router's random source for jitter. */
export interface RetryPolicy {
  retries: number;
  perError: Partial<Record<ErrorCode, number>>;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: boolean;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number | undefined;
  /** Uniform in [0, 1): the router's `random` option (jitter draws from it). */
  random: () => number;
}

export function resolveRetry(options: RetryOptions | undefined, random: () => number = Math.random): RetryPolicy {
  return {
    retries: options?.retries ?? 1,
    perError: options?.perError ?? {},
    minDelayMs: options?.minDelayMs ?? 200,
    maxDelayMs: options?.maxDelayMs ?? 5_000,
    factor: options?.factor ?? 2,
    jitter: options?.jitter ?? true,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 10_000,
    attemptTimeoutMs: options?.attemptTimeoutMs,
    random,
  };
}

/**
 * How long to wait before trying the same model again, or undefined when it must not be retried.
 * `sameCode` counts the failures of this error's code at this model so far (this one included).
 * - only retryable errors, at most `perError[code]` (else `retries`) times per code, and no more
 *   retries in all than the largest of those;
 * - exponential backoff from `minDelayMs` by `factor`, times a jitter factor in [1, 2), capped at `maxDelayMs`;
 * - a vendor `retry-after` is the least wait; one longer than `maxRetryAfterMs` is not waited for (move on).
 */
export function retryDelay(error: SwitchyardError, policy: RetryPolicy, failures: number, sameCode: number): number | undefined {
  if (!error.retryable) return undefined;
  if (failures > Math.max(policy.retries, ...Object.values(policy.perError).map((n) => n ?? 0))) return undefined;
  if (sameCode > (policy.perError[error.code] ?? policy.retries)) return undefined;
  const retryAfter = RateLimitError.isInstance(error) ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return undefined;
  const jitter = policy.jitter ? 1 + policy.random() : 1;
  const backoff = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (failures - 1) * jitter);
  return Math.max(backoff, retryAfter ?? 0);
}

/** What one try reports: a value, or a typed error and whether the loop may try again after it. */
export type TryResult<T> = { ok: true; value: T } | { ok: false; error: SwitchyardError; final?: boolean };

/**
 * The retry loop: runs `once` until it succeeds, fails with an error that must not be retried
 * (or is `final`), or the policy's retries are used up; sleeps between tries. The signal ends the
 * sleep at once, and the loop resolves with the last result (the caller reads the signal's reason).
 */
export async function retry<T>(
  once: () => Promise<TryResult<T>>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
): Promise<TryResult<T>> {
  const byCode = new Map<ErrorCode, number>();
  for (let failures = 1; ; failures++) {
    const result = await once();
    if (result.ok || result.final) return result;
    const sameCode = (byCode.get(result.error.code) ?? 0) + 1;
    byCode.set(result.error.code, sameCode);
    const wait = retryDelay(result.error, policy, failures, sameCode);
    if (wait === undefined || signal?.aborted) return result;
    if (wait > 0) {
      const slept = await sleep(wait, signal).then(
        () => true,
        () => false,
      );
      if (!slept) return result;
    }
  }
}
