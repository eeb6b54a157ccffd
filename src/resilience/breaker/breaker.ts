import type { ErrorCode } from '../../core/errors.js';
import { type BreakerOptions, type BreakerState, type BreakerTransition, DEFAULT_COUNT_ON, type Permit } from './types.js';

interface Sample {
  at: number;
  failed: boolean;
}

/**
 * A circuit breaker for one target: closed -> open (on consecutive failures or a failure rate)
 * -> half-open after the cooldown (a limited number of probes) -> closed on probe success, or
 * open again on probe failure. Time comes from `now()` so that fake timers drive it.
 */
export class CircuitBreaker {
  #state: BreakerState;
  readonly #window: Sample[] = [];
  readonly #listeners = new Set<(t: BreakerTransition) => void>();
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #probes: number;
  readonly #countOn: ReadonlySet<ErrorCode>;

  constructor(
    readonly options: BreakerOptions = {},
    initial?: BreakerState,
    private readonly now: () => number = Date.now,
  ) {
    this.#state = initial ?? { state: 'closed', consecutiveFailures: 0 };
    this.#threshold = options.failureThreshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#probes = options.halfOpenProbes ?? 1;
    this.#countOn = new Set(options.countOn ?? DEFAULT_COUNT_ON);
  }

  /** The state, with an open breaker whose cooldown elapsed reported as half-open. */
  get state(): BreakerState {
    this.#advance();
    return this.#state;
  }

  /** Whether a call may go out now, without taking a probe slot. */
  wouldAllow(): boolean {
    const s = this.state;
    return s.state === 'closed' || (s.state === 'half-open' && this.#probeFree(s));
  }

  /** Takes permission for one call, or returns undefined: an open breaker means no call. */
  tryAcquire(): Permit | undefined {
    const s = this.state;
    if (s.state === 'closed') return { kind: 'normal' };
    if (s.state === 'half-open' && this.#probeFree(s)) {
      s.inFlight++;
      return { kind: 'probe' };
    }
    return undefined;
  }

  /** Whether this error code counts as a failure of the target. */
  counts(code: ErrorCode): boolean {
    return this.#countOn.has(code);
  }

  /**
   * Reports the outcome of a permitted call: `'success'`, `'failure'` (a counted error) or
   * `'neutral'` (an error that says nothing about the target's health, e.g. our own bad request or an abort).
   */
  record(permit: Permit, outcome: 'success' | 'failure' | 'neutral'): void {
    const s = this.#state;
    const at = this.now();
    if (outcome !== 'neutral') this.#sample(at, outcome === 'failure');
    if (permit.kind === 'probe' && s.state === 'half-open') {
      s.inFlight = Math.max(0, s.inFlight - 1);
      if (outcome === 'failure') this.#open(at, 'probe failed');
      else if (outcome === 'success' && ++s.successes >= this.#probes)
        this.#to({ state: 'closed', consecutiveFailures: 0 }, 'probe succeeded', at);
      return;
    }
    if (s.state !== 'closed') return; // a late result of a call made before the breaker opened
    if (outcome === 'success') s.consecutiveFailures = 0;
    else if (outcome === 'failure') {
      s.consecutiveFailures++;
      if (s.consecutiveFailures >= this.#threshold) this.#open(at, `${s.consecutiveFailures} consecutive failures`);
      else if (this.#rateTripped(at)) this.#open(at, 'failure rate over the window');
    }
  }

  /**
   * Takes a state decided elsewhere (another process, through a shared store) as this breaker's own:
   * listeners hear of it with `remote: true` when the state name changes; nothing is counted.
   */
  adopt(next: BreakerState, reason: string): void {
    if (next.state !== this.#state.state) this.#window.length = 0;
    this.#to(next, reason, this.now(), true);
  }

  /** Manual reset to closed. */
  reset(): void {
    this.#window.length = 0;
    this.#to({ state: 'closed', consecutiveFailures: 0 }, 'manual reset', this.now());
  }

  /** Subscribes to transitions; returns the disposer. */
  onStateChange(listener: (t: BreakerTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Serialisable state (for persistence in a shared store). */
  toJSON(): BreakerState {
    return { ...this.state };
  }

  #advance(): void {
    const s = this.#state;
    if (s.state === 'open' && this.now() >= s.until)
      this.#to({ state: 'half-open', inFlight: 0, successes: 0 }, 'cooldown elapsed', this.now());
  }

  #open(at: number, reason: string): void {
    this.#to({ state: 'open', openedAt: at, until: at + this.#cooldownMs }, reason, at);
  }

  /** Whether a half-open breaker has a probe to give here: a free slot, and no other process holding the probe. */
  #probeFree(s: Extract<BreakerState, { state: 'half-open' }>): boolean {
    return s.inFlight < this.#probes && (s.probeElsewhereUntil === undefined || this.now() >= s.probeElsewhereUntil);
  }

  #to(next: BreakerState, reason: string, at: number, remote = false): void {
    const from = this.#state.state;
    this.#state = next;
    if (from === next.state && (remote || reason !== 'manual reset')) return;
    const t: BreakerTransition = { from, to: next.state, reason, at, ...(remote && { remote: true }) };
    for (const l of [...this.#listeners]) {
      try {
        l(t);
      } catch {
        // A listener bug must not change breaker behaviour; the router reports its own listeners' errors.
      }
    }
  }

  #sample(at: number, failed: boolean): void {
    const rate = this.options.failureRate;
    if (!rate) return;
    const windowMs = rate.windowMs ?? 60_000;
    this.#window.push({ at, failed });
    while (this.#window.length > 0 && this.#window[0]!.at <= at - windowMs) this.#window.shift();
  }

  #rateTripped(at: number): boolean {
    const rate = this.options.failureRate;
    if (!rate) return false;
    const windowMs = rate.windowMs ?? 60_000;
    const recent = this.#window.filter((s) => s.at > at - windowMs);
    if (recent.length < (rate.minRequests ?? 20)) return false;
    return recent.filter((s) => s.failed).length / recent.length >= rate.threshold;
  }
}
