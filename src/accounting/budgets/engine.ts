import type { RoutingContext } from '../../core/request.js';
import { MemoryStore } from '../../state/memory-store.js';
import type { ReserveItem, Store } from '../../state/store.js';
import { worstCaseCostMicros } from '../cost.js';
import { BudgetCharges, toMicros, type CounterCharge } from './charges.js';
import { periodKey } from './period.js';
import { parseBudgets, type Budget, type BudgetConfig } from './schema.js';
import { holdsOf, reserveItem, type Admitting, type Decided, type Prepared, type PreparedKey } from './holds.js';
import { HeldReservation, type Hold } from './reservation.js';
import { countsPerModel, instanceOf, matchesContext, matchesModel } from './scope.js';
import type { Admission, AdmitInput, BudgetAlert, BudgetCandidate, BudgetRef, BudgetStatus, CandidateDecision, Charge, CheckResult, Reservation } from './types.js';

export interface BudgetEngineOptions {
  /** Budgets as configured (validated here: a bad one throws `ConfigError` with paths). */
  budgets: ReadonlyArray<BudgetConfig>;
  /** Shared counters. Default: a new in-memory store. Use the same Redis store in every process of a fleet. */
  store?: Store;
  prefix?: string;
  now?: () => number;
  /** Called once per budget, period and threshold. Must not throw (a throw is swallowed). */
  onAlert?: (alert: BudgetAlert) => void;
  /** Prompt estimates are multiplied by this before reserving. Default 1.2 (estimates are good to ~15%). */
  estimateMargin?: number;
  /** Output bound when neither the request nor the model gives one. Default 8,192. */
  defaultMaxOutputTokens?: number;
}

const MAX_ROUNDS = 32;

/**
 * Budgets with reservations. `admit` holds the worst-case cost of a request on every budget that
 * counts it, atomically through the store, so concurrent requests can never together overshoot a
 * `block` or `downgrade` limit; `settle` replaces the hold with the actual cost (0 on failure).
 */
export class BudgetEngine {
  readonly budgets: ReadonlyArray<Budget>;
  readonly #store: Store;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #charges: BudgetCharges;
  readonly #margin: number;
  readonly #defaultMaxOut: number;

  constructor(options: BudgetEngineOptions) {
    this.budgets = parseBudgets(options.budgets);
    this.#store = options.store ?? new MemoryStore();
    this.#prefix = options.prefix ?? 'switchyard:budget';
    this.#now = options.now ?? Date.now;
    this.#charges = new BudgetCharges(this.#store, options.onAlert);
    this.#margin = options.estimateMargin ?? 1.2;
    this.#defaultMaxOut = options.defaultMaxOutputTokens ?? 8_192;
  }

  /** The store key of a budget's counter: `<prefix>:<budget id>:<period key>[:<instance>]`. */
  #key(b: Budget, at: number, instance: string): string {
    return `${this.#prefix}:${b.id}:${periodKey(at, b.period, b.timeZone)}${instance ? `:${instance}` : ''}`;
  }

  #ref(b: Budget, at: number): BudgetRef {
    return { budgetId: b.id, scope: b.scope, period: b.period, periodKey: periodKey(at, b.period, b.timeZone), onExceed: b.onExceed, limitMicros: b.limitMicros };
  }

  #prepare(c: BudgetCandidate, active: ReadonlyArray<Budget>, ctx: RoutingContext, at: number, input: AdmitInput, shared: Map<Budget, PreparedKey> | undefined): Prepared {
    const maxOut = input.estimate.maxTokens ?? c.maxOutputTokens ?? this.#defaultMaxOut;
    const prompt = Math.ceil(Math.max(0, input.estimate.inputTokens) * this.#margin);
    const worst = c.pricing ? worstCaseCostMicros(c.pricing, prompt, maxOut) : undefined;
    const keys: PreparedKey[] = [];
    for (const budget of active) {
      if (!matchesModel(budget, c)) continue;
      // A budget whose counter does not depend on the model (no `'*'` provider/model scope) has one
      // key for every candidate of this admission: built once (`shared`, when there are several).
      const perModel = countsPerModel(budget);
      let k = perModel ? undefined : shared?.get(budget);
      if (!k) {
        const instance = instanceOf(budget, ctx, c);
        k = { budget, key: this.#key(budget, at, instance), instance };
        if (!perModel) shared?.set(budget, k);
      }
      keys.push(k);
    }
    return { c, worst, keys };
  }

  /**
   * Decides, per candidate, allow / downgrade / block, and reserves the worst case of the allowed ones
   * (per budget: the largest worst case among the allowed candidates it counts, so any fallback among
   * them stays covered). Always returns a reservation: settle it after the request, even on failure.
   * One read per distinct counter, then an atomic reserve; a reservation lost to another request
   * re-reads that counter and decides again.
   */
  async admit(input: AdmitInput): Promise<Admission> {
    const a = this.#prepareAll(input);
    const used = new Map<string, number>();
    for (const p of a.all) {
      for (const { key } of p.keys) if (!used.has(key)) used.set(key, (await this.#store.counters(key)).used ?? 0);
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const r = this.#round(a, used);
      const res = await this.#store.reserve(r.items);
      if (res.ok) return this.#admitted(a, r.decided, r.holds);
      used.set(r.items[res.index]!.key, res.current);
    }
    return this.#exhausted(a, used);
  }

  /** The candidates (and `degradeTo` stand-ins) with their worst cases and counter keys. */
  #prepareAll(input: AdmitInput): Admitting {
    const at = this.#now();
    const ctx = input.context;
    const active: Budget[] = [];
    let degrades = false;
    for (const b of this.budgets) {
      if (!matchesContext(b, ctx)) continue;
      active.push(b);
      if (b.degradeTo !== undefined) degrades = true;
    }
    const { candidates } = input;
    const shared = candidates.length > 1 || degrades ? new Map<Budget, PreparedKey>() : undefined;
    const prepared = new Array<Prepared>(candidates.length);
    for (let i = 0; i < candidates.length; i++) prepared[i] = this.#prepare(candidates[i]!, active, ctx, at, input, shared);
    let extra: Map<string, Prepared> | undefined;
    if (degrades) {
      for (const b of active) {
        if (b.degradeTo === undefined || candidates.some((c) => c.model === b.degradeTo)) continue;
        const target = input.resolveCandidate?.(b.degradeTo);
        if (target) (extra ??= new Map()).set(b.degradeTo, this.#prepare(target, active, ctx, at, input, shared));
      }
    }
    return { at, ctx, prepared, extra, all: extra ? [...prepared, ...extra.values()] : prepared };
  }

  /** One try at reserving: the decisions on what `used` says now, and the holds they need. */
  #round(a: Admitting, used: ReadonlyMap<string, number>): { decided: Decided; holds: Hold[]; items: ReserveItem[] } {
    const decided = this.#decide(a.prepared, a.extra, used, a.at);
    const holds = holdsOf(decided);
    return { decided, holds, items: holds.map(reserveItem) };
  }

  /** Contended beyond reason: refuse rather than risk an overshoot. */
  #exhausted(a: Admitting, used: ReadonlyMap<string, number>): Promise<Admission> {
    const full = new Map<string, number>();
    for (const k of used.keys()) full.set(k, Number.MAX_SAFE_INTEGER);
    return this.#admitted(a, this.#decide(a.prepared, a.extra, full, a.at), []);
  }

  /** Each candidate in order with its decision, a `degradeTo` model right after the one it replaces. */
  #decide(prepared: ReadonlyArray<Prepared>, extra: ReadonlyMap<string, Prepared> | undefined, used: ReadonlyMap<string, number>, at: number): Decided {
    const order: Prepared[] = [];
    const decisions: CandidateDecision[] = [];
    for (const p of prepared) {
      const d = this.#judge(p, used, at);
      order.push(p);
      decisions.push(d);
      if (d.decision !== 'downgrade') continue;
      const to = this.budgets.find((b) => b.id === d.budget.budgetId)?.degradeTo;
      const target = to === undefined ? undefined : extra?.get(to);
      if (target && !order.includes(target)) {
        order.push(target);
        decisions.push(this.#judge(target, used, at, p.c.model));
      }
    }
    return { order, decisions };
  }

  #judge(p: Prepared, used: ReadonlyMap<string, number>, at: number, replaces?: string): CandidateDecision {
    let refusal: { budget: Budget; reason: 'limit' | 'unpriced' } | undefined;
    for (const { budget, key } of p.keys) {
      if (budget.onExceed === 'alert') continue;
      const over = p.worst === undefined || (used.get(key) ?? 0) + p.worst > budget.limitMicros;
      if (over && (!refusal || (refusal.budget.onExceed === 'downgrade' && budget.onExceed === 'block'))) {
        refusal = { budget, reason: p.worst === undefined ? 'unpriced' : 'limit' };
      }
    }
    if (!refusal) {
      const allow: CandidateDecision = { model: p.c.model, decision: 'allow', worstCaseMicros: p.worst ?? 0 };
      if (replaces !== undefined) allow.replaces = replaces;
      return allow;
    }
    const d: CandidateDecision = { model: p.c.model, decision: refusal.budget.onExceed === 'block' ? 'block' : 'downgrade', budget: this.#ref(refusal.budget, at), reason: refusal.reason };
    if (p.worst !== undefined) d.worstCaseMicros = p.worst;
    return d;
  }

  /** The admission; refusals first fire their alerts. */
  async #admitted({ at, ctx }: Admitting, { order, decisions }: Decided, holds: Hold[]): Promise<Admission> {
    const allowed: string[] = [];
    let refused: Array<Extract<CandidateDecision, { budget: BudgetRef }>> | undefined;
    for (const d of decisions) {
      if (d.decision === 'allow') allowed.push(d.model);
      else (refused ??= []).push(d);
    }
    const reservation = new HeldReservation(this, at, ctx, holds);
    const admission: Admission = { decisions, allowed, reservation };
    if (!refused) return admission;
    if (allowed.length === 0) admission.blockedBy = refused[0]!.budget;
    await this.#alertRefused(at, ctx, order, refused);
    return admission;
  }

  async #alertRefused(at: number, context: RoutingContext, order: ReadonlyArray<Prepared>, refused: ReadonlyArray<Extract<CandidateDecision, { budget: BudgetRef }>>): Promise<void> {
    for (const d of refused) {
      const budget = this.budgets.find((b) => b.id === d.budget.budgetId)!;
      const c = order.find((p) => p.c.model === d.model)!.c;
      if (d.reason !== 'limit') continue;
      const instance = instanceOf(budget, context, c);
      // A refusal means the budget is used up (held + spent): every threshold up to 100% that has not
      // fired this period fires now, lowest first, so a 90% warning is never skipped under `block`.
      for (const t of [...budget.alertAt].filter((x) => x <= 1).sort((a, b) => a - b)) {
        await this.#charges.alert(budget, this.#key(budget, at, instance), instance, at, t, 'refused');
      }
    }
  }

  /** Replaces the reservation's holds with what was actually spent. Idempotent. A number is charged to every held budget. */
  async settle(reservation: Reservation, spend: number | ReadonlyArray<Charge>): Promise<void> {
    const holds = HeldReservation.take(reservation, this);
    if (!holds) return;
    const at = reservation.at;
    if (typeof spend === 'number') {
      // One figure for every held budget (the router's failure path, 0).
      const actual = toMicros(spend);
      for (const h of holds) await this.#charges.charge(h.key, h.budget, h.instance, h.amount + h.extra, actual, at);
      return;
    }
    const entries = new Map<string, CounterCharge>();
    for (const h of holds) entries.set(h.key, { budget: h.budget, instance: h.instance, held: h.amount + h.extra, actual: 0 });
    const active = this.budgets.filter((b) => matchesContext(b, reservation.context));
    for (const charge of spend) {
      for (const budget of active.filter((b) => matchesModel(b, charge))) {
        const instance = instanceOf(budget, reservation.context, charge);
        const key = this.#key(budget, at, instance);
        let e = entries.get(key);
        if (!e) entries.set(key, (e = { budget, instance, held: 0, actual: 0 }));
        e.actual += toMicros(charge.costMicros);
      }
    }
    for (const [key, e] of entries) await this.#charges.charge(key, e.budget, e.instance, e.held, e.actual, at);
  }

  /**
   * For `stopStreamOnBudget`: call with the running cost of a stream. Extends the reservation when the
   * cost passes it (atomically); `ok: false` when a `block`/`downgrade` budget cannot take more: stop the stream.
   */
  async check(reservation: Reservation, partialCostMicros: number): Promise<CheckResult> {
    for (const h of HeldReservation.holdsOf(reservation, this) ?? []) {
      if (h.budget.onExceed === 'alert') continue;
      const excess = toMicros(partialCostMicros) - (h.amount + h.extra);
      if (excess <= 0) continue;
      const res = await this.#store.reserve([{ key: h.key, field: 'used', amount: excess, limit: h.budget.limitMicros }]);
      if (!res.ok) return { ok: false, budget: this.#ref(h.budget, reservation.at) };
      h.extra += excess;
    }
    return { ok: true };
  }

  /** Spend, holds and headroom of every budget that counts this context (fixed scopes: pass `{}` for global ones). */
  async status(context: RoutingContext = {}, model?: { model: string; provider?: string }): Promise<BudgetStatus[]> {
    const at = this.#now();
    return Promise.all(
      this.budgets
        .filter((b) => matchesContext(b, context) && (model === undefined || matchesModel(b, model)))
        .map(async (b) => {
          const instance = instanceOf(b, context, model ?? { model: '' });
          const c = await this.#store.counters(this.#key(b, at, instance));
          const spent = c.spent ?? 0;
          const usedNow = c.used ?? 0;
          const s: BudgetStatus = { budget: this.#ref(b, at), spentMicros: spent, reservedMicros: usedNow - spent, remainingMicros: Math.max(0, b.limitMicros - usedNow) };
          if (instance) s.instance = instance;
          return s;
        }),
    );
  }

}

export function createBudgetEngine(options: BudgetEngineOptions): BudgetEngine {
  return new BudgetEngine(options);
}
