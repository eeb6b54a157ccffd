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
      skipped.push({ model: d.model, reason: 'over-budget', detail: `budget "${d.budget.budgetId}" (${d.budget.period} ${d.budget.periodKey}): ${d.decision}${d.reason === 'unpriced' ? ', model unpriced' : ''}` });
    }
  }
  if (admission.allowed.length === 0) {
    await engine.settle(admission.reservation, 0);
    const b = admission.blockedBy;
    throw new BudgetExceededError({
      message: b ? `Budget "${b.budgetId}" (${b.period} ${b.periodKey}, limit $${b.limitMicros / 1_000_000}) does not allow this request` : 'No budget allows this request',
      ...(b && { scope: scopeOf(b.scope) }),
    });
  }
  const candidates = admission.allowed.map((alias) => all.get(alias)).filter((c): c is Candidate => c !== undefined);
  return { candidates, skipped, reservation: admission.reservation };
}
