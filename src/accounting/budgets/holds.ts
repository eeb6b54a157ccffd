import type { RoutingContext } from '../../core/request.js';
import type { Hold } from './reservation.js';
import type { Budget } from './schema.js';
import type { BudgetCandidate, CandidateDecision } from './types.js';

/** The budget engine's working state while it admits one request, and the holds it reserves. */

export interface PreparedKey {
  budget: Budget;
  key: string;
  instance: string;
}

export interface Prepared {
  c: BudgetCandidate;
  worst: number | undefined;
  keys: PreparedKey[];
}

/** Candidates in the order they would be tried, and the decision on each (same index). */
export interface Decided {
  order: ReadonlyArray<Prepared>;
  decisions: CandidateDecision[];
}

/** One admission being decided. */
export interface Admitting {
  at: number;
  ctx: RoutingContext;
  prepared: Prepared[];
  /** `degradeTo` models that are not candidates, by alias. */
  extra: Map<string, Prepared> | undefined;
  /** `prepared`, then `extra`'s. */
  all: ReadonlyArray<Prepared>;
  /** Settled spend of the counters a refused reserve answered (what a refusal alert reports). */
  spent: Map<string, number>;
}

/** One hold per counter the allowed candidates count, of the largest worst case among them. */
export function holdsOf({ order, decisions }: Decided): Hold[] {
  const byKey = new Map<string, Hold>();
  order.forEach((p, i) => {
    if (decisions[i]!.decision !== 'allow') return;
    const amount = p.worst ?? 0;
    for (const { budget, key, instance } of p.keys) {
      const h = byKey.get(key);
      if (h) h.amount = Math.max(h.amount, amount);
      else byKey.set(key, { budget, key, instance, amount, extra: 0 });
    }
  });
  return [...byKey.values()];
}
