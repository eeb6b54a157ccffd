import { CircuitOpenError, RateLimitError, type SwitchyardError } from '../../core/errors.js';
import type { EventBus } from '../../observability/events.js';
import type { LLMProvider } from '../../core/provider.js';
import type { CircuitBreaker } from '../../resilience/breaker/breaker.js';
import type { BreakerPool } from '../../resilience/breaker/pool.js';
import type { Limiter } from '../../resilience/limiter.js';
import type { LimitsView, Slot } from '../../resilience/rate-limit.js';
import type { Candidate } from '../config/options.js';
import type { RouterStats } from '../scope/stats.js';

/**
 * How a call ended, for its target's health: a success, a failure of the model, or a call the
 * caller ended (its abort or its own deadline), which says nothing about the model.
 */
export type CallOutcome =
  { ok: true; latencyMs: number; tokens?: number } | { ok: false; error: SwitchyardError; latencyMs: number; byCaller?: boolean };

/** A call's hold on its target: breaker permit, rate-limit slots, in-flight count. End it once (later calls do nothing). */
export interface Lease {
  end(outcome: CallOutcome): void;
}

/** Default cooldown after a vendor 429 that gave no retry-after. */
const DEFAULT_COOLDOWN_MS = 1_000;

/** What names a breaker's target: the alias and provider name (for events) and the vendor model id. */
export type BreakerCandidate = Pick<Candidate, 'model' | 'provider' | 'providerModel'>;

/**
 * Per-target resilience state of one routing scope: circuit breakers (from the router's pool, one
 * per provider instance + vendor model, shared by every scope that calls that target), rate
 * limiters (per provider and model), vendor 429 cooldowns, and learned stats. Each try enters.
 */
export class TargetGuards {
  constructor(
    private readonly breakerPool: BreakerPool | undefined,
    private readonly providers: Readonly<Record<string, LLMProvider>>,
    readonly limits: LimitsView,
    readonly stats: RouterStats,
    private readonly events: EventBus,
    private readonly now: () => number,
  ) {}

  /** Model alias -> time until which a vendor 429 cools it. */
  readonly cooldowns = new Map<string, number>();

  /** The breaker of a model target (created on first use), or undefined when breakers are off. */
  breakerOf(candidate: BreakerCandidate): CircuitBreaker | undefined {
    const instance = this.providers[candidate.provider];
    if (!this.breakerPool || !instance) return undefined;
    const { model, provider } = candidate;
    return this.breakerPool.of({ instance, providerModel: candidate.providerModel }, (breaker) =>
      breaker.onStateChange((t) =>
        this.events.emit('breaker', {
          model,
          provider,
          from: t.from,
          to: t.to,
          reason: t.reason,
          at: t.at,
          ...(t.remote && { remote: true }),
        }),
      ),
    );
  }

  /** Whether a call to this model may go out as far as its breaker is concerned (without taking a probe). */
  breakerAllows(candidate: BreakerCandidate): boolean {
    return this.breakerOf(candidate)?.wouldAllow() !== false;
  }

  /** The target's breaker state, without creating a breaker (`closed` when there is none). */
  breakerState(candidate: BreakerCandidate): CircuitBreaker['state']['state'] {
    const instance = this.providers[candidate.provider];
    return (instance && this.breakerPool?.peek({ instance, providerModel: candidate.providerModel })?.state.state) ?? 'closed';
  }

  /** Whether a local limit in `overflow: 'next'` mode would refuse this call right now. */
  saturated(candidate: Candidate, tokens: number): boolean {
    return this.limits.limitersFor(candidate.provider, candidate.model).some((l) => l.overflow === 'next' && !l.wouldAdmit(tokens));
  }

  /** Waits in a limiter's line (the call was not admitted at once) and reports the wait as a `rate-limit-wait` event. */
  async #wait(candidate: Candidate, limiter: Limiter, tokens: number, signal: AbortSignal | undefined): Promise<Slot> {
    const started = performance.now();
    const report = (admitted: boolean) =>
      this.events.emit('rate-limit-wait', {
        model: candidate.model,
        provider: candidate.provider,
        waitedMs: performance.now() - started,
        admitted,
        at: this.now(),
      });
    try {
      const slot = await limiter.acquire(tokens, signal);
      report(true);
      return slot;
    } catch (error) {
      report(false);
      throw error;
    }
  }

  /**
   * Takes a breaker permit and rate-limit slots for one try; throws CircuitOpenError when open.
   * With `mayOverflow`, a limit in `overflow: 'next'` mode that is saturated right now gives
   * `'saturated'` instead of waiting (the caller moves to the next candidate).
   */
  async enter(candidate: Candidate, tokens: number, signal: AbortSignal | undefined, mayOverflow: boolean): Promise<Lease | 'saturated'> {
    const breaker = this.breakerOf(candidate);
    const permit = breaker ? breaker.tryAcquire() : { kind: 'normal' as const };
    if (!permit) throw new CircuitOpenError({ provider: candidate.provider, model: candidate.model });
    // With breakers shared through a store, one process probes at a time: the probe is claimed there first.
    if (breaker && permit.kind === 'probe' && this.breakerPool?.shared && !(await this.breakerPool.claimProbe(breaker))) {
      breaker.record(permit, 'neutral');
      throw new CircuitOpenError({ provider: candidate.provider, model: candidate.model });
    }
    const slots: Slot[] = [];
    const giveBack = () => {
      for (const s of slots) s.release();
      breaker?.record(permit, 'neutral');
    };
    try {
      for (const limiter of this.limits.limitersFor(candidate.provider, candidate.model)) {
        if (mayOverflow && limiter.overflow === 'next') {
          // A shared store's limiter answers asynchronously (one store round trip); a local one at once.
          const slot = await limiter.tryAcquire(tokens);
          if (!slot) {
            giveBack();
            return 'saturated';
          }
          slots.push(slot);
        } else slots.push((await limiter.tryAcquire(tokens)) ?? (await this.#wait(candidate, limiter, tokens, signal)));
      }
    } catch (error) {
      giveBack();
      throw error;
    }
    this.stats.begin(candidate.model);
    let ended = false;
    return {
      end: (outcome) => {
        if (ended) return;
        ended = true;
        for (const s of slots) s.release(outcome.ok ? outcome.tokens : undefined);
        if (outcome.ok) {
          breaker?.record(permit, 'success');
          this.stats.end(candidate.model, { ok: true, latencyMs: outcome.latencyMs });
          return;
        }
        const { error } = outcome;
        if (outcome.byCaller) {
          // The caller's abort or deadline: neither a failure nor a success of the model.
          breaker?.record(permit, 'neutral');
          this.stats.end(candidate.model, { ok: undefined });
          return;
        }
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
