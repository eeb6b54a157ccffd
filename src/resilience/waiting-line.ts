import { AbortError } from '../core/errors.js';

interface Waiter<T, R> {
  value: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Requests waiting for capacity, first in first out. A waiter whose signal aborts leaves the line
 * at once with an AbortError; `onLeave` then lets the owner admit whoever now fits.
 */
export class WaitingLine<T, R> {
  #waiters: Array<Waiter<T, R>> = [];

  constructor(private readonly onLeave: () => void) {}

  get size(): number {
    return this.#waiters.length;
  }

  enter(value: T, signal: AbortSignal | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiter: Waiter<T, R> = {
        value,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i < 0) return;
          this.#waiters.splice(i, 1);
          reject(new AbortError());
          this.onLeave();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Admits waiters from the head while `fits(head)`; `grant` turns each into its result. */
  admitWhile(fits: (value: T) => boolean, grant: (value: T) => R): void {
    while (this.#waiters.length > 0 && fits(this.#waiters[0]!.value)) {
      const w = this.#waiters.shift()!;
      w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve(grant(w.value));
    }
  }

  /** The value of the waiter at the head of the line (undefined when nobody waits). */
  first(): T | undefined {
    return this.#waiters[0]?.value;
  }

  /**
   * Settles the head with `outcome` when it is still the waiter whose value is `expected` (an
   * owner that asked the store for the head's capacity: the head may have left meanwhile).
   * False when it left: the owner then gives back what it got.
   */
  settleFirst(expected: T, outcome: { value: R } | { error: unknown }): boolean {
    const w = this.#waiters[0];
    if (w?.value !== expected) return false;
    this.#waiters.shift();
    w.signal?.removeEventListener('abort', w.onAbort);
    if ('error' in outcome) w.reject(outcome.error);
    else w.resolve(outcome.value);
    return true;
  }

  rejectAll(error: () => unknown): void {
    const all = this.#waiters;
    this.#waiters = [];
    for (const w of all) {
      w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(error());
    }
  }
}
