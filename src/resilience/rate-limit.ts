import { AbortError, RateLimitError } from '../core/errors.js';
import { WaitingLine } from './waiting-line.js';
import { Reservoir } from './reservoir.js';

export interface RateLimitOptions {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute: each request reserves its estimated tokens, corrected after the response. */
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

const MINUTE = 60_000;

/**
 * One target's limits (a provider or a model), decided in process.
 *
 * Admission is a counter check (in flight, requests and tokens left in the current minute), not a
 * job scheduled on a timer: a limiter library that starts every job on a timer adds milliseconds to
 * each call. Requests that must wait queue first-in first-out; nobody overtakes a waiting request.
 */
export class TargetLimiter {
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
    if (this.#stopped) throw this.#error(`Local rate limiter of "${this.name}" is closed`);
    if (this.#maxQueue === 0) throw this.#error(`Local rate limit of "${this.name}" reached and queueing is off (maxQueue: 0)`);
    if (this.#line.size >= this.#maxQueue)
      throw this.#error(`Local rate-limit queue of "${this.name}" is full (maxQueue: ${this.#maxQueue})`);
    const weight = this.#weight(tokens);
    const waiting = this.#line.enter(weight, signal);
    this.#schedule();
    return await waiting;
  }

  #error(message: string): RateLimitError {
    return new RateLimitError({ local: true, provider: this.name, message });
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
  limitersFor(provider: string, model: string): TargetLimiter[];
}

const NONE: TargetLimiter[] = [];

/** Limits by provider name and model alias; a call holds both. */
export class RateLimits implements LimitsView {
  readonly #byTarget = new Map<string, TargetLimiter>();
  /** provider + model -> the limiters of that pair, computed once. */
  readonly #pairs = new Map<string, TargetLimiter[]>();

  constructor(config: Record<string, RateLimitOptions> | undefined, now: () => number = Date.now) {
    for (const [name, options] of Object.entries(config ?? {})) this.#byTarget.set(name, new TargetLimiter(name, options, now));
  }

  get size(): number {
    return this.#byTarget.size;
  }

  /** The limiters that apply to a call of `model` at `provider`, provider first. */
  limitersFor(provider: string, model: string): TargetLimiter[] {
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
