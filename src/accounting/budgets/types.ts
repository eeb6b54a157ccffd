import type { ModelPricing } from '../../core/model.js';
import type { RoutingContext } from '../../core/request.js';
import type { CatalogPricing } from '../../catalog/types.js';
import type { BudgetAction, BudgetPeriod, BudgetScope } from './schema.js';

/** A candidate as the budget engine sees it (from `resolveModelInfo`). */
export interface BudgetCandidate {
  /** Model alias. */
  model: string;
  /** Provider instance name. */
  provider: string;
  providerModel?: string;
  /** Undefined: unpriced (the engine cannot bound its cost). */
  pricing?: ModelPricing | CatalogPricing;
  maxOutputTokens?: number;
}

export interface RequestEstimate {
  /** Estimated prompt tokens (e.g. `estimateRequestTokens`); a safety margin is added. */
  inputTokens: number;
  /** The request's `params.maxTokens`; else the model's max output applies. */
  maxTokens?: number;
}

export interface AdmitInput {
  context: RoutingContext;
  /** In the order the router would try them. */
  candidates: ReadonlyArray<BudgetCandidate>;
  estimate: RequestEstimate;
  /** Looks up a `degradeTo` alias that is not among the candidates. */
  resolveCandidate?: (alias: string) => BudgetCandidate | undefined;
}

/** A budget as named in decisions, alerts and errors. */
export interface BudgetRef {
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** The period instance, e.g. `2025-10-01`. */
  periodKey: string;
  onExceed: BudgetAction;
  limitMicros: number;
}

export type CandidateDecision =
  | {
      model: string;
      decision: 'allow';
      worstCaseMicros: number;
      /** Set when this model stands in for a downgraded one. */ replaces?: string;
    }
  | {
      model: string;
      decision: 'downgrade' | 'block';
      worstCaseMicros?: number;
      budget: BudgetRef;
      reason: 'limit' | 'unpriced';
      /** What the refusing budget had left (limit - spent - held). */
      remainingMicros?: number;
    };

/** Budget held for one request between `admit` and `settle`. Settle it exactly once (also on failure). */
export interface Reservation {
  readonly id: string;
  /** When it was made: spend is counted in the period of this moment. */
  readonly at: number;
  readonly context: RoutingContext;
  readonly holds: ReadonlyArray<{ budgetId: string; key: string; amountMicros: number }>;
}

export interface Admission {
  decisions: CandidateDecision[];
  /** Model aliases to try, in order (a `degradeTo` model in place of the one it replaces). */
  allowed: string[];
  reservation: Reservation;
  /** When nothing is allowed: the budget that refused the first candidate (throw `BudgetExceededError`). */
  blockedBy?: BudgetRef;
}

/** What a request actually cost, per model that billed it. */
export interface Charge {
  model: string;
  provider: string;
  providerModel?: string;
  costMicros: number;
}

export interface BudgetAlert {
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  periodKey: string;
  /** `'*'` scopes: which instance, e.g. `tenant=acme`. */
  instance?: string;
  threshold: number;
  /** `threshold`: settled spend crossed it. `refused`: a request was blocked or downgraded (threshold 1). */
  reason: 'threshold' | 'refused';
  spentMicros: number;
  limitMicros: number;
}

export type CheckResult = { ok: true } | { ok: false; budget: BudgetRef };

/** One budget as `router.budgets.status()` reports it: the budget, its period, and its money now. */
export interface BudgetStatusReport extends BudgetRef {
  /** The counter instance of a `'*'` scope (e.g. `tenant=acme`); absent for a fixed scope. */
  instance?: string;
  /** Settled spend this period. */
  spentMicros: number;
  /** Held by requests in flight (their worst-case cost, until they settle or their lease ends). */
  heldMicros: number;
  /** `limit - spent - held`, at least 0: what a new request may still reserve. */
  remainingMicros: number;
}

export interface BudgetStatus {
  budget: BudgetRef;
  instance?: string;
  spentMicros: number;
  /** Held by requests in flight. */
  reservedMicros: number;
  remainingMicros: number;
}
