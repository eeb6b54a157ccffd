import { periodKey } from './period.js';
import type { Budget } from './schema.js';

/** Counter instances remembered per budget and period (`'*'` scopes have one per tenant, user...); past this the cache starts over. */
const MAX_INSTANCES = 10_000;

interface PeriodKeys {
  /** The UTC minute `period` was computed for (the local date cannot change inside one). */
  minute: number;
  period: string;
  byInstance: Map<string, string>;
}

/**
 * Store keys of budget counters, `<prefix>:<budget id>:<period key>[:<instance>]`. Each is built
 * once per budget, period and instance, then handed out as the same string: a request used to build
 * its keys anew (and the period key's cache key), and every store lookup hashed the new strings again.
 */
export class CounterKeys {
  readonly #prefix: string;
  readonly #byBudget = new Map<Budget, PeriodKeys>();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  of(budget: Budget, at: number, instance: string): string {
    const minute = Math.floor(at / 60_000);
    let c = this.#byBudget.get(budget);
    if (c === undefined || c.minute !== minute) {
      const period = periodKey(at, budget.period, budget.timeZone);
      if (c === undefined || c.period !== period) this.#byBudget.set(budget, (c = { minute, period, byInstance: new Map() }));
      else c.minute = minute;
    }
    let key = c.byInstance.get(instance);
    if (key === undefined) {
      if (c.byInstance.size >= MAX_INSTANCES) c.byInstance.clear();
      key = `${this.#prefix}:${budget.id}:${c.period}${instance ? `:${instance}` : ''}`;
      c.byInstance.set(instance, key);
    }
    return key;
  }
}
