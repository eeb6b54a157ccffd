/**
 * The one interface through which shared state goes (usage ledger, aggregates, budget counters).
 * Small and serialisable on purpose: keys and values are strings, counters are integers, every
 * method is async, and each one is atomic on its own, so a Redis implementation maps each method to a
 * command or a short Lua script (HINCRBY, SADD/SMEMBERS, ZADD/ZRANGEBYSCORE/ZREMRANGEBY*, a check-and-add
 * script for `reserve`).
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;

  /**
   * Atomically adds each delta (an integer) to the counter hash at `key`; resolves with the new values of those fields.
   * With `ttlMs`, the whole hash expires that long after this call (statistics per time bucket).
   */
  increment(key: string, deltas: Readonly<Record<string, number>>, options?: { ttlMs?: number }): Promise<Record<string, number>>;
  /** Every field of a counter hash (empty object when absent). */
  counters(key: string): Promise<Record<string, number>>;
  /**
   * Atomic check-and-add over several counters, all or nothing: every item must satisfy
   * `current(key, field) + amount <= limit`, then every amount is added. Used to reserve budget.
   */
  reserve(items: ReadonlyArray<ReserveItem>): Promise<ReserveResult>;

  /** Adds members to the set at `key`. */
  addToSet(key: string, members: ReadonlyArray<string>): Promise<void>;
  members(key: string): Promise<string[]>;

  /** Appends a value to a log ordered by `score` (a timestamp). Equal scores keep insertion order. */
  append(key: string, score: number, value: string): Promise<void>;
  /** Entries with `min <= score < max`, in score order. */
  range(key: string, min: number, max: number): Promise<LogEntry[]>;
  /** Drops the oldest entries beyond `maxCount` and those with `score < minScore`; resolves with how many went. */
  prune(key: string, options: { maxCount?: number; minScore?: number }): Promise<number>;
  /** Length of a log and the highest score it ever pruned (undefined when nothing was pruned). */
  logInfo(key: string): Promise<{ length: number; prunedThrough?: number }>;

  /**
   * Several writes in order, in one step: one round trip (Redis: one script) and one transaction
   * (SQLite), all checked before any is made. The ledger writes a batch of records this way: each
   * record's aggregates and its log entry together, many records per call.
   */
  write(writes: ReadonlyArray<StoreWrite>): Promise<void>;
}

/** One write of {@link Store.write}: the same effect as the method of the same name. */
export type StoreWrite =
  | { op: 'increment'; key: string; deltas: Readonly<Record<string, number>>; ttlMs?: number }
  | { op: 'addToSet'; key: string; members: ReadonlyArray<string> }
  | { op: 'append'; key: string; score: number; value: string };

export interface LogEntry {
  score: number;
  value: string;
}

export interface ReserveItem {
  key: string;
  field: string;
  /** Integer to add; may be 0. */
  amount: number;
  /** Upper bound for the counter after the addition (inclusive). */
  limit: number;
}

export type ReserveResult =
  | { ok: true; values: number[] }
  /** `index` is the first item that did not fit; `current` its counter before the attempt. */
  | { ok: false; index: number; current: number };
