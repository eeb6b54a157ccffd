import { CircuitBreaker } from './breaker.js';
import type { BreakerOptions } from './types.js';

/** Who a breaker guards: a provider instance (its credentials) and the vendor's model id. */
export interface BreakerTarget {
  /** The provider instance: tenants that share it share the breaker; a tenant with its own key has its own instance. */
  instance: object;
  providerModel: string;
}

/**
 * The router's breakers, one per model target (provider instance + vendor model id), shared by every
 * routing scope that calls that target: a shared outage is learned once, whatever the tenant.
 */
export class BreakerPool {
  readonly #byInstance = new WeakMap<object, Map<string, CircuitBreaker>>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number,
  ) {}

  /** The target's breaker, created on first use; `onCreate` runs once, when it is created. */
  of(target: BreakerTarget, onCreate?: (breaker: CircuitBreaker) => void): CircuitBreaker {
    let models = this.#byInstance.get(target.instance);
    if (!models) this.#byInstance.set(target.instance, (models = new Map()));
    let breaker = models.get(target.providerModel);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, undefined, this.now);
      models.set(target.providerModel, breaker);
      onCreate?.(breaker);
    }
    return breaker;
  }

  /** The target's breaker when one was created. */
  peek(target: BreakerTarget): CircuitBreaker | undefined {
    return this.#byInstance.get(target.instance)?.get(target.providerModel);
  }
}
