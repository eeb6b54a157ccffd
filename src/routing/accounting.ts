import { BudgetEngine, createBudgetEngine } from '../accounting/budgets/engine.js';
import { HeldReservation } from '../accounting/budgets/reservation.js';
import type { Admission, BudgetCandidate, RequestEstimate, Reservation } from '../accounting/budgets/types.js';
import { createLedger, type UsageLedger } from '../accounting/ledger/ledger.js';
import { recordOfBilledAttempt, recordOfFailure, recordOfResponse } from '../accounting/ledger/from-router.js';
import type { RecordInput } from '../accounting/ledger/record.js';
import { createCostsApi, type CostsApi } from '../accounting/reports/costs-api.js';
import type { Store } from '../state/store.js';
import { BudgetExceededError, type SwitchyardError } from '../core/errors.js';
import type { ChatResponse, RouteInfo } from '../core/response.js';
import type { Cost, Usage } from '../core/usage.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import type { BudgetConfig } from '../accounting/budgets/schema.js';
import type { AuditLog } from '../observability/audit/audit-log.js';
import { auditFromError, auditFromResponse } from '../observability/audit/from-events.js';
import type { BegunRequest } from './core.js';
import type { Candidate, RouterOptions } from './options.js';
import { WriteBehind } from './write-behind.js';

/**
 * The record stage: every request ends in exactly one ledger record (plus one per billed failed
 * attempt), and every budget reservation is settled exactly once, success or failure.
 */
export class RouterAccounting {
  readonly ledger: UsageLedger;
  readonly costs: CostsApi;
  #budgets: BudgetEngine | undefined;
  readonly #unpricedSeen = new Set<string>();
  readonly #budgetViews = new WeakMap<Candidate, BudgetCandidate>();
  readonly #store: Store | undefined;
  /** Write-behind: records are written after the response is returned, in order, in batches. */
  readonly #queue: WriteBehind<RecordInput>;
  #resolver: { candidates: ReadonlyMap<string, Candidate>; resolve: (alias: string) => BudgetCandidate | undefined } | undefined;

  constructor(
    options: RouterOptions,
    private readonly events: EventBus,
    private readonly audit: AuditLog | undefined,
  ) {
    this.#store = options.store;
    this.ledger = createLedger({ ...(options.store && { store: options.store }), ...options.ledger });
    this.#queue = new WriteBehind<RecordInput>(
      (input) => this.ledger.record(input),
      (error, record) => this.events.emit('ledger-error', { error, record }),
    );
    // Every report first waits for the records still being written, so a summary read right after
    // a response always includes it.
    const api = createCostsApi(this.ledger);
    this.costs = {
      summary: async (q) => (await this.flush(), api.summary(q)),
      records: async (q) => (await this.flush(), api.records(q)),
      export: async (q) => (await this.flush(), api.export(q)),
      compare: async (q) => (await this.flush(), api.compare(q)),
      forecast: async (q) => (await this.flush(), api.forecast(q)),
    };
  }

  /** Queues a ledger record; it is written within a few ms, after the caller resumes (reports flush first). */
  #record(input: RecordInput): void {
    // The input is ours (built by from-router.ts for this call): stamp it in place rather than copy it.
    input.timestamp ??= Date.now();
    this.#queue.push(input);
  }

  /** Resolves when every queued record is in the ledger. */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  get budgets(): BudgetEngine | undefined {
    return this.#budgets;
  }

  /** (Re)builds the budget engine: the router's budgets plus every tenant's (counters live in the store and survive). */
  setBudgets(budgets: BudgetConfig[]): void {
    this.#budgets =
      budgets.length > 0 ? createBudgetEngine({ budgets, ...(this.#store && { store: this.#store }), onAlert: (alert) => this.events.emit('budget-alert', alert) }) : undefined;
  }

  /**
   * Budget admission before dispatch: reserves the worst-case cost of the request and keeps only
   * the candidates the budgets allow (a `degradeTo` model in place of a downgraded one).
   * Throws BudgetExceededError, before any provider call, when nothing is allowed.
   */
  admit(begun: BegunRequest, candidates: ReadonlyMap<string, Candidate>): Reservation | undefined | Promise<Reservation | undefined> {
    const engine = this.#budgets;
    if (!engine) return undefined;
    const planned = begun.plan.candidates;
    const views = new Array<BudgetCandidate>(planned.length);
    for (let i = 0; i < planned.length; i++) views[i] = this.#budgetView(planned[i]!);
    const estimate: RequestEstimate = { inputTokens: begun.inputTokens };
    const maxTokens = begun.request.params?.maxTokens;
    if (maxTokens !== undefined) estimate.maxTokens = maxTokens;
    const admission = engine.admission({ context: begun.context, candidates: views, estimate, resolveCandidate: this.#resolverOf(candidates) });
    return admission instanceof Promise ? admission.then((a) => this.#admitted(engine, begun, candidates, a)) : this.#admitted(engine, begun, candidates, admission);
  }

  /** The plan after admission: refused candidates skipped; nothing allowed throws BudgetExceededError (after settling the hold). */
  #admitted(engine: BudgetEngine, begun: BegunRequest, candidates: ReadonlyMap<string, Candidate>, admission: Admission): Reservation | Promise<never> {
    const { decisions, allowed } = admission;
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i]!;
      if (d.decision !== 'allow' && !allowed.includes(d.model)) {
        begun.skipped.push({ model: d.model, reason: 'over-budget', detail: `budget "${d.budget.budgetId}" (${d.budget.period} ${d.budget.periodKey}): ${d.decision}${d.reason === 'unpriced' ? ', model unpriced' : ''}` });
      }
    }
    if (allowed.length === 0) return this.#refuse(engine, admission);
    if (!sameModels(begun.plan.candidates, allowed)) begun.plan.candidates = allowed.map((alias) => candidates.get(alias)!).filter((c) => c !== undefined);
    return admission.reservation;
  }

  async #refuse(engine: BudgetEngine, admission: Admission): Promise<never> {
    await engine.settle(admission.reservation, 0);
    const b = admission.blockedBy;
    throw new BudgetExceededError({
      message: b ? `Budget "${b.budgetId}" (${b.period} ${b.periodKey}, limit $${b.limitMicros / 1_000_000}) does not allow this request` : 'No budget allows this request',
      ...(b && { scope: Object.fromEntries(Object.entries(b.scope).filter((e): e is [string, string] => typeof e[1] === 'string')) }),
    });
  }

  /** The engine's look-up of a `degradeTo` alias, made once per candidate map (the plan's, rebuilt only with the config). */
  #resolverOf(candidates: ReadonlyMap<string, Candidate>): (alias: string) => BudgetCandidate | undefined {
    if (this.#resolver?.candidates !== candidates) {
      this.#resolver = {
        candidates,
        resolve: (alias) => {
          const c = candidates.get(alias);
          return c ? this.#budgetView(c) : undefined;
        },
      };
    }
    return this.#resolver.resolve;
  }

  /** What the budget engine reads of a candidate: built once per candidate (candidates live as long as their router). */
  #budgetView(c: Candidate): BudgetCandidate {
    let view = this.#budgetViews.get(c);
    if (!view) {
      view = { model: c.model, provider: c.provider, providerModel: c.providerModel };
      if (c.config.pricing) view.pricing = c.config.pricing;
      if (c.config.maxOutputTokens !== undefined) view.maxOutputTokens = c.config.maxOutputTokens;
      this.#budgetViews.set(c, view);
    }
    return view;
  }

  /** Mid-stream budget check for `stopStreamOnBudget`. */
  async allows(reservation: Reservation | undefined, partialCostMicros: number): Promise<true | SwitchyardError> {
    const engine = reservation && engineOf(reservation);
    if (!engine || !reservation) return true;
    const r = await engine.check(reservation, partialCostMicros);
    if (r.ok) return true;
    return new BudgetExceededError({ message: `Budget "${r.budget.budgetId}" reached mid-stream; the stream was stopped`, scope: Object.fromEntries(Object.entries(r.budget.scope).filter((e): e is [string, string] => typeof e[1] === 'string')) });
  }

  /** Records a served request and settles its budget hold; a promise only while the settlement waits (an alert firing, a remote store). */
  succeeded(kind: RequestKind, begun: BegunRequest, response: ChatResponse, reservation: Reservation | undefined): Promise<void> | undefined {
    this.#flagUnpriced(response.route, response.cost);
    this.audit?.record(
      auditFromResponse(
        { requestId: response.id, kind, route: response.route, usage: response.usage, cost: response.cost, finishReason: response.finishReason, latencyMs: response.latencyMs },
        { ...(begun.request.system !== undefined && { system: begun.request.system }), messages: begun.request.messages, completion: response.text },
      ),
    );
    this.#record(recordOfResponse(response));
    const engine = reservation && engineOf(reservation);
    if (!engine || !reservation) return undefined;
    const { route } = response;
    return engine.settlement(reservation, [{ model: route.model, provider: route.provider, providerModel: route.providerModel, costMicros: response.cost.totalMicros }]);
  }

  /**
   * A request that failed for good. `billed`: the partial usage of a stream that failed after
   * deltas (the vendor bills generated tokens), charged to the model that produced them.
   */
  async failed(kind: RequestKind, begun: BegunRequest, error: SwitchyardError, route: RouteInfo, reservation: Reservation | undefined, billed?: { candidate: Candidate; usage: Usage; cost: Cost }): Promise<void> {
    const latencyMs = performance.now() - begun.startedAt;
    this.audit?.record(
      auditFromError(
        { requestId: begun.requestId, kind, error, route, context: begun.context },
        { ...(begun.request.system !== undefined && { system: begun.request.system }), messages: begun.request.messages, latencyMs },
      ),
    );
    this.#record(recordOfFailure({ requestId: begun.requestId, error, context: begun.context, route, latencyMs }));
    if (billed) {
      this.#record(
        recordOfBilledAttempt({ requestId: begun.requestId, context: begun.context, model: billed.candidate.model, provider: billed.candidate.provider, providerModel: billed.candidate.providerModel, usage: billed.usage, cost: billed.cost, error, latencyMs }),
      );
    }
    const engine = reservation && engineOf(reservation);
    if (engine && reservation) {
      await engine.settle(reservation, billed ? [{ model: billed.candidate.model, provider: billed.candidate.provider, providerModel: billed.candidate.providerModel, costMicros: billed.cost.totalMicros }] : 0);
    }
  }

  #flagUnpriced(route: RouteInfo, cost: Cost): void {
    if (cost.priced || this.#unpricedSeen.has(route.model)) return;
    this.#unpricedSeen.add(route.model);
    this.events.emit('unpriced-model', { model: route.model, provider: route.provider, providerModel: route.providerModel });
  }
}

/** The engine that admitted a reservation settles it, even after the budgets were replaced. */
function engineOf(reservation: Reservation): BudgetEngine | undefined {
  const owner = HeldReservation.ownerOf(reservation);
  return owner instanceof BudgetEngine ? owner : undefined;
}

/** Does the admission keep the plan's candidates as they are (the common case: nothing refused)? */
function sameModels(planned: ReadonlyArray<Candidate>, allowed: ReadonlyArray<string>): boolean {
  if (planned.length !== allowed.length) return false;
  for (let i = 0; i < allowed.length; i++) if (planned[i]!.model !== allowed[i]) return false;
  return true;
}
