import { createBudgetEngine, type BudgetEngine } from '../accounting/budgets/engine.js';
import type { Reservation } from '../accounting/budgets/types.js';
import { createLedger, type UsageLedger } from '../accounting/ledger/ledger.js';
import { recordOfBilledAttempt, recordOfFailure, recordOfResponse } from '../accounting/ledger/from-router.js';
import { createCostsApi, type CostsApi } from '../accounting/reports/costs-api.js';
import type { Store } from '../state/store.js';
import { BudgetExceededError, type SwitchyardError } from '../core/errors.js';
import type { ChatResponse, RouteInfo } from '../core/response.js';
import type { Cost, Usage } from '../core/usage.js';
import type { EventBus } from '../observability/events.js';
import type { BegunRequest } from './core.js';
import type { Candidate, RouterOptions } from './options.js';

/**
 * The record stage: every request ends in exactly one ledger record (plus one per billed failed
 * attempt), and every budget reservation is settled exactly once, success or failure.
 */
export class RouterAccounting {
  readonly ledger: UsageLedger;
  readonly costs: CostsApi;
  readonly budgets: BudgetEngine | undefined;
  readonly #unpricedSeen = new Set<string>();

  constructor(
    options: RouterOptions,
    store: Store | undefined,
    private readonly events: EventBus,
    private readonly candidates: ReadonlyMap<string, Candidate>,
  ) {
    this.ledger = createLedger({ ...(store && { store }), ...options.ledger });
    this.costs = createCostsApi(this.ledger);
    this.budgets =
      options.budgets && options.budgets.length > 0
        ? createBudgetEngine({ budgets: options.budgets, ...(store && { store }), onAlert: (alert) => events.emit('budget-alert', alert) })
        : undefined;
  }

  /**
   * Budget admission before dispatch: reserves the worst-case cost of the request and keeps only
   * the candidates the budgets allow (a `degradeTo` model in place of a downgraded one).
   * Throws BudgetExceededError, before any provider call, when nothing is allowed.
   */
  async admit(begun: BegunRequest): Promise<Reservation | undefined> {
    if (!this.budgets) return undefined;
    const toBudget = (c: Candidate) => ({
      model: c.model,
      provider: c.provider,
      providerModel: c.providerModel,
      ...(c.config.pricing && { pricing: c.config.pricing }),
      ...(c.config.maxOutputTokens !== undefined && { maxOutputTokens: c.config.maxOutputTokens }),
    });
    const admission = await this.budgets.admit({
      context: begun.context,
      candidates: begun.plan.candidates.map(toBudget),
      estimate: { inputTokens: begun.inputTokens, ...(begun.request.params?.maxTokens !== undefined && { maxTokens: begun.request.params.maxTokens }) },
      resolveCandidate: (alias) => {
        const c = this.candidates.get(alias);
        return c ? toBudget(c) : undefined;
      },
    });
    for (const d of admission.decisions) {
      if (d.decision !== 'allow' && !admission.allowed.includes(d.model)) {
        begun.skipped.push({ model: d.model, reason: 'over-budget', detail: `budget "${d.budget.budgetId}" (${d.budget.period} ${d.budget.periodKey}): ${d.decision}${d.reason === 'unpriced' ? ', model unpriced' : ''}` });
      }
    }
    if (admission.allowed.length === 0) {
      await this.budgets.settle(admission.reservation, 0);
      const b = admission.blockedBy;
      throw new BudgetExceededError({
        message: b ? `Budget "${b.budgetId}" (${b.period} ${b.periodKey}, limit $${b.limitMicros / 1_000_000}) does not allow this request` : 'No budget allows this request',
        ...(b && { scope: Object.fromEntries(Object.entries(b.scope).filter((e): e is [string, string] => typeof e[1] === 'string')) }),
      });
    }
    begun.plan.candidates = admission.allowed.map((alias) => this.candidates.get(alias)!).filter((c) => c !== undefined);
    return admission.reservation;
  }

  /** Mid-stream budget check for `stopStreamOnBudget`. */
  async allows(reservation: Reservation | undefined, partialCostMicros: number): Promise<true | SwitchyardError> {
    if (!this.budgets || !reservation) return true;
    const r = await this.budgets.check(reservation, partialCostMicros);
    if (r.ok) return true;
    return new BudgetExceededError({ message: `Budget "${r.budget.budgetId}" reached mid-stream; the stream was stopped`, scope: Object.fromEntries(Object.entries(r.budget.scope).filter((e): e is [string, string] => typeof e[1] === 'string')) });
  }

  async succeeded(response: ChatResponse, reservation: Reservation | undefined): Promise<void> {
    this.#flagUnpriced(response.route, response.cost);
    await this.ledger.record(recordOfResponse(response));
    if (this.budgets && reservation) {
      await this.budgets.settle(reservation, [{ model: response.route.model, provider: response.route.provider, providerModel: response.route.providerModel, costMicros: response.cost.totalMicros }]);
    }
  }

  /**
   * A request that failed for good. `billed`: the partial usage of a stream that failed after
   * deltas (the vendor bills generated tokens), charged to the model that produced them.
   */
  async failed(begun: BegunRequest, error: SwitchyardError, route: RouteInfo, reservation: Reservation | undefined, billed?: { candidate: Candidate; usage: Usage; cost: Cost }): Promise<void> {
    const latencyMs = performance.now() - begun.startedAt;
    await this.ledger.record(recordOfFailure({ requestId: begun.requestId, error, context: begun.context, route, latencyMs }));
    if (billed) {
      await this.ledger.record(
        recordOfBilledAttempt({ requestId: begun.requestId, context: begun.context, model: billed.candidate.model, provider: billed.candidate.provider, providerModel: billed.candidate.providerModel, usage: billed.usage, cost: billed.cost, error, latencyMs }),
      );
    }
    if (this.budgets && reservation) {
      await this.budgets.settle(reservation, billed ? [{ model: billed.candidate.model, provider: billed.candidate.provider, providerModel: billed.candidate.providerModel, costMicros: billed.cost.totalMicros }] : 0);
    }
  }

  #flagUnpriced(route: RouteInfo, cost: Cost): void {
    if (cost.priced || this.#unpricedSeen.has(route.model)) return;
    this.#unpricedSeen.add(route.model);
    this.events.emit('unpriced-model', { model: route.model, provider: route.provider, providerModel: route.providerModel });
  }
}
