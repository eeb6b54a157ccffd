import { ScoreLog } from './score-log.js';
import type { ImmediateStore, LogEntry, ReserveItem, ReserveResult, Store } from './store.js';

/**
 * The default store: plain maps in this process. Each method does all its work synchronously before
 * its promise settles, so every call is atomic with respect to every other (JavaScript runs one
 * callback at a time). Not shared between processes: use a Redis store for a fleet.
 */
export class MemoryStore implements Store {
  readonly #values = new Map<string, { value: string; expiresAt?: number }>();
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #sets = new Map<string, Set<string>>();
  readonly #logs = new Map<string, ScoreLog>();
  readonly #now: () => number;
  /** The synchronous core: the async methods below wrap these. */
  readonly immediate: ImmediateStore = {
    increment: (key, deltas) => this.#increment(key, deltas),
    counter: (key, field) => this.#counters.get(key)?.get(field) ?? 0,
    reserve: (items) => this.#reserve(items),
    addToSet: (key, members) => this.#addToSet(key, members),
    append: (key, score, value) => this.#append(key, score, value),
  };

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
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
    this.#sets.delete(key);
    this.#logs.delete(key);
  }

  async increment(key: string, deltas: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    return this.#increment(key, deltas);
  }

  #increment(key: string, deltas: Readonly<Record<string, number>>): Record<string, number> {
    // All or nothing: every delta is checked before any is added. (`for...in` walks the keys without
    // building an array of them, as `Object.keys` did on every request; inherited ones are skipped.)
    for (const field in deltas) if (Object.hasOwn(deltas, field)) assertInteger(deltas[field]!, field);
    const hash = this.#hash(key);
    const out: Record<string, number> = {};
    for (const field in deltas) {
      if (!Object.hasOwn(deltas, field)) continue;
      const next = (hash.get(field) ?? 0) + deltas[field]!;
      hash.set(field, next);
      out[field] = next;
    }
    return out;
  }

  async counters(key: string): Promise<Record<string, number>> {
    return this.#readCounters(key);
  }

  #readCounters(key: string): Record<string, number> {
    const out: Record<string, number> = {};
    const hash = this.#counters.get(key);
    if (hash) for (const [field, value] of hash) out[field] = value;
    return out;
  }

  async reserve(items: ReadonlyArray<ReserveItem>): Promise<ReserveResult> {
    return this.#reserve(items);
  }

  #reserve(items: ReadonlyArray<ReserveItem>): ReserveResult {
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      assertInteger(item.amount, item.field);
      const current = this.#counters.get(item.key)?.get(item.field) ?? 0;
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

  #hash(key: string): Map<string, number> {
    let hash = this.#counters.get(key);
    if (!hash) this.#counters.set(key, (hash = new Map()));
    return hash;
  }
}

function assertInteger(n: number, field: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Store counters take safe integers; "${field}" got ${n}`);
}

export function createMemoryStore(options: { now?: () => number } = {}): Store {
  return new MemoryStore(options);
}
