import type { Store } from '../../state/store.js';
import { periodKey } from './period.js';
import type { Hold } from './reservation.js';
import type { Budget } from './schema.js';
import type { BudgetAlert } from './types.js';

/** What one counter is charged when a reservation settles. */
export interface CounterCharge {
  budget: Budget;
  instance: string;
  held: number;
  actual: number;
}

/**
 * Settled spend on budget counters: each hold turned into what was spent, and the alert thresholds
 * that spend crossed, fired once per budget, period and threshold (counted in the store, so once
 * across a fleet sharing it).
 */
export class BudgetCharges {
  constructor(
    private readonly store: Store,
    private readonly onAlert: ((alert: BudgetAlert) => void) | undefined,
  ) {}

  /** Charges holds from `from` on, in order; an alert being fired holds back the charges after it (synchronous while none fires). */
  holds(holds: ReadonlyArray<Hold>, from: number, at: number, actualOf: (h: Hold, i: number) => number): Promise<void> | undefined {
    for (let i = from; i < holds.length; i++) {
      const h = holds[i]!;
      const alerting = this.#charge(h.key, h.budget, h.instance, h.amount + h.extra, actualOf(h, i), at);
      if (alerting) return alerting.then(() => this.holds(holds, i + 1, at, actualOf));
    }
    return undefined;
  }

  /** Like `holds`, for counters keyed by store key (a settlement that charges more than its holds). */
  entries(entries: ReadonlyArray<[key: string, charge: CounterCharge]>, from: number, at: number): Promise<void> | undefined {
    for (let i = from; i < entries.length; i++) {
      const [key, e] = entries[i]!;
      const alerting = this.#charge(key, e.budget, e.instance, e.held, e.actual, at);
      if (alerting) return alerting.then(() => this.entries(entries, i + 1, at));
    }
    return undefined;
  }

  /**
   * Turns a hold into spend on one counter, and fires the thresholds the spend crossed. Synchronous
   * (returns nothing) on an in-process store when no threshold is crossed, the common case.
   */
  #charge(key: string, budget: Budget, instance: string, held: number, actual: number, at: number): Promise<void> | undefined {
    const deltas = { used: actual - held, spent: actual };
    const now = this.store.immediate;
    if (!now) return this.store.increment(key, deltas).then((after) => this.#crossed(budget, key, instance, at, actual, after));
    return this.#crossed(budget, key, instance, at, actual, now.increment(key, deltas));
  }

  #crossed(budget: Budget, key: string, instance: string, at: number, actual: number, after: Record<string, number>): Promise<void> | undefined {
    const spent = after.spent ?? 0;
    let alerts: Promise<void> | undefined;
    for (const t of budget.alertAt) {
      const mark = Math.ceil(t * budget.limitMicros);
      // Lowest threshold first (alertAt is sorted), each after the one before.
      if (spent - actual < mark && spent >= mark) {
        alerts = alerts ? alerts.then(() => this.alert(budget, key, instance, at, t, 'threshold', spent)) : this.alert(budget, key, instance, at, t, 'threshold', spent);
      }
    }
    return alerts;
  }

  async alert(budget: Budget, key: string, instance: string, at: number, threshold: number, reason: BudgetAlert['reason'], spent?: number): Promise<void> {
    const fired = await this.store.increment(`${key}:alerts`, { [String(threshold)]: 1 });
    if (fired[String(threshold)] !== 1 || !this.onAlert) return;
    const spentMicros = spent ?? (await this.store.counters(key)).spent ?? 0;
    const alert: BudgetAlert = { budgetId: budget.id, scope: budget.scope, period: budget.period, periodKey: periodKey(at, budget.period, budget.timeZone), threshold, reason, spentMicros, limitMicros: budget.limitMicros };
    if (instance) alert.instance = instance;
    try {
      this.onAlert(alert);
    } catch {
      // A listener's failure must not break accounting; the router reports listener errors itself.
    }
  }
}

/** A spend figure as whole micro-dollars (negative, NaN and infinite count as 0). */
export function toMicros(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}
