import type { BudgetEngine } from '../../accounting/budgets/engine.js';
import type { BudgetCandidate, Reservation } from '../../accounting/budgets/types.js';
import { BudgetExceededError } from '../../core/errors.js';
import type { RoutingContext } from '../../core/request.js';
import type { SkippedCandidate } from '../../core/response.js';
import type { Candidate } from '../config/options.js';

export interface Admitted {
  /** The candidates the budgets allow, in order (a `degradeTo` model in place of a downgraded one). */
  candidates: Candidate[];
  skipped: SkippedCandidate[];
  /** The budget held for this request: settled exactly once by the record stage. */
  reservation: Reservation | undefined;
}

/** What the budget engine reads of a candidate. */
function budgetView(c: Candidate): BudgetCandidate {
  const view: BudgetCandidate = { model: c.model, provider: c.provider, providerModel: c.providerModel };
  if (c.config.pricing) view.pricing = c.config.pricing;
  if (c.config.maxOutputTokens !== undefined) view.maxOutputTokens = c.config.maxOutputTokens;
  return view;
}

/** Micro-dollars as dollars for a message: `$0.0013`. */
function usd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}`;
}

/** Plain string fields of a budget scope, for the error. */
function scopeOf(scope: object): Record<string, string> {
  return Object.fromEntries(Object.entries(scope).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The budget admission, the filter that needs the final order (a `degradeTo` model stands in right
 * after the one it replaces): reserves the worst-case cost of the request on every budget that
 * counts it and keeps only the candidates the budgets allow. Throws BudgetExceededError, before any
 * provider call, when nothing is allowed (the hold settled at 0 first).
 */
export async function admitBudget(
  engine: BudgetEngine | undefined,
  request: { context: RoutingContext; inputTokens: number; maxTokens: number | undefined },
  planned: ReadonlyArray<Candidate>,
  all: ReadonlyMap<string, Candidate>,
): Promise<Admitted> {
  if (!engine) return { candidates: [...planned], skipped: [], reservation: undefined };
  const admission = await engine.admit({
    context: request.context,
    candidates: planned.map(budgetView),
    estimate: { inputTokens: request.inputTokens, ...(request.maxTokens !== undefined && { maxTokens: request.maxTokens }) },
    resolveCandidate: (alias) => {
      const c = all.get(alias);
      return c ? budgetView(c) : undefined;
    },
  });
  const skipped: SkippedCandidate[] = [];
  for (const d of admission.decisions) {
    if (d.decision !== 'allow' && !admission.allowed.includes(d.model)) {
      skipped.push({
        model: d.model,
        reason: 'over-budget',
        detail: `budget "${d.budget.budgetId}" (${d.budget.period} ${d.budget.periodKey}): ${d.decision}${d.reason === 'unpriced' ? ', model unpriced' : ''}`,
      });
    }
  }
  if (admission.allowed.length === 0) {
    await engine.settle(admission.reservation, 0);
    const b = admission.blockedBy;
    const refusal = admission.decisions.find((d) => d.decision !== 'allow' && d.budget.budgetId === b?.budgetId);
    const requested = refusal?.worstCaseMicros;
    const remaining = refusal && refusal.decision !== 'allow' ? refusal.remainingMicros : undefined;
    const unpriced = refusal && refusal.decision !== 'allow' && refusal.reason === 'unpriced';
    const figures = unpriced
      ? ': the model has no price, so its cost cannot be reserved'
      : requested !== undefined && remaining !== undefined
        ? `: it would reserve ${usd(requested)} (its worst case: prompt estimate and max output tokens) and ${usd(remaining)} is left; a lower params.maxTokens lowers the reservation`
        : '';
    throw new BudgetExceededError({
      message: b
        ? `Budget "${b.budgetId}" (${b.period} ${b.periodKey}, limit ${usd(b.limitMicros)}) does not allow this request${figures}`
        : 'No budget allows this request',
      ...(b && { scope: scopeOf(b.scope) }),
      ...(requested !== undefined && { requestedMicros: requested }),
      ...(remaining !== undefined && { remainingMicros: remaining }),
    });
  }
  const candidates = admission.allowed.map((alias) => all.get(alias)).filter((c): c is Candidate => c !== undefined);
  return { candidates, skipped, reservation: admission.reservation };
}
