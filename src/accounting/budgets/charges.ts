import type { SharedStore } from '../../state/shared.js';
import { periodKey } from './period.js';
import type { Budget } from './schema.js';
import type { BudgetAlert } from './types.js';

/**
 * Budget alerts: the thresholds that settled spend crossed, fired once per budget, period and
 * threshold (counted in the store, so once across a fleet sharing it).
 */
export class BudgetCharges {
  constructor(
    private readonly store: SharedStore,
    private readonly onAlert: ((alert: BudgetAlert) => void) | undefined,
  ) {}

  /** Fires the thresholds that `actual` micro-dollars of spend, settled to `spent` in all, crossed (lowest first). */
  async crossed(key: string, budget: Budget, instance: string, actual: number, spent: number, at: number): Promise<void> {
    for (const t of budget.alertAt) {
      const mark = Math.ceil(t * budget.limitMicros);
      if (spent - actual < mark && spent >= mark) await this.alert(budget, key, instance, at, t, 'threshold', spent);
    }
  }

  async alert(
    budget: Budget,
    key: string,
    instance: string,
    at: number,
    threshold: number,
    reason: BudgetAlert['reason'],
    spent?: number,
  ): Promise<void> {
    const fired = await this.store.increment(`${key}:alerts`, { [String(threshold)]: 1 });
    if (fired[String(threshold)] !== 1 || !this.onAlert) return;
    const spentMicros = spent ?? (await this.store.budgetUsage([key]))[0]?.spent ?? 0;
    const alert: BudgetAlert = {
      budgetId: budget.id,
      scope: budget.scope,
      period: budget.period,
      periodKey: periodKey(at, budget.period, budget.timeZone),
      threshold,
      reason,
      spentMicros,
      limitMicros: budget.limitMicros,
    };
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
