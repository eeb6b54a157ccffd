import { ConfigError } from '../../core/errors.js';
import { StoreUnavailableError } from '../errors.js';
import { asRateResult, asSlotResult, waitForRoom } from '../limits.js';
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
} from '../shared.js';
import type { LogEntry, ReserveItem, ReserveResult, StoreWrite } from '../store.js';
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
} from '../validate.js';
import { SCHEMA, UPSERT } from './schema.js';

export interface SqliteStoreOptions {
  /** The database file (created when absent), or `':memory:'` for one process. Every process of the host opens the same path. */
  path: string;
  /** How long a write waits for another process's transaction before it fails with `StoreUnavailableError`. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** How often subscribers look for changes written by any process. Default 200 ms. */
  pollMs?: number;
  /**
   * `normal` (default): a committed write survives the process being killed (WAL); the last ones may be
   * lost on power loss. `full`: every commit is synced to disk before it is acknowledged.
   */
  synchronous?: 'normal' | 'full';
  /** How long a settled or released hold id is remembered. Default 24 h. */
  finishedHoldTtlMs?: number;
  /** Clock in ms. Default `Date.now` (every process of one host shares it). */
  now?: () => number;
}

/** The subset of `node:sqlite` this store uses (typed here so that no `@types/node` version is needed). */
interface Statement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
  all(...params: SqlValue[]): Array<Record<string, SqlValue>>;
}
type SqlValue = string | number | bigint | null | Uint8Array;
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}
interface SqliteModule {
  DatabaseSync: new (path: string) => Database;
}

/** `node:sqlite`, or a `ConfigError` saying which Node it needs. */
function loadSqlite(): SqliteModule {
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const mod = load?.call(process, 'node:sqlite') as SqliteModule | undefined;
  if (!mod?.DatabaseSync) {
    throw new ConfigError([
      {
        path: 'store',
        message:
          `sqliteStore needs the built-in node:sqlite module of Node 22.13 or newer; this is Node ${process.versions.node}. ` +
          'Use memoryStore() or redisStore() here.',
      },
    ]);
  }
  return mod;
}

/**
 * Durable state on one host, shared by that host's processes through SQLite's WAL: every
 * coordination step is one `BEGIN IMMEDIATE` transaction (a write lock across processes), reads
 * run without one. Calls are synchronous under the async interface (each takes microseconds; a
 * write that waits for another process's lock blocks this thread up to `busyTimeoutMs`).
 */
export function sqliteStore(options: SqliteStoreOptions): SharedStore {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigError([{ path: 'store.path', message: 'must be a file path or ":memory:"' }]);
  }
  return new SqliteStore(loadSqlite(), options);
}

class SqliteStore implements SharedStore {
  readonly kind = 'sqlite' as const;
  readonly #db: Database;
  readonly #now: () => number;
  readonly #pollMs: number;
  readonly #finishedTtlMs: number;
  readonly #statements = new Map<string, Statement>();
  readonly #listeners = new Map<string, Set<(change: StoreChange) => void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastSeq = 0;
  #writes = 0;
  #closed = false;

  constructor(sqlite: SqliteModule, options: SqliteStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#pollMs = options.pollMs ?? 200;
    this.#finishedTtlMs = options.finishedHoldTtlMs ?? 86_400_000;
    this.#db = new sqlite.DatabaseSync(options.path);
    this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.#tx('open', () => this.#db.exec(SCHEMA));
  }

  #sql(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, (s = this.#db.prepare(sql)));
    return s;
  }

  /** Runs `fn` in one write transaction; a lock held too long by another process becomes `StoreUnavailableError`. */
  #tx<T>(operation: string, fn: () => T): T {
    if (this.#closed)
      throw new StoreUnavailableError({ store: 'sqlite', operation, reason: 'disconnected', message: 'The sqlite store is closed' });
    try {
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw this.#wrap(operation, error);
    }
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      if (++this.#writes % 512 === 0) this.#sweep();
      return out;
    } catch (error) {
      try {
        this.#db.exec('ROLLBACK');
      } catch {
        // The transaction is already gone (SQLite rolled it back itself).
      }
      throw this.#wrap(operation, error);
    }
  }

  #read<T>(operation: string, fn: () => T): T {
    if (this.#closed)
      throw new StoreUnavailableError({ store: 'sqlite', operation, reason: 'disconnected', message: 'The sqlite store is closed' });
    try {
      return fn();
    } catch (error) {
      throw this.#wrap(operation, error);
    }
  }

  #wrap(operation: string, error: unknown): unknown {
    const message = error instanceof Error ? error.message : String(error);
    if (/database is locked|SQLITE_BUSY/i.test(message))
      return new StoreUnavailableError({ store: 'sqlite', operation, reason: 'timeout', cause: error });
    return error;
  }

  /** Drops what has expired (finished hold ids, old changes); runs every 512th write. */
  #sweep(): void {
    const now = this.#now();
    this.#tx('sweep', () => {
      this.#sql('DELETE FROM finished_holds WHERE expires_at <= ?').run(now);
      this.#sql('DELETE FROM changes WHERE at < ?').run(now - 60_000);
      this.#sql('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
      this.#sql('DELETE FROM slots WHERE expires_at <= ?').run(now);
      this.#sql('DELETE FROM holds WHERE expires_at <= ?').run(now);
    });
  }

  // --- values --------------------------------------------------------------------------------

  async get(key: string): Promise<string | undefined> {
    const row = this.#read('get', () => this.#sql('SELECT value, expires_at FROM kv WHERE key = ?').get(key));
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= this.#now())) return undefined;
    return String(row.value);
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    checkTtl(options.ttlMs);
    const expiresAt = options.ttlMs === undefined ? null : this.#now() + options.ttlMs;
    this.#tx('set', () => this.#sql(UPSERT.kv).run(key, value, expiresAt));
  }

  async setIfAbsent(key: string, value: string, options: { ttlMs?: number } = {}): Promise<{ created: boolean; value: string }> {
    checkTtl(options.ttlMs);
    const now = this.#now();
    return this.#tx('setIfAbsent', () => {
      const row = this.#sql('SELECT value, expires_at FROM kv WHERE key = ?').get(key);
      if (row && (row.expires_at === null || Number(row.expires_at) > now)) return { created: false, value: String(row.value) };
      this.#sql(UPSERT.kv).run(key, value, options.ttlMs === undefined ? null : now + options.ttlMs);
      return { created: true, value };
    });
  }

  async delete(key: string): Promise<void> {
    this.#tx('delete', () => {
      for (const table of ['kv', 'counters', 'counter_ttl', 'sets', 'logs', 'log_meta', 'registers'])
        this.#sql(`DELETE FROM ${table} WHERE key = ?`).run(key);
    });
  }

  // --- counters ------------------------------------------------------------------------------

  /** Drops the counter hash at `key` when its TTL has passed (inside a write transaction). */
  #expireCounters(key: string, now: number): void {
    const ttl = this.#sql('SELECT expires_at FROM counter_ttl WHERE key = ?').get(key);
    if (ttl && Number(ttl.expires_at) <= now) {
      this.#sql('DELETE FROM counters WHERE key = ?').run(key);
      this.#sql('DELETE FROM counter_ttl WHERE key = ?').run(key);
    }
  }

  async increment(
    key: string,
    deltas: Readonly<Record<string, number>>,
    options: { ttlMs?: number } = {},
  ): Promise<Record<string, number>> {
    checkTtl(options.ttlMs);
    const fields = checkDeltas(deltas);
    const now = this.#now();
    return this.#tx('increment', () => this.#increment(key, fields, deltas, options.ttlMs, now));
  }

  /** Adds checked deltas, inside a write transaction. */
  #increment(
    key: string,
    fields: ReadonlyArray<string>,
    deltas: Readonly<Record<string, number>>,
    ttlMs: number | undefined,
    now: number,
  ): Record<string, number> {
    this.#expireCounters(key, now);
    const out: Record<string, number> = {};
    for (const field of fields) {
      const row = this.#sql(UPSERT.counter).get(key, field, deltas[field]!);
      out[field] = Number(row!.value);
    }
    if (ttlMs !== undefined) this.#sql(UPSERT.counterTtl).run(key, now + ttlMs);
    return out;
  }

  async counters(key: string): Promise<Record<string, number>> {
    return this.#read('counters', () => {
      const ttl = this.#sql('SELECT expires_at FROM counter_ttl WHERE key = ?').get(key);
      const out: Record<string, number> = {};
      if (ttl && Number(ttl.expires_at) <= this.#now()) return out;
      for (const row of this.#sql('SELECT field, value FROM counters WHERE key = ?').all(key)) out[String(row.field)] = Number(row.value);
      return out;
    });
  }

  async reserve(items: ReadonlyArray<ReserveItem>): Promise<ReserveResult> {
    checkReserveItems(items);
    const now = this.#now();
    return this.#tx('reserve', () => {
      for (let index = 0; index < items.length; index++) {
        const item = items[index]!;
        this.#expireCounters(item.key, now);
        const current = Number(this.#sql('SELECT value FROM counters WHERE key = ? AND field = ?').get(item.key, item.field)?.value ?? 0);
        if (current + item.amount > item.limit) return { ok: false as const, index, current };
      }
      const values = items.map((item) => Number(this.#sql(UPSERT.counter).get(item.key, item.field, item.amount)!.value));
      return { ok: true as const, values };
    });
  }

  // --- sets and logs -------------------------------------------------------------------------

  async addToSet(key: string, members: ReadonlyArray<string>): Promise<void> {
    this.#tx('addToSet', () => this.#addToSet(key, members));
  }

  #addToSet(key: string, members: ReadonlyArray<string>): void {
    for (const m of members) this.#sql('INSERT OR IGNORE INTO sets (key, member) VALUES (?, ?)').run(key, m);
  }

  async members(key: string): Promise<string[]> {
    return this.#read('members', () =>
      this.#sql('SELECT member FROM sets WHERE key = ?')
        .all(key)
        .map((r) => String(r.member)),
    );
  }

  async append(key: string, score: number, value: string): Promise<void> {
    this.#tx('append', () => this.#append(key, score, value));
  }

  #append(key: string, score: number, value: string): void {
    this.#sql('INSERT INTO logs (key, score, value) VALUES (?, ?, ?)').run(key, score, value);
  }

  async write(writes: ReadonlyArray<StoreWrite>): Promise<void> {
    checkWrites(writes);
    const now = this.#now();
    this.#tx('write', () => {
      for (const w of writes) {
        if (w.op === 'increment') this.#increment(w.key, checkDeltas(w.deltas), w.deltas, w.ttlMs, now);
        else if (w.op === 'addToSet') this.#addToSet(w.key, w.members);
        else this.#append(w.key, w.score, w.value);
      }
    });
  }

  async range(key: string, min: number, max: number): Promise<LogEntry[]> {
    return this.#read('range', () =>
      this.#sql('SELECT score, value FROM logs WHERE key = ? AND score >= ? AND score < ? ORDER BY score, seq')
        .all(key, min, max)
        .map((r) => ({ score: Number(r.score), value: String(r.value) })),
    );
  }

  async prune(key: string, options: { maxCount?: number; minScore?: number }): Promise<number> {
    return this.#tx('prune', () => {
      let dropped = 0;
      let last: number | undefined;
      const drop = (rows: Array<Record<string, SqlValue>>) => {
        for (const r of rows) {
          this.#sql('DELETE FROM logs WHERE seq = ?').run(r.seq!);
          last = Math.max(last ?? Number(r.score), Number(r.score));
          dropped++;
        }
      };
      if (options.minScore !== undefined) {
        drop(this.#sql('SELECT seq, score FROM logs WHERE key = ? AND score < ? ORDER BY score, seq').all(key, options.minScore));
      }
      if (options.maxCount !== undefined) {
        const length = Number(this.#sql('SELECT COUNT(*) AS n FROM logs WHERE key = ?').get(key)!.n);
        const excess = length - Math.max(0, options.maxCount);
        if (excess > 0) drop(this.#sql('SELECT seq, score FROM logs WHERE key = ? ORDER BY score, seq LIMIT ?').all(key, excess));
      }
      if (last !== undefined) {
        this.#sql(UPSERT.logMeta).run(key, last);
      }
      return dropped;
    });
  }

  async logInfo(key: string): Promise<{ length: number; prunedThrough?: number }> {
    return this.#read('logInfo', () => {
      const length = Number(this.#sql('SELECT COUNT(*) AS n FROM logs WHERE key = ?').get(key)!.n);
      const meta = this.#sql('SELECT pruned_through FROM log_meta WHERE key = ?').get(key);
      return meta?.pruned_through === null || meta === undefined ? { length } : { length, prunedThrough: Number(meta.pruned_through) };
    });
  }

  // --- budget holds --------------------------------------------------------------------------

  /** The budget's settled spend (0 when absent or past its TTL), its expired holds dropped. */
  #budget(key: string, now: number): { spent: number; held: number; holds: number } {
    const row = this.#sql('SELECT spent, expires_at FROM budgets WHERE key = ?').get(key);
    if (row && row.expires_at !== null && Number(row.expires_at) <= now) {
      this.#sql('DELETE FROM budgets WHERE key = ?').run(key);
      this.#sql('DELETE FROM holds WHERE key = ?').run(key);
      return { spent: 0, held: 0, holds: 0 };
    }
    const held = this.#sql('SELECT COALESCE(SUM(amount), 0) AS held, COUNT(*) AS n FROM holds WHERE key = ? AND expires_at > ?').get(
      key,
      now,
    )!;
    return { spent: Number(row?.spent ?? 0), held: Number(held.held), holds: Number(held.n) };
  }

  #finishedState(id: string, now: number): 'settled' | 'released' | undefined {
    const row = this.#sql('SELECT state, expires_at FROM finished_holds WHERE id = ?').get(id);
    return row && Number(row.expires_at) > now ? (String(row.state) as 'settled' | 'released') : undefined;
  }

  async reserveHold(request: HoldRequest): Promise<HoldResult> {
    checkHoldRequest(request);
    const now = this.#now();
    const keys = request.items.map((i) => i.key);
    return this.#tx('reserveHold', (): HoldResult => {
      const done = this.#finishedState(request.id, now);
      if (done) return { ok: false, reason: 'finished', state: done };
      const budgets = request.items.map((item) => this.#budget(item.key, now));
      const existing = this.#sql('SELECT owner, expires_at FROM holds WHERE key = ? AND id = ? AND expires_at > ?').get(
        keys[0]!,
        request.id,
        now,
      );
      if (existing) {
        const hold = { id: request.id, keys, owner: String(existing.owner), expiresAt: Number(existing.expires_at) };
        return { ok: true, hold, values: budgets.map((b) => b.spent + b.held), existing: true };
      }
      for (let index = 0; index < budgets.length; index++) {
        const b = budgets[index]!;
        const item = request.items[index]!;
        if (b.spent + b.held + item.amount > item.limit)
          return {
            ok: false,
            reason: 'limit',
            index,
            spent: b.spent,
            held: b.held,
            limit: item.limit,
            used: budgets.map((x) => x.spent + x.held),
          };
      }
      const expiresAt = now + request.leaseMs;
      request.items.forEach((item) => {
        this.#sql(UPSERT.hold).run(item.key, request.id, request.owner, item.amount, expiresAt);
        this.#sql(UPSERT.budgetTtl).run(item.key, item.ttlMs === undefined ? null : now + item.ttlMs);
      });
      const values = budgets.map((b, i) => b.spent + b.held + request.items[i]!.amount);
      return { ok: true, hold: { id: request.id, keys, owner: request.owner, expiresAt }, values, existing: false };
    });
  }

  async settleHold(hold: HoldRef, charges: ReadonlyArray<number>): Promise<SettleResult> {
    checkHoldRef(hold, charges);
    return this.#finish('settleHold', hold, charges, 'settled');
  }

  async releaseHold(hold: HoldRef): Promise<SettleResult> {
    checkHoldRef(hold);
    return this.#finish('releaseHold', hold, undefined, 'released');
  }

  #finish(operation: string, hold: HoldRef, charges: ReadonlyArray<number> | undefined, state: 'settled' | 'released'): SettleResult {
    const now = this.#now();
    return this.#tx(operation, (): SettleResult => {
      const done = this.#finishedState(hold.id, now);
      if (done) return { status: 'duplicate', state: done };
      let expired = false;
      const spent = hold.keys.map((key, i) => {
        this.#budget(key, now);
        const removed = this.#sql('DELETE FROM holds WHERE key = ? AND id = ? AND expires_at > ?').run(key, hold.id, now);
        this.#sql('DELETE FROM holds WHERE key = ? AND id = ?').run(key, hold.id);
        if (Number(removed.changes) === 0) expired = true;
        const row = this.#sql(UPSERT.spent).get(key, charges?.[i] ?? 0);
        return Number(row!.spent);
      });
      this.#sql('INSERT OR REPLACE INTO finished_holds (id, state, expires_at) VALUES (?, ?, ?)').run(
        hold.id,
        state,
        now + this.#finishedTtlMs,
      );
      return { status: state, expired, spent };
    });
  }

  async renewHold(hold: HoldRef, leaseMs: number): Promise<boolean> {
    checkHoldRef(hold);
    checkLease(leaseMs);
    const now = this.#now();
    return this.#tx('renewHold', () => {
      for (const key of hold.keys)
        if (!this.#sql('SELECT 1 AS x FROM holds WHERE key = ? AND id = ? AND expires_at > ?').get(key, hold.id, now)) return false;
      for (const key of hold.keys) this.#sql('UPDATE holds SET expires_at = ? WHERE key = ? AND id = ?').run(now + leaseMs, key, hold.id);
      return true;
    });
  }

  async budgetUsage(keys: ReadonlyArray<string>): Promise<BudgetUsage[]> {
    const now = this.#now();
    return this.#read('budgetUsage', () =>
      keys.map((key) => {
        const row = this.#sql('SELECT spent, expires_at FROM budgets WHERE key = ?').get(key);
        if (row && row.expires_at !== null && Number(row.expires_at) <= now) return { key, spent: 0, held: 0, holds: 0 };
        const held = this.#sql('SELECT COALESCE(SUM(amount), 0) AS held, COUNT(*) AS n FROM holds WHERE key = ? AND expires_at > ?').get(
          key,
          now,
        )!;
        return { key, spent: Number(row?.spent ?? 0), held: Number(held.held), holds: Number(held.n) };
      }),
    );
  }

  // --- rate limits ---------------------------------------------------------------------------

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
    return this.#tx('admitLimits', (): LimitResult => {
      const used = windows.map((w) => {
        this.#sql('DELETE FROM windows WHERE key = ? AND at <= ?').run(w.key, now - w.windowMs);
        return Number(this.#sql('SELECT COALESCE(SUM(weight), 0) AS used FROM windows WHERE key = ?').get(w.key)!.used);
      });
      let wait = 0;
      let index = 0;
      windows.forEach((w, i) => {
        const weight = w.weight ?? 1;
        if (used[i]! + weight <= w.limit) return;
        const entries = this.#sql('SELECT at, weight FROM windows WHERE key = ? ORDER BY at, seq')
          .all(w.key)
          .map((e) => ({ at: Number(e.at), weight: Number(e.weight) }));
        const ms = waitForRoom(entries, used[i]!, weight, w.limit, w.windowMs, now);
        if (ms > wait) [wait, index] = [ms, i];
      });
      if (wait > 0) return { ok: false, by: 'window', index, used, retryAfterMs: wait };
      const slot = request.slot;
      let inUse = 0;
      let mine = false;
      if (slot) {
        this.#sql('DELETE FROM slots WHERE key = ? AND expires_at <= ?').run(slot.key, now);
        const row = this.#sql('SELECT COUNT(*) AS n, MIN(expires_at) AS first FROM slots WHERE key = ?').get(slot.key)!;
        mine = this.#sql('SELECT 1 AS x FROM slots WHERE key = ? AND id = ?').get(slot.key, request.id) !== undefined;
        inUse = Number(row.n);
        if (!mine && inUse >= slot.limit) {
          const retryAfterMs = Math.max(1, Number(row.first ?? now + slot.leaseMs) - now);
          return { ok: false, by: 'slot', index: 0, used, inUse, retryAfterMs };
        }
      }
      const after = windows.map((w, i) => {
        const weight = w.weight ?? 1;
        this.#sql('INSERT INTO windows (key, at, weight) VALUES (?, ?, ?)').run(w.key, now, weight);
        return used[i]! + weight;
      });
      if (!slot) return { ok: true, used: after };
      const expiresAt = now + slot.leaseMs;
      this.#sql(UPSERT.slot).run(slot.key, request.id, expiresAt);
      return { ok: true, used: after, inUse: mine ? inUse : inUse + 1, expiresAt };
    });
  }

  async releaseSlot(key: string, id: string): Promise<void> {
    this.#tx('releaseSlot', () => this.#sql('DELETE FROM slots WHERE key = ? AND id = ?').run(key, id));
  }

  // --- versioned registers and changes -------------------------------------------------------

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const row = this.#read('getVersioned', () => this.#sql('SELECT version, value, expires_at FROM registers WHERE key = ?').get(key));
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= this.#now())) return undefined;
    return { version: Number(row.version), value: String(row.value) };
  }

  async compareAndSet(
    key: string,
    expectedVersion: number,
    value: string,
    options: { ttlMs?: number; notify?: string } = {},
  ): Promise<CasResult> {
    checkVersion(expectedVersion);
    checkTtl(options.ttlMs);
    const now = this.#now();
    return this.#tx('compareAndSet', (): CasResult => {
      const row = this.#sql('SELECT version, value, expires_at FROM registers WHERE key = ?').get(key);
      const live =
        row && (row.expires_at === null || Number(row.expires_at) > now)
          ? { version: Number(row.version), value: String(row.value) }
          : undefined;
      if ((live?.version ?? 0) !== expectedVersion) return { ok: false, current: live };
      const version = expectedVersion + 1;
      this.#sql(UPSERT.register).run(key, version, value, options.ttlMs === undefined ? null : now + options.ttlMs);
      if (options.notify !== undefined) {
        this.#sql('INSERT INTO changes (channel, message, at) VALUES (?, ?, ?)').run(options.notify, JSON.stringify({ key, version }), now);
      }
      return { ok: true, version };
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    const now = this.#now();
    this.#tx('publish', () => this.#sql('INSERT INTO changes (channel, message, at) VALUES (?, ?, ?)').run(channel, message, now));
  }

  async subscribe(channel: string, listener: (change: StoreChange) => void): Promise<() => Promise<void>> {
    if (!this.#timer) {
      this.#lastSeq = Number(this.#read('subscribe', () => this.#sql('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes').get()!.seq));
      // Like a subscribed socket, the poll keeps the process alive until unsubscribed or closed.
      this.#timer = setInterval(() => this.#poll(), this.#pollMs);
    }
    let listeners = this.#listeners.get(channel);
    if (!listeners) this.#listeners.set(channel, (listeners = new Set()));
    const own = (change: StoreChange) => listener(change);
    listeners.add(own);
    return async () => {
      listeners.delete(own);
      if (listeners.size === 0) this.#listeners.delete(channel);
      if (this.#listeners.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  /** Hands every change written since the last poll (by any process) to this process's subscribers. */
  #poll(): void {
    if (this.#closed) return;
    let rows: Array<Record<string, SqlValue>>;
    try {
      const first = this.#sql('SELECT MIN(seq) AS seq FROM changes').get();
      // Rows this process had not read were swept away: tell every listener to re-read.
      if (first?.seq !== null && first !== undefined && Number(first.seq) > this.#lastSeq + 1 && this.#lastSeq > 0) {
        for (const [channel, listeners] of this.#listeners) for (const l of listeners) l({ type: 'resync', channel });
      }
      rows = this.#sql('SELECT seq, channel, message FROM changes WHERE seq > ? ORDER BY seq').all(this.#lastSeq);
    } catch {
      return; // Locked for longer than the busy timeout: the next poll reads the same rows.
    }
    for (const row of rows) {
      this.#lastSeq = Number(row.seq);
      const channel = String(row.channel);
      const listeners = this.#listeners.get(channel);
      if (listeners) for (const l of listeners) l({ type: 'message', channel, message: String(row.message) });
    }
  }

  onStatus(_listener: (event: StoreStatusEvent) => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
    this.#closed = true;
    this.#db.close();
  }
}
