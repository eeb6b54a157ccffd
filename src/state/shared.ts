import type { Store } from './store.js';

/**
 * The coordination primitives that several router processes share through one store: leased budget
 * holds, rate-limit admission, concurrency slots, versioned registers (breaker state, emergency
 * controls, tenant configs), keys that expire (session pins, statistics) and change notification.
 *
 * Every method is atomic on its own and maps to one Redis command or one Lua script; the SQLite store
 * runs each in one `BEGIN IMMEDIATE` transaction; the memory store does each in one synchronous step.
 * Money is counted in integer micro-dollars (`1_000_000` = $1). Times are milliseconds since the epoch,
 * read from the store's clock (Redis: the server's `TIME`, so that processes with skewed clocks agree).
 */
export interface SharedStore extends Store {
  /** Which implementation this is (for events and docs). */
  readonly kind: StoreKind;

  /**
   * Writes `value` only when `key` holds no live value; resolves with the value that is there
   * afterwards (the caller's when `created`). A session pin: the first process to pin wins.
   */
  setIfAbsent(key: string, value: string, options?: { ttlMs?: number }): Promise<{ created: boolean; value: string }>;

  /**
   * Reserves `amount` on every item's budget, all or nothing: for each item, `spent + held + amount
   * <= limit`, where `held` counts only live holds (an expired hold no longer counts). The hold lives
   * until `leaseMs` from now unless renewed, settled or released. Retrying with the same `id` answers
   * with the hold already made (no second reservation); an id already settled or released is refused.
   */
  reserveHold(request: HoldRequest): Promise<HoldResult>;
  /**
   * Ends a hold and adds the real cost (`charges[i]` micro-dollars to item `i`'s `spent`). Idempotent:
   * a second settle or a settle after a release changes nothing and answers `duplicate`. A hold that
   * expired before its settle still charges its cost (the money was spent): `expired: true`.
   */
  settleHold(hold: HoldRef, charges: ReadonlyArray<number>): Promise<SettleResult>;
  /** Ends a hold with no cost. Idempotent like {@link settleHold}. */
  releaseHold(hold: HoldRef): Promise<SettleResult>;
  /** Moves a live hold's expiry to `leaseMs` from now (a long stream). False when it is gone or expired. */
  renewHold(hold: HoldRef, leaseMs: number): Promise<boolean>;
  /** Settled spend and live holds of each budget key, in order (zeros for an unknown key). */
  budgetUsage(keys: ReadonlyArray<string>): Promise<BudgetUsage[]>;

  /**
   * Sliding-window admission: admits when the weights admitted at `key` during the last `windowMs`,
   * plus `weight`, stay within `limit`; an admitted call counts until `windowMs` after its admission.
   * Requests per minute: `{ limit: 600, windowMs: 60_000 }`; tokens per minute: `weight` = tokens.
   */
  admitRate(request: RateRequest): Promise<RateResult>;
  /**
   * Takes one of `limit` concurrency slots at `key` for `leaseMs` (a slot whose process died frees
   * itself when its lease ends). Taking a slot again with the same `id` renews it.
   */
  acquireSlot(request: SlotRequest): Promise<SlotResult>;
  /** Gives a slot back (nothing happens when it is not held). */
  releaseSlot(key: string, id: string): Promise<void>;
  /**
   * A rate-limited call's whole admission in one step, all or nothing: every window must have room
   * for its weight and the slot (when given) must be free; then the windows count the call and the
   * slot is taken, else nothing changes. One round trip for `rpm` + `tpm` + `maxConcurrent`, and a
   * refusal by one limit takes nothing from the others. {@link admitRate} and {@link acquireSlot} are
   * its one-window and one-slot cases.
   */
  admitLimits(request: LimitRequest): Promise<LimitResult>;

  /** A versioned register's value (undefined when absent or expired). Versions start at 1. */
  getVersioned(key: string): Promise<Versioned | undefined>;
  /**
   * Writes `value` when the register's version is `expectedVersion` (0: absent), in one step, and
   * then publishes `{ key, version }` (JSON) on `notify` when given. A breaker transition or an
   * emergency control: the loser of a race learns the winner's value and version.
   */
  compareAndSet(key: string, expectedVersion: number, value: string, options?: { ttlMs?: number; notify?: string }): Promise<CasResult>;

  /** Sends `message` to every subscriber of `channel` in every process on this store (at most once). */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Listens on `channel`. Messages sent while this process was cut off from the store are not
   * replayed: the listener gets `{ type: 'resync' }` instead, and should re-read what it caches.
   * Resolves once listening; the returned function stops it.
   */
  subscribe(channel: string, listener: (change: StoreChange) => void): Promise<() => Promise<void>>;

  /** Listens to the store's own health (outages, recoveries, degraded decisions); returns an unsubscribe function. */
  onStatus(listener: (event: StoreStatusEvent) => void): () => void;
  /** Stops timers and subscriptions and closes connections the store opened itself (not a client it was given). */
  close(): Promise<void>;
}

export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** One budget a hold counts against: a counter key (tenant + budget + period) and its inclusive limit. */
export interface HoldItem {
  key: string;
  /** Micro-dollars to hold (an integer >= 0). */
  amount: number;
  /** Micro-dollars: `spent + held + amount` may not exceed it. */
  limit: number;
  /** The budget key (its spend and holds) expires this long after its last reservation; for a period's counters. */
  ttlMs?: number;
}

export interface HoldRequest {
  /** Unique per reservation (a request id): the idempotency key of reserve, settle and release. */
  id: string;
  /** Who holds it (process and router); shown in events, kept with the hold. */
  owner: string;
  /** The hold stops counting this long after it was made (or last renewed). */
  leaseMs: number;
  items: ReadonlyArray<HoldItem>;
}

/** What settle, release and renew need to find a hold: the id and the keys it was made on. */
export interface HoldRef {
  id: string;
  keys: ReadonlyArray<string>;
}

export type HoldResult =
  | {
      ok: true;
      hold: HoldRef & { owner: string; expiresAt: number };
      /** `spent + held` of each item after the reservation. */
      values: number[];
      /** True when this id had already reserved (a retry): nothing more was held. */
      existing: boolean;
      /** Set only by a store under `onStoreError: 'fail-open'` that could not reach its server: nothing was held. */
      degraded?: true;
    }
  | {
      ok: false;
      reason: 'limit';
      /** The first item that did not fit, with its spend and live holds before the attempt. */
      index: number;
      spent: number;
      held: number;
      limit: number;
      /**
       * `spent + held` of every item before the attempt, in item order (live holds only), so that a
       * caller can decide again (drop or downgrade what does not fit) without a second read. The
       * memory, SQLite and Redis stores always answer it; optional for stores written before it.
       */
      used?: number[];
    }
  | { ok: false; reason: 'finished'; state: 'settled' | 'released' };

export type SettleResult =
  | {
      status: 'settled' | 'released';
      /** The hold had expired (or was never made) before this call: its cost was charged all the same. */
      expired: boolean;
      /** Each key's settled spend afterwards. */
      spent: number[];
    }
  /** This hold was already settled or released: nothing changed. */
  | { status: 'duplicate'; state: 'settled' | 'released' }
  /** Fail-open store that could not reach its server: nothing was recorded. */
  | { status: 'degraded' };

export interface BudgetUsage {
  key: string;
  /** Settled micro-dollars. */
  spent: number;
  /** Micro-dollars in live holds. */
  held: number;
  /** Number of live holds. */
  holds: number;
}

export interface RateRequest {
  key: string;
  /** Unique per call (the entry that counts in the window). */
  id: string;
  limit: number;
  windowMs: number;
  /** What this call counts for (1 per request; tokens for a TPM limit). Default 1. */
  weight?: number;
}

export type RateResult =
  | { ok: true; used: number; limit: number; degraded?: true }
  /** `retryAfterMs`: when enough of the window will have passed for this call's weight. */
  | { ok: false; used: number; limit: number; retryAfterMs: number };

export interface SlotRequest {
  key: string;
  id: string;
  limit: number;
  leaseMs: number;
}

export type SlotResult =
  | { ok: true; inUse: number; expiresAt: number; degraded?: true }
  /** `retryAfterMs`: when the first lease ends at the latest (a slot given back frees sooner); one lease length when none is held. */
  | { ok: false; inUse: number; limit: number; retryAfterMs: number };

export interface LimitRequest {
  /** Unique per call: the windows' entry and the slot's holder (the same id again renews the slot). */
  id: string;
  /** Sliding windows (`weight` default 1) that must all have room. */
  windows?: ReadonlyArray<Omit<RateRequest, 'id'>>;
  /** A concurrency slot to take with them. */
  slot?: Omit<SlotRequest, 'id'>;
}

export type LimitResult =
  | {
      ok: true;
      /** Each window's use after this call, in order. */
      used: number[];
      /** Slots in use after this call, and when this one's lease ends (with `slot`). */
      inUse?: number;
      expiresAt?: number;
      degraded?: true;
    }
  | {
      ok: false;
      /** What refused: a window (the windows are checked first) or the slot. */
      by: 'window' | 'slot';
      /** The refusing window with the longest wait (`by: 'window'`), else 0. */
      index: number;
      /** Each window's use before this call, in order. */
      used: number[];
      inUse?: number;
      /** When the call could fit: the longest wait of the refusing windows, or when the first slot lease ends. */
      retryAfterMs: number;
    };

export interface Versioned {
  version: number;
  value: string;
}

export type CasResult = { ok: true; version: number } | { ok: false; current: Versioned | undefined };

export type StoreChange = { type: 'message'; channel: string; message: string } | { type: 'resync'; channel: string };

/** What a store reports about itself (never a key or a password). */
export type StoreStatusEvent =
  | { type: 'unavailable'; store: StoreKind; error: Error; at: number }
  | { type: 'available'; store: StoreKind; downMs: number; at: number }
  /** An admission answered without the server under `onStoreError: 'fail-open'`. */
  | { type: 'degraded'; store: StoreKind; operation: DegradableOperation; at: number };

export type DegradableOperation = 'reserveHold' | 'settleHold' | 'releaseHold' | 'admitRate' | 'acquireSlot' | 'admitLimits';

/** What a store does when its server cannot answer in time: refuse (throw `StoreUnavailableError`) or admit. */
export type StoreErrorPolicy = 'fail-closed' | 'fail-open';

/**
 * Per kind of admission: `budget` (reserve, settle, release), `rateLimit` (windows and slots).
 * Everything else (records, counters, registers, notifications) always rejects with
 * `StoreUnavailableError`: the router falls back to its local view of breakers and controls.
 */
export type StoreErrorPolicyOption = StoreErrorPolicy | { budget?: StoreErrorPolicy; rateLimit?: StoreErrorPolicy };

export function policyFor(option: StoreErrorPolicyOption | undefined, kind: 'budget' | 'rateLimit'): StoreErrorPolicy {
  if (option === undefined) return 'fail-closed';
  if (typeof option === 'string') return option;
  return option[kind] ?? 'fail-closed';
}
