import { ConfigError } from '../../core/errors.js';
import type { RoutingContext } from '../../core/request.js';
import { uniqueId } from '../../core/ids.js';
import { StoreUnavailableError } from '../../state/errors.js';
import { memoryStore } from '../../state/memory-store.js';
import type { HoldItem, HoldRef, SharedStore, SettleResult } from '../../state/shared.js';
import { worstCaseCostMicros } from '../cost.js';
import { BudgetCharges, toMicros } from './charges.js';
import { periodKey } from './period.js';
import { parseBudgets, type Budget, type BudgetConfig } from './schema.js';
import { holdsOf, type Admitting, type Decided, type Prepared, type PreparedKey } from './holds.js';
import { HeldReservation, type Held, type Hold } from './reservation.js';
import { DEFAULT_LEASE_MS, HoldRenewer, MIN_LEASE_MS } from './renewal.js';
import { countsPerModel, instanceOf, matchesContext, matchesModel } from './scope.js';
import type {
  Admission,
  AdmitInput,
  BudgetAlert,
  BudgetCandidate,
  BudgetRef,
  BudgetStatus,
  CandidateDecision,
  Charge,
  CheckResult,
  Reservation,
} from './types.js';

export interface BudgetEngineOptions {
  /** Budgets as configured (validated here: a bad one throws `ConfigError` with paths). */
  budgets: ReadonlyArray<BudgetConfig>;
  /** Where spend and holds live. Default: a new in-memory store. Use the same Redis or SQLite store in every process of a fleet. */
  store?: SharedStore;
  /**
   * A hold stops counting this long after it was made unless renewed; while the request runs, the
   * engine's one renewal loop renews it before it ends, so only a process that died leaves holds,
   * and they free themselves when the lease ends. Default 60,000 ms; at least 1,000. Ignored when
   * `renewer` is given (its lease applies).
   */
  leaseMs?: number;
  /** The renewal loop to share (a router's engines, rebuilt when its tenants change, share one). Default: the engine's own. */
  renewer?: HoldRenewer;
  prefix?: string;
  now?: () => number;
  /** Called once per budget, period and threshold. Must not throw (a throw is swallowed). */
  onAlert?: (alert: BudgetAlert) => void;
  /**
   * Takes the alerts of a refused admission (their counters are store calls), so that the request does
   * not wait for them; the router waits for them in `flush()`. Default: `admit` waits for them.
   */
  background?: (work: Promise<void>) => void;
  /** Prompt estimates are multiplied by this before reserving. Default 1.2 (estimates are good to ~15%). */
  estimateMargin?: number;
  /** Output bound when neither the request nor the model gives one. Default 8,192. */
  defaultMaxOutputTokens?: number;
}

const MAX_ROUNDS = 32;
const DAY_MS = 86_400_000;
/** Settle and release are idempotent by hold id: one the store could not answer is sent again, this many times, backing off up to 2 s. */
const SETTLE_RETRIES = 8;

/** `op` again while the store is unavailable (only for idempotent calls). The first call is made before this returns. */
async function durable<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!StoreUnavailableError.isInstance(error) || attempt >= SETTLE_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

/** Checks a hold lease (`path` names the option in the error). */
export function checkLeaseMs(leaseMs: unknown, path: string): void {
  if (leaseMs === undefined) return;
  if (typeof leaseMs !== 'number' || !Number.isInteger(leaseMs) || leaseMs < MIN_LEASE_MS || leaseMs > DAY_MS)
    throw new ConfigError([{ path, message: `must be an integer number of milliseconds from ${MIN_LEASE_MS} to ${DAY_MS}` }]);
}

/** How long a budget key outlives its last reservation: past its period, with margin for time zones and late settles. */
function keyTtlMs(b: Budget): number | undefined {
  return b.period === 'day' ? 3 * DAY_MS : b.period === 'month' ? 40 * DAY_MS : undefined;
}

/**
 * Budgets with leased holds. `admit` holds the worst-case cost of a request on every budget that
 * counts it, in one atomic `reserveHold` of the store, so concurrent requests (of every process on
 * the store) can never together overshoot a `block` or `downgrade` limit; `settle` ends the hold with
 * the actual cost (0 on failure). A hold of a process that died stops counting when its lease ends.
 * Store round trips: one `reserveHold` per admission when it fits (a refusal answers every budget's
 * use, so deciding again never needs a read); `settle` sends its calls before it first waits.
 */
export class BudgetEngine {
  readonly budgets: ReadonlyArray<Budget>;
  readonly #store: SharedStore;
  readonly #leaseMs: number;
  readonly #renewer: HoldRenewer;
  /** Who holds: this engine, in this process (kept with each hold). */
  readonly #owner = `${process.pid}:${uniqueId()}`;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #charges: BudgetCharges;
  readonly #margin: number;
  readonly #defaultMaxOut: number;
  readonly #background: ((work: Promise<void>) => void) | undefined;

  constructor(options: BudgetEngineOptions) {
    this.budgets = parseBudgets(options.budgets);
    this.#store = options.store ?? memoryStore();
    if (!options.renewer) checkLeaseMs(options.leaseMs, 'leaseMs');
    this.#renewer = options.renewer ?? new HoldRenewer(this.#store, options.leaseMs ?? DEFAULT_LEASE_MS);
    this.#leaseMs = this.#renewer.leaseMs;
    this.#prefix = options.prefix ?? 'switchyard:budget';
    this.#now = options.now ?? Date.now;
    this.#charges = new BudgetCharges(this.#store, options.onAlert);
    this.#margin = options.estimateMargin ?? 1.2;
    this.#defaultMaxOut = options.defaultMaxOutputTokens ?? 8_192;
    this.#background = options.background;
  }

  #key(b: Budget, at: number, instance: string): string {
    return `${this.#prefix}:${b.id}:${periodKey(at, b.period, b.timeZone)}${instance ? `:${instance}` : ''}`;
  }

  #ref(b: Budget, at: number): BudgetRef {
    return {
      budgetId: b.id,
      scope: b.scope,
      period: b.period,
      periodKey: periodKey(at, b.period, b.timeZone),
      onExceed: b.onExceed,
      limitMicros: b.limitMicros,
    };
  }

  #prepare(
    c: BudgetCandidate,
    active: ReadonlyArray<Budget>,
    ctx: RoutingContext,
    at: number,
    input: AdmitInput,
    shared: Map<Budget, PreparedKey> | undefined,
  ): Prepared {
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
   * One atomic reserve, decided first on what the engine knows (nothing, the first time): when it
   * does not fit, the store's refusal says what every budget has used, and the engine decides again
   * on that (downgrading or blocking what no longer fits) and reserves what is left. So a request
   * that fits costs one store round trip, and a reservation lost to another request decides again.
   */
  async admit(input: AdmitInput): Promise<Admission> {
    const a = this.#prepareAll(input);
    const used = new Map<string, number>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const decided = this.#decide(a.prepared, a.extra, used, a.at);
      const holds = holdsOf(decided);
      if (holds.length === 0) return this.#admitted(a, decided, { holds, ref: undefined, extras: [] });
      const id = uniqueId();
      const items = holds.map((h): HoldItem => this.#item(h.budget, h.key, h.amount));
      const sentAt = Date.now();
      // Under the store's `onStoreError` policy when it cannot answer: a refusal (thrown) or a degraded admission.
      const res = await this.#store.reserveHold({ id, owner: this.#owner, leaseMs: this.#leaseMs, items });
      if (res.ok) {
        const ref = res.hold.keys.length > 0 ? { id, keys: res.hold.keys } : undefined;
        // A degraded admission (fail-open, store away) held nothing: nothing to renew, but its settle still charges if the store is back.
        if (ref && res.degraded !== true) this.#renewer.add(ref, sentAt);
        return this.#admitted(a, decided, { holds, ref, extras: [] }, id);
      }
      if (res.reason !== 'limit') continue;
      if (res.used?.length === items.length) items.forEach((item, i) => used.set(item.key, res.used![i]!));
      else used.set(items[res.index]!.key, res.spent + res.held);
      a.spent.set(items[res.index]!.key, res.spent);
    }
    return this.#exhausted(a, used);
  }

  #item(budget: Budget, key: string, amount: number): HoldItem {
    const ttlMs = keyTtlMs(budget);
    return {
      key,
      amount,
      limit: budget.onExceed === 'alert' ? Number.MAX_SAFE_INTEGER : budget.limitMicros,
      ...(ttlMs !== undefined && { ttlMs }),
    };
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
    return { at, ctx, prepared, extra, all: extra ? [...prepared, ...extra.values()] : prepared, spent: new Map() };
  }

  /** Contended beyond reason: refuse rather than risk an overshoot. */
  #exhausted(a: Admitting, used: ReadonlyMap<string, number>): Promise<Admission> {
    const full = new Map<string, number>();
    for (const k of used.keys()) full.set(k, Number.MAX_SAFE_INTEGER);
    return this.#admitted(a, this.#decide(a.prepared, a.extra, full, a.at), { holds: [], ref: undefined, extras: [] });
  }

  /** Each candidate in order with its decision, a `degradeTo` model right after the one it replaces. */
  #decide(
    prepared: ReadonlyArray<Prepared>,
    extra: ReadonlyMap<string, Prepared> | undefined,
    used: ReadonlyMap<string, number>,
    at: number,
  ): Decided {
    if (!extra) {
      // No stand-ins: the order is the candidates' own.
      const decisions = new Array<CandidateDecision>(prepared.length);
      for (let i = 0; i < prepared.length; i++) decisions[i] = this.#judge(prepared[i]!, used, at);
      return { order: prepared, decisions };
    }
    const order: Prepared[] = [];
    const decisions: CandidateDecision[] = [];
    for (const p of prepared) {
      const d = this.#judge(p, used, at);
      order.push(p);
      decisions.push(d);
      if (d.decision !== 'downgrade') continue;
      const to = this.budgets.find((b) => b.id === d.budget.budgetId)?.degradeTo;
      const target = to === undefined ? undefined : extra.get(to);
      if (target && !order.includes(target)) {
        order.push(target);
        decisions.push(this.#judge(target, used, at, p.c.model));
      }
    }
    return { order, decisions };
  }

  #judge(p: Prepared, used: ReadonlyMap<string, number>, at: number, replaces?: string): CandidateDecision {
    let refusal: { budget: Budget; reason: 'limit' | 'unpriced'; used: number } | undefined;
    for (const { budget, key } of p.keys) {
      if (budget.onExceed === 'alert') continue;
      const usedNow = used.get(key) ?? 0;
      const over = p.worst === undefined || usedNow + p.worst > budget.limitMicros;
      if (over && (!refusal || (refusal.budget.onExceed === 'downgrade' && budget.onExceed === 'block'))) {
        refusal = { budget, reason: p.worst === undefined ? 'unpriced' : 'limit', used: usedNow };
      }
    }
    if (!refusal) {
      const allow: CandidateDecision = { model: p.c.model, decision: 'allow', worstCaseMicros: p.worst ?? 0 };
      if (replaces !== undefined) allow.replaces = replaces;
      return allow;
    }
    const d: CandidateDecision = {
      model: p.c.model,
      decision: refusal.budget.onExceed === 'block' ? 'block' : 'downgrade',
      budget: this.#ref(refusal.budget, at),
      reason: refusal.reason,
    };
    if (refusal.used < Number.MAX_SAFE_INTEGER) d.remainingMicros = Math.max(0, refusal.budget.limitMicros - refusal.used);
    if (p.worst !== undefined) d.worstCaseMicros = p.worst;
    return d;
  }

  /** The admission; refusals first fire their alerts. */
  async #admitted({ at, ctx, spent }: Admitting, { order, decisions }: Decided, held: Held, id?: string): Promise<Admission> {
    const allowed: string[] = [];
    let refused: Array<Extract<CandidateDecision, { budget: BudgetRef }>> | undefined;
    for (const d of decisions) {
      if (d.decision === 'allow') allowed.push(d.model);
      else (refused ??= []).push(d);
    }
    const reservation = new HeldReservation(this, at, ctx, held, id);
    const admission: Admission = { decisions, allowed, reservation };
    if (!refused) return admission;
    if (allowed.length === 0) admission.blockedBy = refused[0]!.budget;
    const alerts = this.#alertRefused(at, ctx, order, refused, spent);
    if (this.#background) this.#background(alerts);
    else await alerts;
    return admission;
  }

  async #alertRefused(
    at: number,
    context: RoutingContext,
    order: ReadonlyArray<Prepared>,
    refused: ReadonlyArray<Extract<CandidateDecision, { budget: BudgetRef }>>,
    spent: ReadonlyMap<string, number>,
  ): Promise<void> {
    for (const d of refused) {
      const budget = this.budgets.find((b) => b.id === d.budget.budgetId)!;
      const c = order.find((p) => p.c.model === d.model)!.c;
      if (d.reason !== 'limit') continue;
      const instance = instanceOf(budget, context, c);
      // A refusal means the budget is used up (held + spent): every threshold up to 100% that has not
      // fired this period fires now, lowest first, so a 90% warning is never skipped under `block`.
      for (const t of [...budget.alertAt].filter((x) => x <= 1).sort((a, b) => a - b)) {
        const key = this.#key(budget, at, instance);
        // The spend the store answered with the refusal, when it did (else read when the alert fires).
        await this.#charges.alert(budget, key, instance, at, t, 'refused', spent.get(key));
      }
    }
  }

  /**
   * Ends the reservation's holds with what was actually spent. Idempotent. A number is charged to every
   * held budget. The store calls that end the holds are sent before the first wait, so a caller may
   * go on without waiting (the router does: nothing blocks after the vendor call), and a later call
   * on the same store is ordered after them; what follows (alerts) waits for their answers. A call
   * the store could not answer is sent again (idempotent by hold id); the promise rejects only when
   * the store stayed away through every retry.
   */
  async settle(reservation: Reservation, spend: number | ReadonlyArray<Charge>): Promise<void> {
    const held = HeldReservation.take(reservation, this);
    if (!held) return;
    const { holds, ref } = held;
    if (ref) this.#renewer.end(ref.id);
    for (const extra of held.extras) this.#renewer.end(extra.id);
    const at = reservation.at;
    // The real cost per held key, and any charge on a budget the admission held nothing on (a fallback outside it).
    const actual = holds.map(() => 0);
    const unheld = new Map<string, { budget: Budget; instance: string; actual: number }>();
    if (typeof spend === 'number') actual.fill(toMicros(spend));
    else {
      const active = this.budgets.filter((b) => matchesContext(b, reservation.context));
      for (const charge of spend) {
        const micros = toMicros(charge.costMicros);
        for (const budget of active) {
          if (!matchesModel(budget, charge)) continue;
          const instance = instanceOf(budget, reservation.context, charge);
          const key = this.#key(budget, at, instance);
          const i = holds.findIndex((h) => h.key === key);
          if (i >= 0) actual[i]! += micros;
          else {
            const e = unheld.get(key);
            if (e) e.actual += micros;
            else unheld.set(key, { budget, instance, actual: micros });
          }
        }
      }
    }
    const main: Promise<SettleResult> | undefined = ref
      ? durable(() => (actual.some((x) => x > 0) ? this.#store.settleHold(ref, actual) : this.#store.releaseHold(ref)))
      : undefined;
    const released = held.extras.map((extra) => durable(() => this.#store.releaseHold(extra)));
    const [settled, ...rest] = await Promise.allSettled([main, ...released]);
    if (settled!.status === 'rejected') throw settled!.reason;
    const res = settled!.value;
    if (res?.status === 'settled') for (let i = 0; i < holds.length; i++) await this.#alertSpend(holds[i]!, actual[i]!, res.spent[i]!, at);
    for (const [key, e] of unheld) {
      if (e.actual === 0) continue;
      // Spend on a budget nothing was held on: an empty hold settled at once carries it.
      const extra: HoldRef = { id: uniqueId(), keys: [key] };
      const item = this.#item(e.budget, key, 0);
      const made = await durable(() =>
        this.#store.reserveHold({ id: extra.id, owner: this.#owner, leaseMs: this.#leaseMs, items: [item] }),
      );
      if (!made.ok) continue;
      const unheldRes = await durable(() => this.#store.settleHold(extra, [e.actual]));
      if (unheldRes.status === 'settled') await this.#charges.crossed(key, e.budget, e.instance, e.actual, unheldRes.spent[0]!, at);
    }
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async #alertSpend(h: Hold, actual: number, spent: number, at: number): Promise<void> {
    if (actual > 0) await this.#charges.crossed(h.key, h.budget, h.instance, actual, spent, at);
  }

  /**
   * For `stopStreamOnBudget`: call with the running cost of a stream. Extends the reservation when the
   * cost passes it (atomically, one more hold); `ok: false` when a `block`/`downgrade` budget cannot take more: stop the stream.
   */
  async check(reservation: Reservation, partialCostMicros: number): Promise<CheckResult> {
    const held = HeldReservation.holdsOf(reservation, this);
    for (const h of held?.holds ?? []) {
      if (h.budget.onExceed === 'alert') continue;
      const excess = toMicros(partialCostMicros) - (h.amount + h.extra);
      if (excess <= 0) continue;
      const id = uniqueId();
      const sentAt = Date.now();
      const res = await this.#store.reserveHold({
        id,
        owner: this.#owner,
        leaseMs: this.#leaseMs,
        items: [this.#item(h.budget, h.key, excess)],
      });
      if (!res.ok) return { ok: false, budget: this.#ref(h.budget, reservation.at) };
      const extra = { id, keys: [h.key] };
      if (HeldReservation.holdsOf(reservation, this) !== held) {
        // Settled while this reserve was in flight: the extra hold is not needed any more.
        await this.#store.releaseHold(extra);
        return { ok: true };
      }
      held!.extras.push(extra);
      // Renewed like the main hold (a long stream outlives a lease), and ended by settle.
      if (res.degraded !== true) this.#renewer.add(extra, sentAt);
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
          const [u] = await this.#store.budgetUsage([this.#key(b, at, instance)]);
          const spent = u?.spent ?? 0;
          const held = u?.held ?? 0;
          const s: BudgetStatus = {
            budget: this.#ref(b, at),
            spentMicros: spent,
            reservedMicros: held,
            remainingMicros: Math.max(0, b.limitMicros - spent - held),
          };
          if (instance) s.instance = instance;
          return s;
        }),
    );
  }
}

export function createBudgetEngine(options: BudgetEngineOptions): BudgetEngine {
  return new BudgetEngine(options);
}
