import { asRateResult, asSlotResult, waitForRoom } from './limits.js';
import { ScoreLog } from './score-log.js';
import type {
  BudgetUsage,
  CasResult,
  HoldRef,
  HoldRequest,
  HoldResult,
  LimitRequest,
  LimitResult,
  RateRequest,
  RateResult,
  SettleResult,
  SharedStore,
  SlotRequest,
  SlotResult,
  StoreChange,
  StoreStatusEvent,
  Versioned,
} from './shared.js';
import type { LogEntry, ReserveItem, ReserveResult, StoreWrite } from './store.js';
import {
  checkDeltas,
  checkHoldRef,
  checkHoldRequest,
  checkLease,
  checkLimitRequest,
  checkRateRequest,
  checkReserveItems,
  checkSlotRequest,
  checkTtl,
  checkVersion,
  checkWrites,
} from './validate.js';

export interface MemoryStoreOptions {
  /** Clock in ms (tests). Default `Date.now`. */
  now?: () => number;
  /**
   * How long a settled or released hold id is remembered, so that a late retry changes nothing.
   * Default 60 s: in one process no network can delay a retry, and the memory stays bounded by the
   * requests of the last minute (the Redis and SQLite stores keep theirs for 24 h).
   */
  finishedHoldTtlMs?: number;
}

interface Budget {
  spent: number;
  holds: Map<string, { amount: number; expiresAt: number; owner: string }>;
  expiresAt?: number;
}

/**
 * The default store: plain maps in this process. Each method does all its work synchronously before
 * its promise settles, so every call is atomic with respect to every other (JavaScript runs one
 * callback at a time). Not shared between processes: use a Redis store for a fleet.
 */
export class MemoryStore implements SharedStore {
  readonly kind = 'memory' as const;
  readonly #values = new Map<string, { value: string; expiresAt?: number }>();
  readonly #counterExpiry = new Map<string, number>();
  readonly #budgets = new Map<string, Budget>();
  readonly #finished = new Map<string, { state: 'settled' | 'released'; expiresAt: number }>();
  readonly #windows = new Map<string, { entries: Array<{ at: number; weight: number }>; used: number }>();
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #registers = new Map<string, { version: number; value: string; expiresAt?: number }>();
  readonly #channels = new Map<string, Set<(change: StoreChange) => void>>();
  readonly #finishedTtlMs: number;
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #sets = new Map<string, Set<string>>();
  readonly #logs = new Map<string, ScoreLog>();
  readonly #now: () => number;
  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#finishedTtlMs = options.finishedHoldTtlMs ?? 60_000;
  }

  async get(key: string): Promise<string | undefined> {
    const hit = this.#values.get(key);
    if (hit?.expiresAt !== undefined && hit.expiresAt <= this.#now()) {
      this.#values.delete(key);
      return undefined;
    }
    return hit?.value;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    this.#values.set(key, options.ttlMs === undefined ? { value } : { value, expiresAt: this.#now() + options.ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
    this.#counters.delete(key);
    this.#counterExpiry.delete(key);
    this.#registers.delete(key);
    this.#sets.delete(key);
    this.#logs.delete(key);
  }

  async increment(
    key: string,
    deltas: Readonly<Record<string, number>>,
    options: { ttlMs?: number } = {},
  ): Promise<Record<string, number>> {
    checkTtl(options.ttlMs);
    checkDeltas(deltas);
    return this.#increment(key, deltas, options.ttlMs);
  }

  /** Adds checked deltas (all or nothing: the caller checked every one first). */
  #increment(key: string, deltas: Readonly<Record<string, number>>, ttlMs: number | undefined): Record<string, number> {
    const hash = this.#hash(key);
    const out: Record<string, number> = {};
    for (const field in deltas) {
      if (!Object.hasOwn(deltas, field)) continue;
      const next = (hash.get(field) ?? 0) + deltas[field]!;
      hash.set(field, next);
      out[field] = next;
    }
    if (ttlMs !== undefined) this.#counterExpiry.set(key, this.#now() + ttlMs);
    return out;
  }

  async counters(key: string): Promise<Record<string, number>> {
    return this.#readCounters(key);
  }

  #readCounters(key: string): Record<string, number> {
    const out: Record<string, number> = {};
    const hash = this.#liveHash(key);
    if (hash) for (const [field, value] of hash) out[field] = value;
    return out;
  }

  async reserve(items: ReadonlyArray<ReserveItem>): Promise<ReserveResult> {
    return this.#reserve(items);
  }

  #reserve(items: ReadonlyArray<ReserveItem>): ReserveResult {
    checkReserveItems(items);
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      const current = this.#liveHash(item.key)?.get(item.field) ?? 0;
      if (current + item.amount > item.limit) return { ok: false, index, current };
    }
    const values = new Array<number>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const hash = this.#hash(item.key);
      const next = (hash.get(item.field) ?? 0) + item.amount;
      hash.set(item.field, next);
      values[i] = next;
    }
    return { ok: true, values };
  }

  async addToSet(key: string, members: ReadonlyArray<string>): Promise<void> {
    this.#addToSet(key, members);
  }

  #addToSet(key: string, members: ReadonlyArray<string>): void {
    let set = this.#sets.get(key);
    if (!set) this.#sets.set(key, (set = new Set()));
    for (const m of members) set.add(m);
  }

  async members(key: string): Promise<string[]> {
    return [...(this.#sets.get(key) ?? [])];
  }

  async append(key: string, score: number, value: string): Promise<void> {
    this.#append(key, score, value);
  }

  #append(key: string, score: number, value: string): void {
    let log = this.#logs.get(key);
    if (!log) this.#logs.set(key, (log = new ScoreLog()));
    log.append(score, value);
  }

  async write(writes: ReadonlyArray<StoreWrite>): Promise<void> {
    checkWrites(writes);
    for (const w of writes) {
      if (w.op === 'increment') this.#increment(w.key, w.deltas, w.ttlMs);
      else if (w.op === 'addToSet') this.#addToSet(w.key, w.members);
      else this.#append(w.key, w.score, w.value);
    }
  }

  async range(key: string, min: number, max: number): Promise<LogEntry[]> {
    return this.#logs.get(key)?.range(min, max) ?? [];
  }

  async prune(key: string, options: { maxCount?: number; minScore?: number }): Promise<number> {
    return this.#logs.get(key)?.prune(options) ?? 0;
  }

  async logInfo(key: string): Promise<{ length: number; prunedThrough?: number }> {
    const log = this.#logs.get(key);
    if (!log) return { length: 0 };
    return log.prunedThrough === undefined ? { length: log.length } : { length: log.length, prunedThrough: log.prunedThrough };
  }

  async setIfAbsent(key: string, value: string, options: { ttlMs?: number } = {}): Promise<{ created: boolean; value: string }> {
    checkTtl(options.ttlMs);
    const current = await this.get(key);
    if (current !== undefined) return { created: false, value: current };
    await this.set(key, value, options);
    return { created: true, value };
  }

  async reserveHold(request: HoldRequest): Promise<HoldResult> {
    checkHoldRequest(request);
    const now = this.#now();
    const done = this.#finishedState(request.id, now);
    if (done) return { ok: false, reason: 'finished', state: done };
    const budgets = request.items.map((item) => this.#budget(item.key, now));
    const existing = budgets[0]!.holds.get(request.id);
    if (existing && existing.expiresAt > now) {
      const hold = { id: request.id, keys: request.items.map((i) => i.key), owner: existing.owner, expiresAt: existing.expiresAt };
      return { ok: true, hold, values: budgets.map(usedOf), existing: true };
    }
    for (let index = 0; index < budgets.length; index++) {
      const budget = budgets[index]!;
      const item = request.items[index]!;
      const held = heldOf(budget);
      if (budget.spent + held + item.amount > item.limit)
        return { ok: false, reason: 'limit', index, spent: budget.spent, held, limit: item.limit, used: budgets.map(usedOf) };
    }
    const expiresAt = now + request.leaseMs;
    budgets.forEach((budget, i) => {
      const item = request.items[i]!;
      budget.holds.set(request.id, { amount: item.amount, expiresAt, owner: request.owner });
      if (item.ttlMs !== undefined) budget.expiresAt = now + item.ttlMs;
    });
    const hold = { id: request.id, keys: request.items.map((i) => i.key), owner: request.owner, expiresAt };
    return { ok: true, hold, values: budgets.map(usedOf), existing: false };
  }

  async settleHold(hold: HoldRef, charges: ReadonlyArray<number>): Promise<SettleResult> {
    checkHoldRef(hold, charges);
    return this.#finish(hold, charges, 'settled');
  }

  async releaseHold(hold: HoldRef): Promise<SettleResult> {
    checkHoldRef(hold);
    return this.#finish(hold, undefined, 'released');
  }

  #finish(hold: HoldRef, charges: ReadonlyArray<number> | undefined, state: 'settled' | 'released'): SettleResult {
    const now = this.#now();
    const done = this.#finishedState(hold.id, now);
    if (done) return { status: 'duplicate', state: done };
    let expired = false;
    const spent = hold.keys.map((key, i) => {
      const budget = this.#budget(key, now);
      if (!budget.holds.delete(hold.id)) expired = true;
      budget.spent += charges?.[i] ?? 0;
      return budget.spent;
    });
    this.#forgetFinished(now);
    this.#finished.set(hold.id, { state, expiresAt: now + this.#finishedTtlMs });
    return { status: state, expired, spent };
  }

  async renewHold(hold: HoldRef, leaseMs: number): Promise<boolean> {
    checkHoldRef(hold);
    checkLease(leaseMs);
    const now = this.#now();
    const found = hold.keys.map((key) => this.#budget(key, now).holds.get(hold.id));
    if (found.some((h) => h === undefined)) return false;
    for (const h of found) h!.expiresAt = now + leaseMs;
    return true;
  }

  async budgetUsage(keys: ReadonlyArray<string>): Promise<BudgetUsage[]> {
    const now = this.#now();
    return keys.map((key) => {
      const budget = this.#budget(key, now);
      return { key, spent: budget.spent, held: heldOf(budget), holds: budget.holds.size };
    });
  }

  /** The budget at `key` with its expired holds dropped (a fresh one when absent or past its TTL). */
  #budget(key: string, now: number): Budget {
    let budget = this.#budgets.get(key);
    if (budget?.expiresAt !== undefined && budget.expiresAt <= now) budget = undefined;
    if (!budget) this.#budgets.set(key, (budget = { spent: 0, holds: new Map() }));
    for (const [id, h] of budget.holds) if (h.expiresAt <= now) budget.holds.delete(id);
    return budget;
  }

  /** Drops expired finished ids. They expire in the order they were added (one TTL), so only the oldest are looked at. */
  #forgetFinished(now: number): void {
    for (const [id, f] of this.#finished) {
      if (f.expiresAt > now) return;
      this.#finished.delete(id);
    }
  }

  #finishedState(id: string, now: number): 'settled' | 'released' | undefined {
    const f = this.#finished.get(id);
    if (f && f.expiresAt <= now) {
      this.#finished.delete(id);
      return undefined;
    }
    return f?.state;
  }

  async admitRate(request: RateRequest): Promise<RateResult> {
    checkRateRequest(request);
    const { id, ...window } = request;
    return asRateResult(await this.admitLimits({ id, windows: [window] }), request.limit);
  }

  async acquireSlot(request: SlotRequest): Promise<SlotResult> {
    checkSlotRequest(request);
    const { id, ...slot } = request;
    return asSlotResult(await this.admitLimits({ id, slot }), request.limit, request.leaseMs);
  }

  async admitLimits(request: LimitRequest): Promise<LimitResult> {
    checkLimitRequest(request);
    const now = this.#now();
    const windows = request.windows ?? [];
    const live = windows.map((w) => this.#liveWindow(w.key, w.windowMs, now));
    const used = live.map((l) => l.used);
    let wait = 0;
    let index = 0;
    windows.forEach((w, i) => {
      const weight = w.weight ?? 1;
      if (used[i]! + weight <= w.limit) return;
      const ms = waitForRoom(live[i]!.entries, used[i]!, weight, w.limit, w.windowMs, now);
      if (ms > wait) [wait, index] = [ms, i];
    });
    if (wait > 0) return { ok: false, by: 'window', index, used, retryAfterMs: wait };
    const slot = request.slot;
    const slots = slot && this.#liveSlots(slot.key, now);
    if (slot && slots && !slots.has(request.id) && slots.size >= slot.limit) {
      const first = slots.size === 0 ? now + slot.leaseMs : Math.min(...slots.values());
      return { ok: false, by: 'slot', index: 0, used, inUse: slots.size, retryAfterMs: Math.max(1, first - now) };
    }
    windows.forEach((w, i) => {
      const weight = w.weight ?? 1;
      live[i]!.entries.push({ at: now, weight });
      live[i]!.used += weight;
    });
    const after = live.map((l) => l.used);
    if (!slot || !slots) return { ok: true, used: after };
    const expiresAt = now + slot.leaseMs;
    slots.set(request.id, expiresAt);
    return { ok: true, used: after, inUse: slots.size, expiresAt };
  }

  /** A window's entries still inside it (the older ones dropped). */
  #liveWindow(key: string, windowMs: number, now: number): { entries: Array<{ at: number; weight: number }>; used: number } {
    let window = this.#windows.get(key);
    if (!window) this.#windows.set(key, (window = { entries: [], used: 0 }));
    let drop = 0;
    while (drop < window.entries.length && window.entries[drop]!.at <= now - windowMs) window.used -= window.entries[drop++]!.weight;
    if (drop > 0) window.entries.splice(0, drop);
    return window;
  }

  /** A slot key's live leases (the expired ones dropped). */
  #liveSlots(key: string, now: number): Map<string, number> {
    let slots = this.#slots.get(key);
    if (!slots) this.#slots.set(key, (slots = new Map()));
    for (const [id, expiresAt] of slots) if (expiresAt <= now) slots.delete(id);
    return slots;
  }

  async releaseSlot(key: string, id: string): Promise<void> {
    this.#slots.get(key)?.delete(id);
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const r = this.#register(key);
    return r && { version: r.version, value: r.value };
  }

  async compareAndSet(
    key: string,
    expectedVersion: number,
    value: string,
    options: { ttlMs?: number; notify?: string } = {},
  ): Promise<CasResult> {
    checkVersion(expectedVersion);
    checkTtl(options.ttlMs);
    const r = this.#register(key);
    if ((r?.version ?? 0) !== expectedVersion) return { ok: false, current: r && { version: r.version, value: r.value } };
    const version = expectedVersion + 1;
    this.#registers.set(key, options.ttlMs === undefined ? { version, value } : { version, value, expiresAt: this.#now() + options.ttlMs });
    if (options.notify !== undefined) this.#dispatch(options.notify, JSON.stringify({ key, version }));
    return { ok: true, version };
  }

  #register(key: string): { version: number; value: string } | undefined {
    const r = this.#registers.get(key);
    if (r?.expiresAt !== undefined && r.expiresAt <= this.#now()) {
      this.#registers.delete(key);
      return undefined;
    }
    return r;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#dispatch(channel, message);
  }

  #dispatch(channel: string, message: string): void {
    const listeners = this.#channels.get(channel);
    if (!listeners) return;
    for (const listener of listeners) queueMicrotask(() => listener({ type: 'message', channel, message }));
  }

  async subscribe(channel: string, listener: (change: StoreChange) => void): Promise<() => Promise<void>> {
    let listeners = this.#channels.get(channel);
    if (!listeners) this.#channels.set(channel, (listeners = new Set()));
    const own = (change: StoreChange) => listener(change);
    listeners.add(own);
    return async () => {
      listeners.delete(own);
    };
  }

  /** An in-process store is never unavailable: no event ever fires. */
  onStatus(_listener: (event: StoreStatusEvent) => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#channels.clear();
  }

  /** The counter hash at `key`, dropped first when its TTL has passed. */
  #liveHash(key: string): Map<string, number> | undefined {
    const expiresAt = this.#counterExpiry.size === 0 ? undefined : this.#counterExpiry.get(key);
    if (expiresAt !== undefined && expiresAt <= this.#now()) {
      this.#counters.delete(key);
      this.#counterExpiry.delete(key);
      return undefined;
    }
    return this.#counters.get(key);
  }

  #hash(key: string): Map<string, number> {
    let hash = this.#liveHash(key);
    if (!hash) this.#counters.set(key, (hash = new Map()));
    return hash;
  }
}

function heldOf(budget: Budget): number {
  let held = 0;
  for (const h of budget.holds.values()) held += h.amount;
  return held;
}

function usedOf(budget: Budget): number {
  return budget.spent + heldOf(budget);
}

/** The default store, in this process: every primitive of {@link SharedStore}, shared by nothing outside it. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

/** The same as {@link createMemoryStore}, named like `sqliteStore` and `redisStore`. */
export const memoryStore = createMemoryStore;
