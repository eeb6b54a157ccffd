import { RateLimitError } from '../core/errors.js';

export interface RateLimitOptions {
  /** Requests per minute. */
  rpm?: number;
  /**
   * Tokens per minute: each request reserves its estimated tokens (prompt + `maxTokens`), corrected
   * after the response (on a shared store only upwards: see docs/reliability.md).
   */
  tpm?: number;
  /** Calls in flight at once (a stream holds its slot until it ends). */
  maxConcurrent?: number;
  /** Requests allowed to wait when saturated; more is a local `RateLimitError`. Default 1,000. */
  maxQueue?: number;
  /**
   * When saturated: `next` (default) moves to the next candidate at once (this target waits only
   * when no other candidate is left); `queue` waits here.
   */
  overflow?: 'next' | 'queue';
}

/** A held slot: release it when the call (or the whole stream) ends, with the real token count if known. */
export interface Slot {
  release(actualTokens?: number): void;
}

/**
 * One target's limits as the attempt guards use them: decided in process (`TargetLimiter`, with
 * the memory store) or by a shared store for every process on it (`SharedLimiter`).
 */
export interface Limiter {
  readonly name: string;
  readonly overflow: 'next' | 'queue';
  /** A slot now if one is free, else undefined (nothing is queued). */
  tryAcquire(tokens: number): Slot | undefined | Promise<Slot | undefined>;
  /** Whether a request of `tokens` would get a slot right now, as far as this process knows (no store call). */
  wouldAdmit(tokens: number): boolean;
  /** A slot now if one is free; else waits in line (or fails at once with a local RateLimitError when the line is full). */
  acquire(tokens: number, signal: AbortSignal | undefined): Promise<Slot>;
  /** Rejects everyone waiting; later calls that would wait fail at once. */
  stop(): void;
}

export const MINUTE = 60_000;

/** The local `RateLimitError` of a limiter that refuses or stops (`local: true`: no vendor said 429). */
export function localLimitError(name: string, message: string): RateLimitError {
  return new RateLimitError({ local: true, provider: name, message });
}

/** Why a request that must wait may not (the limiter is closed, queueing is off, the line is full), or undefined. */
export function queueRefusal(name: string, state: { stopped: boolean; maxQueue: number; waiting: number }): RateLimitError | undefined {
  if (state.stopped) return localLimitError(name, `Local rate limiter of "${name}" is closed`);
  if (state.maxQueue === 0) return localLimitError(name, `Local rate limit of "${name}" reached and queueing is off (maxQueue: 0)`);
  if (state.waiting >= state.maxQueue)
    return localLimitError(name, `Local rate-limit queue of "${name}" is full (maxQueue: ${state.maxQueue})`);
  return undefined;
}
