import { createHash, randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError } from '../../core/errors.js';
import { StoreUnavailableError } from '../errors.js';
import { asRateResult, asSlotResult } from '../limits.js';
import {
  type BudgetUsage,
  type CasResult,
  type DegradableOperation,
  type HoldRef,
  type HoldRequest,
  type HoldResult,
  type LimitRequest,
  type LimitResult,
  policyFor,
  type RateRequest,
  type RateResult,
  type SettleResult,
  type SharedStore,
  type SlotRequest,
  type SlotResult,
  type StoreChange,
  type StoreErrorPolicyOption,
  type StoreStatusEvent,
  type Versioned,
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
import * as lua from './scripts.js';

export interface RedisStoreOptions {
  /** A connected ioredis client (yours: the store never closes it). Give this or `url`. */
  client?: Redis;
  /** `redis://[:password@]host:port/db`: the store opens (and closes) its own connection. */
  url?: string;
  /** Extra ioredis options for the connection opened from `url`. */
  redisOptions?: RedisOptions;
  /** Prefix of every key and channel. Default `switchyard:`. Give each application its own. */
  prefix?: string;
  /** A call that has no answer after this long rejects (or degrades) instead of waiting. Default 1000 ms. */
  commandTimeoutMs?: number;
  /**
   * What an admission does when Redis cannot answer in time: `fail-closed` (default) rejects with
   * `StoreUnavailableError`, so the router refuses the request; `fail-open` admits it without
   * counting it (`degraded: true` on the result and a `degraded` status event). Per kind:
   * `{ budget: 'fail-closed', rateLimit: 'fail-open' }`. Other calls always reject when Redis is away.
   */
  onStoreError?: StoreErrorPolicyOption;
  /** How long a settled or released hold id is remembered, so that a late retry changes nothing. Default 24 h. */
  finishedHoldTtlMs?: number;
}

/**
 * A store on Redis (ioredis) that a fleet of processes shares: each multi-key step is one Lua
 * script, every key that belongs to a lease or a window expires on its own, changes travel by
 * pub/sub. No call waits longer than `commandTimeoutMs`.
 */
export function redisStore(options: RedisStoreOptions): SharedStore {
  if (!options || (options.client === undefined) === (options.url === undefined)) {
    throw new ConfigError([{ path: 'store', message: 'redisStore needs exactly one of `client` (an ioredis client) or `url`' }]);
  }
  if (options.commandTimeoutMs !== undefined && !(Number.isSafeInteger(options.commandTimeoutMs) && options.commandTimeoutMs > 0)) {
    throw new ConfigError([{ path: 'store.commandTimeoutMs', message: 'must be a positive integer (ms)' }]);
  }
  return new RedisStore(options);
}

class RedisStore implements SharedStore {
  readonly kind = 'redis' as const;
  readonly #client: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #policy: StoreErrorPolicyOption | undefined;
  readonly #finishedTtlMs: number;
  readonly #status = new Set<(event: StoreStatusEvent) => void>();
  readonly #listeners = new Map<string, Set<(change: StoreChange) => void>>();
  readonly #shas = new Map<string, string>();
  readonly #readyWaits = new Map<Redis, Promise<void>>();
  /** Scripts loaded on the current connection (cleared on reconnect: a restarted server has none). */
  readonly #loaded = new Map<string, Promise<void>>();
  #subscriber: Redis | undefined;
  #downSince: number | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'switchyard:';
    this.#timeoutMs = options.commandTimeoutMs ?? 1000;
    this.#policy = options.onStoreError;
    this.#finishedTtlMs = options.finishedHoldTtlMs ?? 86_400_000;
    if (options.client) {
      this.#client = options.client;
      this.#owned = false;
    } else {
      // No offline queue: while disconnected a call fails at once (and is reported) instead of waiting to be replayed.
      this.#client = new Redis(options.url!, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: this.#timeoutMs,
        retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
        ...options.redisOptions,
      });
      this.#owned = true;
    }
    this.#watch(this.#client);
  }

  /** Turns the connection's events into status events (and keeps ioredis from printing unhandled errors). */
  #watch(client: Redis): void {
    client.on('error', (error: Error) => this.#down(error));
    client.on('close', () => {
      if (!this.#closed) this.#down(new Error('connection closed'));
    });
    client.on('ready', () => {
      this.#loaded.clear();
      this.#up();
    });
  }

  #down(error: Error): void {
    if (this.#downSince !== undefined || this.#closed) return;
    this.#downSince = Date.now();
    const wrapped = new StoreUnavailableError({ store: 'redis', operation: 'connection', reason: 'disconnected', cause: error });
    this.#emit({ type: 'unavailable', store: 'redis', error: wrapped, at: this.#downSince });
  }

  #up(): void {
    if (this.#downSince === undefined) return;
    const at = Date.now();
    const downMs = at - this.#downSince;
    this.#downSince = undefined;
    this.#emit({ type: 'available', store: 'redis', downMs, at });
  }

  #emit(event: StoreStatusEvent): void {
    for (const l of this.#status) {
      try {
        l(event);
      } catch {
        // A listener's own failure is not the store's.
      }
    }
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  /** Resolves when the client is ready, or rejects after the timeout (a connection that is still being made counts). */
  async #ready(client: Redis, operation: string, deadline: number): Promise<void> {
    if (client.status === 'ready') return;
    if (this.#closed || client.status === 'end') {
      throw new StoreUnavailableError({ store: 'redis', operation, reason: 'disconnected', message: 'The redis store is closed' });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError({ store: 'redis', operation, reason: 'disconnected' })),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      await Promise.race([this.#whenReady(client), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One 'ready' listener per connection, however many calls wait for it. */
  #whenReady(client: Redis): Promise<void> {
    let ready = this.#readyWaits.get(client);
    if (!ready) {
      ready = new Promise<void>((resolve) =>
        client.once('ready', () => {
          this.#readyWaits.delete(client);
          resolve();
        }),
      );
      this.#readyWaits.set(client, ready);
    }
    return ready;
  }

  /** Runs one call within the timeout; any failure becomes a `StoreUnavailableError` and marks the store down. */
  async #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await this.#ready(this.#client, operation, deadline);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreUnavailableError({ store: 'redis', operation, reason: 'timeout' })),
          Math.max(1, deadline - Date.now()),
        );
      });
      const result = await Promise.race([fn(), timeout]);
      if (this.#downSince !== undefined && this.#client.status === 'ready') this.#up();
      return result;
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        this.#down(error);
        throw error;
      }
      // A script error or a WRONGTYPE reply is the caller's problem, not an outage.
      if (error instanceof Error && /^(ERR|WRONGTYPE|NOSCRIPT)/.test(error.message)) throw error;
      const wrapped = new StoreUnavailableError({ store: 'redis', operation, reason: 'error', cause: error });
      this.#down(wrapped);
      throw wrapped;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** An admission under the store's policy: fail-open answers `degraded` when Redis cannot. */
  async #admit<T>(operation: DegradableOperation, kind: 'budget' | 'rateLimit', fn: () => Promise<T>, degraded: () => T): Promise<T> {
    try {
      return await this.#run(operation, fn);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || policyFor(this.#policy, kind) === 'fail-closed') throw error;
      this.#emit({ type: 'degraded', store: 'redis', operation, at: Date.now() });
      return degraded();
    }
  }

  async #script(source: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    let sha = this.#shas.get(source);
    if (!sha) this.#shas.set(source, (sha = createHash('sha1').update(source).digest('hex')));
    // Loaded once per connection, so that many first calls in flight do not each send the source.
    let loaded = this.#loaded.get(source);
    if (!loaded) {
      this.#loaded.set(source, (loaded = this.#client.script('LOAD', source).then(() => undefined)));
      loaded.catch(() => this.#loaded.delete(source));
    }
    await loaded;
    try {
      return await this.#client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(source, keys.length, ...keys, ...args);
      throw error;
    }
  }

  // --- values, counters, sets, logs ----------------------------------------------------------

  async get(key: string): Promise<string | undefined> {
    return (await this.#run('get', () => this.#client.get(this.#key(key)))) ?? undefined;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    checkTtl(options.ttlMs);
    const k = this.#key(key);
    await this.#run('set', () =>
      options.ttlMs === undefined ? this.#client.set(k, value) : this.#client.set(k, value, 'PX', options.ttlMs),
    );
  }

  async setIfAbsent(key: string, value: string, options: { ttlMs?: number } = {}): Promise<{ created: boolean; value: string }> {
    checkTtl(options.ttlMs);
    const reply = await this.#run('setIfAbsent', () => this.#script(lua.SET_IF_ABSENT, [this.#key(key)], [value, options.ttlMs ?? '']));
    const [created, current] = reply as [number, string];
    return { created: created === 1, value: current };
  }

  async delete(key: string): Promise<void> {
    const k = this.#key(key);
    await this.#run('delete', () => this.#client.del(k, `${k}:seq`, `${k}:meta`));
  }

  async increment(
    key: string,
    deltas: Readonly<Record<string, number>>,
    options: { ttlMs?: number } = {},
  ): Promise<Record<string, number>> {
    checkTtl(options.ttlMs);
    const fields = checkDeltas(deltas);
    const args: Array<string | number> = [options.ttlMs ?? ''];
    for (const field of fields) args.push(field, deltas[field]!);
    const values = (await this.#run('increment', () => this.#script(lua.INCREMENT, [this.#key(key)], args))) as number[];
    const out: Record<string, number> = {};
    fields.forEach((f, i) => (out[f] = Number(values[i])));
    return out;
  }

  async counters(key: string): Promise<Record<string, number>> {
    const hash = await this.#run('counters', () => this.#client.hgetall(this.#key(key)));
    const out: Record<string, number> = {};
    for (const [field, value] of Object.entries(hash)) out[field] = Number(value);
    return out;
  }

  async reserve(items: ReadonlyArray<ReserveItem>): Promise<ReserveResult> {
    checkReserveItems(items);
    const reply = (await this.#run('reserve', () =>
      this.#script(
        lua.RESERVE,
        items.map((i) => this.#key(i.key)),
        items.flatMap((i) => [i.field, i.amount, i.limit]),
      ),
    )) as number[];
    if (reply[0] === 1) return { ok: true, values: reply.slice(1).map(Number) };
    return { ok: false, index: Number(reply[1]), current: Number(reply[2]) };
  }

  async addToSet(key: string, members: ReadonlyArray<string>): Promise<void> {
    if (members.length === 0) return;
    await this.#run('addToSet', () => this.#client.sadd(this.#key(key), ...members));
  }

  async members(key: string): Promise<string[]> {
    return this.#run('members', () => this.#client.smembers(this.#key(key)));
  }

  async append(key: string, score: number, value: string): Promise<void> {
    const k = this.#key(key);
    await this.#run('append', () => this.#script(lua.APPEND, [k, `${k}:seq`], [score, value]));
  }

  async write(writes: ReadonlyArray<StoreWrite>): Promise<void> {
    checkWrites(writes);
    if (writes.length === 0) return;
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const w of writes) {
      const k = this.#key(w.key);
      if (w.op === 'increment') {
        const fields = checkDeltas(w.deltas);
        keys.push(k);
        args.push('i', w.ttlMs ?? '', fields.length);
        for (const field of fields) args.push(field, w.deltas[field]!);
      } else if (w.op === 'addToSet') {
        keys.push(k);
        args.push('s', w.members.length, ...w.members);
      } else {
        keys.push(k, `${k}:seq`);
        args.push('a', w.score, w.value);
      }
    }
    await this.#run('write', () => this.#script(lua.WRITE, keys, args));
  }

  async range(key: string, min: number, max: number): Promise<LogEntry[]> {
    const flat = await this.#run('range', () => this.#client.zrangebyscore(this.#key(key), min, `(${max}`, 'WITHSCORES'));
    const out: LogEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ score: Number(flat[i + 1]), value: flat[i]!.slice(17) });
    return out;
  }

  async prune(key: string, options: { maxCount?: number; minScore?: number }): Promise<number> {
    const k = this.#key(key);
    return Number(
      await this.#run('prune', () => this.#script(lua.PRUNE, [k, `${k}:meta`], [options.maxCount ?? '', options.minScore ?? ''])),
    );
  }

  async logInfo(key: string): Promise<{ length: number; prunedThrough?: number }> {
    const k = this.#key(key);
    const [length, pt] = await this.#run('logInfo', () => Promise.all([this.#client.zcard(k), this.#client.hget(`${k}:meta`, 'pt')]));
    return pt === null ? { length } : { length, prunedThrough: Number(pt) };
  }

  // --- budget holds --------------------------------------------------------------------------

  #budgetKeys(key: string): string[] {
    const k = `${this.#prefix}budget:${key}`;
    return [k, `${k}:h`, `${k}:a`, `${k}:held`];
  }

  #finishedKey(id: string): string {
    return `${this.#prefix}hold:${id}`;
  }

  async reserveHold(request: HoldRequest): Promise<HoldResult> {
    checkHoldRequest(request);
    const keys = request.items.map((i) => i.key);
    return this.#admit(
      'reserveHold',
      'budget',
      async (): Promise<HoldResult> => {
        const reply = (await this.#script(
          lua.RESERVE_HOLD,
          [this.#finishedKey(request.id), ...keys.flatMap((k) => this.#budgetKeys(k))],
          [request.id, request.owner, request.leaseMs, ...request.items.flatMap((i) => [i.amount, i.limit, i.ttlMs ?? ''])],
        )) as Array<string | number>;
        const tag = reply[0];
        if (tag === 'finished') return { ok: false, reason: 'finished', state: reply[1] as 'settled' | 'released' };
        if (tag === 'limit') {
          return {
            ok: false,
            reason: 'limit',
            index: Number(reply[1]),
            spent: Number(reply[2]),
            held: Number(reply[3]),
            limit: Number(reply[4]),
            used: reply.slice(5).map(Number),
          };
        }
        const hold = { id: request.id, keys, owner: String(reply[2]), expiresAt: Number(reply[1]) };
        return { ok: true, hold, values: reply.slice(3).map(Number), existing: tag === 'existing' };
      },
      () => {
        const hold = { id: request.id, keys, owner: request.owner, expiresAt: Date.now() + request.leaseMs };
        return { ok: true, hold, values: [], existing: false, degraded: true };
      },
    );
  }

  async settleHold(hold: HoldRef, charges: ReadonlyArray<number>): Promise<SettleResult> {
    checkHoldRef(hold, charges);
    return this.#finish('settleHold', hold, charges, 'settled');
  }

  async releaseHold(hold: HoldRef): Promise<SettleResult> {
    checkHoldRef(hold);
    return this.#finish(
      'releaseHold',
      hold,
      hold.keys.map(() => 0),
      'released',
    );
  }

  async #finish(
    operation: 'settleHold' | 'releaseHold',
    hold: HoldRef,
    charges: ReadonlyArray<number>,
    state: 'settled' | 'released',
  ): Promise<SettleResult> {
    return this.#admit(
      operation,
      'budget',
      async (): Promise<SettleResult> => {
        const reply = (await this.#script(
          lua.FINISH_HOLD,
          [this.#finishedKey(hold.id), ...hold.keys.flatMap((k) => this.#budgetKeys(k))],
          [hold.id, state, this.#finishedTtlMs, ...charges],
        )) as Array<string | number>;
        if (reply[0] === 'duplicate') return { status: 'duplicate', state: reply[1] as 'settled' | 'released' };
        return { status: state, expired: Number(reply[1]) === 1, spent: reply.slice(2).map(Number) };
      },
      () => ({ status: 'degraded' }),
    );
  }

  async renewHold(hold: HoldRef, leaseMs: number): Promise<boolean> {
    checkHoldRef(hold);
    checkLease(leaseMs);
    const reply = await this.#run('renewHold', () =>
      this.#script(
        lua.RENEW_HOLD,
        hold.keys.flatMap((k) => this.#budgetKeys(k)),
        [hold.id, leaseMs],
      ),
    );
    return Number(reply) === 1;
  }

  async budgetUsage(keys: ReadonlyArray<string>): Promise<BudgetUsage[]> {
    if (keys.length === 0) return [];
    const reply = (await this.#run('budgetUsage', () =>
      this.#script(
        lua.BUDGET_USAGE,
        keys.flatMap((k) => this.#budgetKeys(k)),
        [],
      ),
    )) as number[];
    return keys.map((key, i) => ({ key, spent: Number(reply[3 * i]), held: Number(reply[3 * i + 1]), holds: Number(reply[3 * i + 2]) }));
  }

  // --- rate limits ---------------------------------------------------------------------------

  async admitRate(request: RateRequest): Promise<RateResult> {
    checkRateRequest(request);
    const { id, ...window } = request;
    return asRateResult(await this.#limits({ id, windows: [window] }, 'admitRate'), request.limit);
  }

  async acquireSlot(request: SlotRequest): Promise<SlotResult> {
    checkSlotRequest(request);
    const { id, ...slot } = request;
    return asSlotResult(await this.#limits({ id, slot }, 'acquireSlot'), request.limit, request.leaseMs);
  }

  async admitLimits(request: LimitRequest): Promise<LimitResult> {
    checkLimitRequest(request);
    return this.#limits(request, 'admitLimits');
  }

  /** One admission script (checked input); `operation` names the caller's method in status events. */
  async #limits(request: LimitRequest, operation: 'admitRate' | 'acquireSlot' | 'admitLimits'): Promise<LimitResult> {
    const windows = request.windows ?? [];
    const keys: string[] = [];
    const args: Array<string | number> = [request.id, windows.length, request.slot ? '1' : '0'];
    for (const w of windows) {
      const k = `${this.#prefix}rate:${w.key}`;
      keys.push(k, `${k}:used`);
      args.push(w.limit, w.windowMs, w.weight ?? 1);
    }
    if (request.slot) {
      keys.push(`${this.#prefix}slots:${request.slot.key}`);
      args.push(request.slot.limit, request.slot.leaseMs);
    }
    return this.#admit(
      operation,
      'rateLimit',
      async (): Promise<LimitResult> => {
        const reply = ((await this.#script(lua.ADMIT_LIMITS, keys, args)) as number[]).map(Number);
        const [ok, by, index, retryAfterMs, inUse, expiresAt] = reply as [number, number, number, number, number, number];
        const used = reply.slice(6);
        if (ok === 1) return request.slot ? { ok: true, used, inUse, expiresAt } : { ok: true, used };
        return by === 2
          ? { ok: false, by: 'slot', index, used, inUse, retryAfterMs }
          : { ok: false, by: 'window', index, used, retryAfterMs };
      },
      () => ({ ok: true, used: windows.map(() => 0), degraded: true }),
    );
  }

  async releaseSlot(key: string, id: string): Promise<void> {
    await this.#run('releaseSlot', () => this.#client.zrem(`${this.#prefix}slots:${key}`, id));
  }

  // --- versioned registers and changes -------------------------------------------------------

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const [v, d] = await this.#run('getVersioned', () => this.#client.hmget(`${this.#prefix}reg:${key}`, 'v', 'd'));
    return v == null || d == null ? undefined : { version: Number(v), value: d };
  }

  async compareAndSet(
    key: string,
    expectedVersion: number,
    value: string,
    options: { ttlMs?: number; notify?: string } = {},
  ): Promise<CasResult> {
    checkVersion(expectedVersion);
    checkTtl(options.ttlMs);
    const reply = (await this.#run('compareAndSet', () =>
      this.#script(
        lua.COMPARE_AND_SET,
        [`${this.#prefix}reg:${key}`],
        [expectedVersion, value, options.ttlMs ?? '', options.notify === undefined ? '' : this.#prefix + options.notify, key],
      ),
    )) as Array<number | string>;
    if (reply[0] === 1) return { ok: true, version: Number(reply[1]) };
    return { ok: false, current: reply.length > 2 ? { version: Number(reply[1]), value: String(reply[2]) } : undefined };
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run('publish', () => this.#client.publish(this.#prefix + channel, message));
  }

  async subscribe(channel: string, listener: (change: StoreChange) => void): Promise<() => Promise<void>> {
    const sub = this.#subscriberClient();
    let listeners = this.#listeners.get(channel);
    const first = !listeners;
    if (!listeners) this.#listeners.set(channel, (listeners = new Set()));
    const own = (change: StoreChange) => listener(change);
    listeners.add(own);
    if (first) {
      const deadline = Date.now() + this.#timeoutMs;
      try {
        await this.#ready(sub, 'subscribe', deadline);
        await this.#run('subscribe', () => sub.subscribe(this.#prefix + channel));
      } catch (error) {
        listeners.delete(own);
        if (listeners.size === 0) this.#listeners.delete(channel);
        throw error;
      }
    }
    return async () => {
      listeners.delete(own);
      if (listeners.size > 0 || this.#listeners.get(channel) !== listeners) return;
      this.#listeners.delete(channel);
      if (sub.status === 'ready') await sub.unsubscribe(this.#prefix + channel).catch(() => undefined);
    };
  }

  /** One extra connection for every subscription of this store (a subscribed connection can do nothing else). */
  #subscriberClient(): Redis {
    if (this.#subscriber) return this.#subscriber;
    const sub = this.#client.duplicate({
      enableOfflineQueue: false,
      autoResubscribe: true,
      connectionName: `switchyard-sub-${randomUUID().slice(0, 8)}`,
    });
    let readyOnce = false;
    sub.on('error', () => undefined); // Reported through the main connection's status.
    sub.on('ready', () => {
      // ioredis subscribes again by itself; what was published meanwhile is gone: tell the listeners.
      if (readyOnce) for (const [channel, listeners] of this.#listeners) for (const l of listeners) l({ type: 'resync', channel });
      readyOnce = true;
    });
    sub.on('message', (full: string, message: string) => {
      const channel = full.slice(this.#prefix.length);
      const listeners = this.#listeners.get(channel);
      if (listeners) for (const l of listeners) l({ type: 'message', channel, message });
    });
    this.#subscriber = sub;
    return sub;
  }

  onStatus(listener: (event: StoreStatusEvent) => void): () => void {
    this.#status.add(listener);
    return () => void this.#status.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#subscriber?.disconnect();
    if (this.#owned) this.#client.disconnect();
  }
}
