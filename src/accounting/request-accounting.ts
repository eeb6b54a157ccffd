import { BudgetEngine, checkLeaseMs, createBudgetEngine } from './budgets/engine.js';
import { HoldRenewer } from './budgets/renewal.js';
import { HeldReservation } from './budgets/reservation.js';
import type { BudgetConfig } from './budgets/schema.js';
import type { Charge, Reservation } from './budgets/types.js';
import { createLedger, type UsageLedger } from './ledger/ledger.js';
import { recordOfBilledAttempt, recordOfFailure, recordOfResponse } from './ledger/from-router.js';
import type { RecordInput } from './ledger/record.js';
import { WriteBehind } from './ledger/write-behind.js';
import { createCostsApi, type CostsApi } from './reports/costs-api.js';
import { BudgetExceededError, type SwitchyardError } from '../core/errors.js';
import type { ChatRequest, RoutingContext } from '../core/request.js';
import type { ChatResponse, RouteInfo } from '../core/response.js';
import type { Cost, Usage } from '../core/usage.js';
import type { AuditLog } from '../observability/audit/audit-log.js';
import { auditFromError, auditFromResponse } from '../observability/audit/from-events.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import type { SharedStore } from '../state/shared.js';

/** What the record stage reads of a request. */
export interface RecordedRequest {
  requestId: string;
  kind: RequestKind;
  request: Readonly<ChatRequest>;
  context: RoutingContext;
  startedAt: number;
}

/**
 * Usage a failed attempt was billed for: what the vendor reported for a call that failed anyway (a
 * stream cut after its usage, an unreadable 200), or the partial output of a stream that failed
 * after its deltas were delivered (the vendor's figures when it sent them, else our estimate).
 */
export interface BilledUsage {
  model: string;
  provider: string;
  providerModel: string;
  usage: Usage;
  cost: Cost;
}

/**
 * The record stage of the router: every request ends in exactly one ledger record (plus one per
 * billed failed attempt) and one audit entry, and every budget reservation is settled exactly
 * once, success or failure. Also owns the budget engine and the cost reports.
 *
 * Nothing here blocks the response on the store: records go to a write-behind queue, and a
 * reservation's settle is sent at once but not waited for (its store calls are ordered before any
 * later call of this process, so `router.budgets.status()` read after a response includes it).
 * `flush()` waits for both; every cost report flushes first.
 */
export class RequestAccounting {
  readonly ledger: UsageLedger;
  readonly costs: CostsApi;
  #budgets: BudgetEngine | undefined;
  /** One lease renewal loop for every hold of this router, whichever engine (rebuilt with the tenants) made it. */
  readonly #renewer: HoldRenewer;
  /** Settles sent and not answered yet. */
  readonly #settling = new Set<Promise<void>>();
  readonly #unpricedSeen = new Set<string>();
  readonly #store: SharedStore;
  /** Records are written after the response is returned, in order, in batches (reports flush first). */
  readonly #queue: WriteBehind<RecordInput>;

  constructor(
    options: { store: SharedStore; ledger?: { maxRecords?: number; maxAgeMs?: number }; budgetHoldLeaseMs?: number },
    private readonly events: EventBus,
    private readonly audit: AuditLog | undefined,
  ) {
    this.#store = options.store;
    checkLeaseMs(options.budgetHoldLeaseMs, 'budgetHoldLeaseMs');
    this.#renewer = new HoldRenewer(options.store, options.budgetHoldLeaseMs);
    this.ledger = createLedger({ store: options.store, ...options.ledger });
    this.#queue = new WriteBehind<RecordInput>(
      (inputs) => this.ledger.recordMany(inputs),
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

  #record(input: RecordInput): void {
    // Stamped now, not when written; the input's own timestamp, if any, wins (spread last: see routeRequest).
    this.#queue.push({ timestamp: Date.now(), ...input });
  }

  /** Resolves when every queued record is in the ledger and every settle sent so far is answered. */
  async flush(): Promise<void> {
    await this.#queue.flush();
    while (this.#settling.size > 0) await Promise.all(this.#settling);
  }

  /** Settles without blocking the caller; a settle the store never took (after the engine's retries) is a `ledger-error`. */
  #settle(engine: BudgetEngine, reservation: Reservation, spend: number | Charge[]): void {
    this.#track(engine.settle(reservation, spend), (error) => {
      const holds = reservation.holds.map((h) => ({ budgetId: h.budgetId, amountMicros: h.amountMicros }));
      this.events.emit('ledger-error', { error, record: { kind: 'budget-settle', reservationId: reservation.id, holds, spend } });
    });
  }

  /** Budget work the request does not wait for (settles, refusal alerts); `flush()` waits for it. */
  #track(
    work: Promise<void>,
    onError: (error: unknown) => void = (error) => this.events.emit('ledger-error', { error, record: undefined }),
  ): void {
    const pending: Promise<void> = work.then(
      () => void this.#settling.delete(pending),
      (error: unknown) => {
        this.#settling.delete(pending);
        onError(error);
      },
    );
    this.#settling.add(pending);
  }

  get budgets(): BudgetEngine | undefined {
    return this.#budgets;
  }

  /**
   * (Re)builds the budget engine: the router's budgets plus every tenant's. Spend lives in the
   * router's one store under keys made of the budget id and period, so a rebuild keeps it.
   */
  setBudgets(budgets: BudgetConfig[]): void {
    this.#budgets =
      budgets.length > 0
        ? createBudgetEngine({
            budgets,
            store: this.#store,
            renewer: this.#renewer,
            onAlert: (alert) => this.events.emit('budget-alert', alert),
            background: (work) => this.#track(work),
          })
        : undefined;
  }

  /** Mid-stream budget check for `stopStreamOnBudget`: true, or the error that stops the stream. */
  async allows(reservation: Reservation | undefined, partialCostMicros: number): Promise<true | SwitchyardError> {
    const engine = reservation && engineOf(reservation);
    if (!engine || !reservation) return true;
    const r = await engine.check(reservation, partialCostMicros);
    if (r.ok) return true;
    const scope = Object.fromEntries(Object.entries(r.budget.scope).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return new BudgetExceededError({ message: `Budget "${r.budget.budgetId}" reached mid-stream; the stream was stopped`, scope });
  }

  /** Records a served request (and each billed failed attempt before it) and settles its budget hold with what they cost. */
  async succeeded(
    req: RecordedRequest,
    response: ChatResponse,
    reservation: Reservation | undefined,
    billed: ReadonlyArray<BilledAttempt> = [],
  ): Promise<void> {
    const { route, cost } = response;
    if (!cost.priced && !this.#unpricedSeen.has(route.model)) {
      this.#unpricedSeen.add(route.model);
      this.events.emit('unpriced-model', { model: route.model, provider: route.provider, providerModel: route.providerModel });
    }
    this.audit?.record(
      auditFromResponse(
        {
          requestId: response.id,
          kind: req.kind,
          route,
          usage: response.usage,
          cost,
          finishReason: response.finishReason,
          latencyMs: response.latencyMs,
        },
        {
          ...(req.request.system !== undefined && { system: req.request.system }),
          messages: req.request.messages,
          completion: response.text,
        },
      ),
    );
    this.#record(recordOfResponse(response));
    for (const b of billed) this.#record(recordOfBilledAttempt({ requestId: req.requestId, context: req.context, ...b }));
    const engine = reservation && engineOf(reservation);
    if (engine && reservation) {
      this.#settle(engine, reservation, [
        { model: route.model, provider: route.provider, providerModel: route.providerModel, costMicros: cost.totalMicros },
        ...billed.map(charge),
      ]);
    }
  }

  /** A request that failed for good: its record, one per billed attempt, its audit entry, and its hold settled with what was billed (0 without). */
  async failed(
    req: RecordedRequest,
    error: SwitchyardError,
    route: RouteInfo,
    reservation: Reservation | undefined,
    billed: ReadonlyArray<BilledAttempt> = [],
  ): Promise<void> {
    const latencyMs = performance.now() - req.startedAt;
    this.audit?.record(
      auditFromError(
        { requestId: req.requestId, kind: req.kind, error, route, context: req.context },
        { ...(req.request.system !== undefined && { system: req.request.system }), messages: req.request.messages, latencyMs },
      ),
    );
    this.#record(recordOfFailure({ requestId: req.requestId, error, context: req.context, route, latencyMs }));
    for (const b of billed) this.#record(recordOfBilledAttempt({ requestId: req.requestId, context: req.context, ...b }));
    const engine = reservation && engineOf(reservation);
    if (engine && reservation) this.#settle(engine, reservation, billed.length > 0 ? billed.map(charge) : 0);
  }
}

/** A billed failed attempt: its usage and cost, the error it failed with, and how long it took. */
export interface BilledAttempt extends BilledUsage {
  error: SwitchyardError;
  latencyMs: number;
}

function charge(b: BilledUsage): { model: string; provider: string; providerModel: string; costMicros: number } {
  return { model: b.model, provider: b.provider, providerModel: b.providerModel, costMicros: b.cost.totalMicros };
}

/** The engine that admitted a reservation settles it, even after the budgets were replaced. */
function engineOf(reservation: Reservation): BudgetEngine | undefined {
  const owner = HeldReservation.ownerOf(reservation);
  return owner instanceof BudgetEngine ? owner : undefined;
}
