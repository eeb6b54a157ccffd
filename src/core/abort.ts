import { AbortError } from './errors.js';

/** The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days); a longer one would fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Resolves after `ms`, or rejects with AbortError as soon as `signal` aborts (the timer is cleared).
 * A delay beyond {@link MAX_TIMER_MS} (a backoff or retry-after from a large configured cap) waits
 * that longest delay instead of firing at once.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Never resolves; rejects with AbortError when `signal` aborts. */
export function waitForAbort(signal?: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    signal?.addEventListener('abort', () => reject(new AbortError()), { once: true });
  });
}
