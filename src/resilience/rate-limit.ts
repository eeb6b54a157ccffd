import { AbortError, type RateLimitError } from '../core/errors.js';
import type { SharedStore } from '../state/shared.js';
import { type Limiter, localLimitError, MINUTE, queueRefusal, type RateLimitOptions, type Slot } from './limiter.js';
import { WaitingLine } from './waiting-line.js';
import { Reservoir } from './reservoir.js';
import { SharedLimiter } from './shared-limiter.js';

export type { Limiter, RateLimitOptions, Slot } from './limiter.js';

/**
 * One target's limits (a provider or a model), decided in process.
 *
 * Admission is a counter check (in flight, requests and tokens left in the current minute), not a
 * job scheduled on a timer: a limiter library that starts every job on a timer adds milliseconds to
 * each call. Requests that must wait queue first-in first-out; nobody overtakes a waiting request.
 */
export class TargetLimiter implements Limiter {
  readonly overflow: 'next' | 'queue';
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #requests: Reservoir | undefined;
  readonly #tokens: Reservoir | undefined;
  readonly #line: WaitingLine<number, Slot>;
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    readonly name: string,
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.overflow = options.overflow ?? 'next';
    this.#maxConcurrent = options.maxConcurrent ?? Infinity;
    this.#maxQueue = options.maxQueue ?? 1_000;
    const start = now();
    this.#requests = options.rpm === undefined ? undefined : new Reservoir(options.rpm, MINUTE, start);
    this.#tokens = options.tpm === undefined ? undefined : new Reservoir(options.tpm, MINUTE, start);
    this.#line = new WaitingLine(() => this.#drain());
  }

  /** What a request of `tokens` reserves from the tokens-per-minute reservoir. */
  #weight(tokens: number): number {
    return this.#tokens ? Math.min(Math.max(1, tokens), this.#tokens.size) : 0;
  }

  /** True when a request of `tokens` could start right now (ignoring anyone waiting). */
  #fits(weight: number, at: number): boolean {
    if (this.#inFlight >= this.#maxConcurrent) return false;
    if (this.#requests && !this.#requests.has(1, at)) return false;
    return !this.#tokens || this.#tokens.has(weight, at);
  }

  #take(weight: number, at: number): Slot {
    this.#inFlight++;
    this.#requests?.take(1, at);
    const window = this.#tokens?.take(weight, at) ?? 0;
    let released = false;
    return {
      release: (actualTokens) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        // Correct the token reservation to what the vendor reported (within the minute it was taken in).
        if (this.#tokens && actualTokens !== undefined && actualTokens !== weight)
          this.#tokens.give(weight - actualTokens, window, this.now());
        this.#drain();
      },
    };
  }

  /** Takes a slot only if one is free right now; undefined when saturated (nothing is queued). */
  tryAcquire(tokens: number): Slot | undefined {
    const weight = this.#weight(tokens);
    const at = this.now();
    return this.#line.size === 0 && this.#fits(weight, at) ? this.#take(weight, at) : undefined;
  }

  /** Whether a request of `tokens` would get a slot right now (nobody waiting, and it fits). */
  wouldAdmit(tokens: number): boolean {
    return this.#line.size === 0 && this.#fits(this.#weight(tokens), this.now());
  }

  /** A slot now if one is free; else waits in line (or fails at once with a local RateLimitError when the line is full). */
  async acquire(tokens: number, signal: AbortSignal | undefined): Promise<Slot> {
    if (signal?.aborted) throw new AbortError();
    const slot = this.tryAcquire(tokens);
    if (slot) return slot;
    const refused = queueRefusal(this.name, { stopped: this.#stopped, maxQueue: this.#maxQueue, waiting: this.#line.size });
    if (refused) throw refused;
    const weight = this.#weight(tokens);
    const waiting = this.#line.enter(weight, signal);
    this.#schedule();
    return await waiting;
  }

  #error(message: string): RateLimitError {
    return localLimitError(this.name, message);
  }

  /** Starts waiting requests, first in first out, while they fit; then waits for the next minute if a reservoir is what blocks. */
  #drain(): void {
    // Every release calls this: with nobody waiting, there is nothing to start or to wake for.
    if (this.#line.size === 0) return;
    const at = this.now();
    this.#line.admitWhile(
      (weight) => this.#fits(weight, at),
      (weight) => this.#take(weight, at),
    );
    this.#schedule();
  }

  /** When the head of the line waits for a reservoir (not for a slot to be released), wake at its refill. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#line.size === 0 || this.#inFlight >= this.#maxConcurrent) return;
    const at = this.now();
    const wait = Math.max(this.#requests?.msUntilRefill(at) ?? 0, this.#tokens?.msUntilRefill(at) ?? 0);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#drain();
      },
      Math.max(1, wait),
    );
  }

  /** Rejects everyone waiting; later calls that would wait fail at once. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#line.rejectAll(() => this.#error(`Local rate limiter of "${this.name}" was closed while the request waited`));
  }
}

/** What the attempt guards read: the limiters that apply to a call. */
export interface LimitsView {
  readonly size: number;
  limitersFor(provider: string, model: string): Limiter[];
}

const NONE: Limiter[] = [];

/**
 * Limits by provider name and model alias; a call holds both. With a shared store (SQLite, Redis)
 * each limit is counted in the store for every process on it; with the memory store (or none), in
 * this process.
 */
export class RateLimits implements LimitsView {
  readonly #byTarget = new Map<string, Limiter>();
  /** provider + model -> the limiters of that pair, computed once. */
  readonly #pairs = new Map<string, Limiter[]>();

  constructor(config: Record<string, RateLimitOptions> | undefined, now: () => number = Date.now, store?: SharedStore) {
    const shared = store !== undefined && store.kind !== 'memory' ? store : undefined;
    for (const [name, options] of Object.entries(config ?? {}))
      this.#byTarget.set(name, shared ? new SharedLimiter(name, options, shared, now) : new TargetLimiter(name, options, now));
  }

  get size(): number {
    return this.#byTarget.size;
  }

  /** The limiters that apply to a call of `model` at `provider`, provider first. */
  limitersFor(provider: string, model: string): Limiter[] {
    if (this.#byTarget.size === 0) return NONE;
    const key = `${provider}\u0000${model}`;
    let out = this.#pairs.get(key);
    if (!out) {
      out = [];
      const p = this.#byTarget.get(provider);
      if (p) out.push(p);
      const m = this.#byTarget.get(model);
      if (m && m !== p) out.push(m);
      this.#pairs.set(key, out);
    }
    return out;
  }

  /**
   * The same limiters, applied only where `applies(provider, model)` holds: a tenant shares the
   * router's limits for the provider instances it shares, not for its own (BYOK) instances.
   */
  view(applies: (provider: string, model: string) => boolean): LimitsView {
    return {
      size: this.size,
      limitersFor: (provider, model) => (applies(provider, model) ? this.limitersFor(provider, model) : NONE),
    };
  }

  close(): Promise<void> {
    for (const l of this.#byTarget.values()) l.stop();
    return Promise.resolve();
  }
}
