import { CircuitBreaker } from './breaker.js';
import type { SharedBreakers } from './shared.js';
import type { BreakerOptions } from './types.js';

/** Who a breaker guards: a provider instance (its credentials) and the vendor's model id. */
export interface BreakerTarget {
  /** The provider instance: tenants that share it share the breaker; a tenant with its own key has its own instance. */
  instance: object;
  providerModel: string;
}

/** With a shared store: where the breakers are shared, and the name each provider instance has in every process. */
export interface SharedPool {
  breakers: SharedBreakers;
  /**
   * A provider instance's name, the same in every process with the same configuration (the provider's
   * name, or the tenant's and the provider's for a tenant's own key); undefined keeps its breakers local.
   */
  nameOf(instance: object): string | undefined;
}

/**
 * The router's breakers, one per model target (provider instance + vendor model id), shared by every
 * routing scope that calls that target: a shared outage is learned once, whatever the tenant. With a
 * shared store, each target's breaker is also shared by every process on that store.
 */
export class BreakerPool {
  readonly #byInstance = new WeakMap<object, Map<string, CircuitBreaker>>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number,
    private readonly sharedPool?: SharedPool,
  ) {}

  /** Whether breakers are shared with other processes (a probe must then be claimed in the store). */
  get shared(): boolean {
    return this.sharedPool !== undefined;
  }

  /** The target's breaker, created on first use; `onCreate` runs once, when it is created. */
  of(target: BreakerTarget, onCreate?: (breaker: CircuitBreaker) => void): CircuitBreaker {
    let models = this.#byInstance.get(target.instance);
    if (!models) this.#byInstance.set(target.instance, (models = new Map()));
    let breaker = models.get(target.providerModel);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, undefined, this.now);
      models.set(target.providerModel, breaker);
      onCreate?.(breaker);
      const name = this.sharedPool?.nameOf(target.instance);
      if (name !== undefined) this.sharedPool!.breakers.attach(`${name}:${encodeURIComponent(target.providerModel)}`, breaker);
    }
    return breaker;
  }

  /** The target's breaker when one was created. */
  peek(target: BreakerTarget): CircuitBreaker | undefined {
    return this.#byInstance.get(target.instance)?.get(target.providerModel);
  }

  /** Takes the half-open probe for this process (always granted when breakers are not shared). */
  claimProbe(breaker: CircuitBreaker): Promise<boolean> {
    return this.sharedPool ? this.sharedPool.breakers.claimProbe(breaker) : Promise.resolve(true);
  }
}
