import { CircuitOpenError, RateLimitError, type SwitchyardError } from '../core/errors.js';
import type { EventBus } from '../observability/events.js';
import { CircuitBreaker } from '../resilience/breaker/breaker.js';
import type { BreakerOptions, Permit } from '../resilience/breaker/types.js';
import type { LimitsView, Slot, TargetLimiter } from '../resilience/rate-limit.js';
import type { Candidate } from './options.js';
import type { RouterStats } from './stats.js';

/** A call's hold on its target: breaker permit, rate-limit slots, in-flight count. End it exactly once. */
export interface Lease {
  end(outcome: { ok: true; latencyMs: number; tokens?: number } | { ok: false; error: SwitchyardError; latencyMs: number }): void;
}

/** Default cooldown after a vendor 429 that gave no retry-after. */
const DEFAULT_COOLDOWN_MS = 1_000;

/**
 * Per-target resilience state: circuit breakers (per model alias), rate limiters (per provider
 * and model), vendor 429 cooldowns, and learned stats. The attempt loop enters before each try.
 */
export class TargetGuards {
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly breakerOptions: BreakerOptions | false,
    readonly limits: LimitsView,
    readonly stats: RouterStats,
    readonly cooldowns: Map<string, number>,
    private readonly events: EventBus,
    private readonly now: () => number,
  ) {}

  /** The breaker of a model alias (created on first use), or undefined when breakers are off. */
  breakerOf(candidate: Pick<Candidate, 'model' | 'provider'>): CircuitBreaker | undefined {
    if (this.breakerOptions === false) return undefined;
    return this.#breakers.get(candidate.model) ?? this.#newBreaker(this.breakerOptions, candidate.model, candidate.provider);
  }

  /**
   * Whether a call to this model may go out as far as its breaker is concerned (without taking a
   * probe). While every breaker is closed (the usual case) no breaker is looked up at all.
   */
  breakerAllows(candidate: Pick<Candidate, 'model' | 'provider'>): boolean {
    if (this.#notClosed === 0) return true;
    return this.breakerOf(candidate)?.wouldAllow() !== false;
  }

  /** True while no breaker is open or half-open. */
  breakersAllClosed(): boolean {
    return this.#notClosed === 0;
  }

  /** Breakers not in the closed state (open or half-open), kept from their transitions. */
  #notClosed = 0;

  /** Apart from `breakerOf` so that its closure (which captures `this`) is not allocated on every lookup. */
  #newBreaker(options: BreakerOptions, model: string, provider: string): CircuitBreaker {
    const b = new CircuitBreaker(options, undefined, this.now);
    b.onStateChange((t) => {
      if (t.from === 'closed' && t.to !== 'closed') this.#notClosed++;
      else if (t.from !== 'closed' && t.to === 'closed') this.#notClosed--;
      this.events.emit('breaker', { model, provider, from: t.from, to: t.to, reason: t.reason, at: t.at });
    });
    this.#breakers.set(model, b);
    return b;
  }

  breakers(): ReadonlyMap<string, CircuitBreaker> {
    return this.#breakers;
  }

  /**
   * Takes a breaker permit and rate-limit slots for one try; throws CircuitOpenError when open.
   * With `mayOverflow`, a limiter in `overflow: 'next'` mode that is saturated right now returns
   * `'saturated'` instead of waiting (the caller moves to the next candidate). Synchronous unless a
   * limiter makes the call wait.
   */
  enter(candidate: Candidate, tokens: number, signal: AbortSignal | undefined, mayOverflow = false): Lease | 'saturated' | Promise<Lease | 'saturated'> {
    const breaker = this.breakerOf(candidate);
    const permit: Permit | undefined = breaker ? breaker.tryAcquire() : { kind: 'normal' };
    if (!permit) throw new CircuitOpenError({ provider: candidate.provider, model: candidate.model });
    const limiters = this.limits.size > 0 ? this.limits.limitersFor(candidate.provider, candidate.model) : undefined;
    if (!limiters || limiters.length === 0) return this.#lease(candidate, breaker, permit, undefined);
    const slots: Slot[] = [];
    const giveBack = () => {
      for (const s of slots) s.release();
      breaker?.record(permit, 'neutral');
    };
    // Take slots synchronously while they are free; the first limiter that must wait turns the rest async.
    for (let i = 0; i < limiters.length; i++) {
      const l = limiters[i]!;
      let got: Slot | Promise<Slot> | undefined;
      try {
        got = mayOverflow && l.overflow === 'next' ? l.tryAcquire(tokens) : l.acquire(tokens, signal);
      } catch (error) {
        giveBack();
        throw error;
      }
      if (got === undefined) {
        giveBack();
        return 'saturated';
      }
      if (!('then' in got)) {
        slots.push(got);
        continue;
      }
      return this.#waitRest(got, limiters, i + 1, slots, giveBack, { candidate, tokens, signal, mayOverflow, breaker, permit });
    }
    return this.#lease(candidate, breaker, permit, slots);
  }

  async #waitRest(
    pending: Promise<Slot>,
    limiters: readonly TargetLimiter[],
    from: number,
    slots: Slot[],
    giveBack: () => void,
    c: { candidate: Candidate; tokens: number; signal: AbortSignal | undefined; mayOverflow: boolean; breaker: CircuitBreaker | undefined; permit: Permit },
  ): Promise<Lease | 'saturated'> {
    try {
      slots.push(await pending);
      for (let i = from; i < limiters.length; i++) {
        const l = limiters[i]!;
        if (c.mayOverflow && l.overflow === 'next') {
          const slot = l.tryAcquire(c.tokens);
          if (!slot) {
            giveBack();
            return 'saturated';
          }
          slots.push(slot);
        } else slots.push(await l.acquire(c.tokens, c.signal));
      }
    } catch (error) {
      giveBack();
      throw error;
    }
    return this.#lease(c.candidate, c.breaker, c.permit, slots);
  }

  #lease(candidate: Candidate, breaker: CircuitBreaker | undefined, permit: Permit, slots: Slot[] | undefined): Lease {
    this.stats.begin(candidate.model);
    let ended = false;
    return {
      end: (outcome) => {
        if (ended) return;
        ended = true;
        if (slots) for (const s of slots) s.release(outcome.ok ? outcome.tokens : undefined);
        if (outcome.ok) {
          breaker?.record(permit, 'success');
          this.stats.end(candidate.model, { ok: true, latencyMs: outcome.latencyMs });
          return;
        }
        const { error } = outcome;
        breaker?.record(permit, breaker.counts(error.code) ? 'failure' : 'neutral');
        this.stats.end(candidate.model, { ok: false, error: error.name });
        if (RateLimitError.isInstance(error) && !error.local) {
          // A vendor 429 cools the target: other requests skip it while others are available.
          this.cooldowns.set(candidate.model, this.now() + (error.retryAfterMs ?? DEFAULT_COOLDOWN_MS));
        }
      },
    };
  }
}
