import type { SharedStore } from '../../state/shared.js';

/** The pin key of a tenant's session. */
export function sessionKey(tenant: string | undefined, session: string): string {
  return `${tenant ?? ''}\u0000${session}`;
}

/**
 * Session pins kept in a shared store (SQLite, Redis) for every scope of one router: the store is
 * authoritative, each scope's {@link SessionPins} keeps this process's last view. Writes go in the
 * background (the response does not wait for them); `router.close()` waits for those still pending.
 */
export class SharedPins {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly store: SharedStore) {}

  /** The pinned model of a session key, or undefined (none, or expired). */
  read(key: string): Promise<string | undefined> {
    return this.store.get(storeKey(key));
  }

  /**
   * Pins `key` to `model` for `ttlMs`. A new session (`first`): the first process to pin it wins and
   * `adopt` learns the winner's model when it was another; else the pin is overwritten and its expiry renewed.
   */
  write(key: string, model: string, ttlMs: number, first: boolean, adopt: (model: string) => void): void {
    const written = first
      ? this.store.setIfAbsent(storeKey(key), model, { ttlMs }).then((r) => {
          if (!r.created) adopt(r.value);
        })
      : this.store.set(storeKey(key), model, { ttlMs });
    // A failed write leaves the pin to this process's view; the store reports its outage itself (`store` events).
    const tracked: Promise<void> = written.catch(() => undefined).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Resolves once every write started so far has ended. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}

/** Shared pins for a router's store, or undefined for the memory store (pins then live in each scope only). */
export function sharedPins(store: SharedStore): SharedPins | undefined {
  return store.kind === 'memory' ? undefined : new SharedPins(store);
}

/** Where a session's pin lives in a shared store (the pin key, percent-encoded: no NUL in a store key). */
function storeKey(key: string): string {
  return `session-pin:${encodeURIComponent(key)}`;
}

/**
 * Session pins: the model that last served a session, kept for `ttlMs` after its last use, at
 * most `maxSessions` (least recently used dropped first). Keys are scoped by tenant (`sessionKey`).
 *
 * With a shared store (SQLite, Redis) the store is authoritative: a request reads its session's pin
 * from the store before its route is planned (`load`), so a session that started in one process
 * keeps its model in another; the first process to pin a session wins (`setIfAbsent`), a process
 * that served the session re-pins it and renews its expiry (`set` with `ttlMs`). The map here is
 * then this process's last view, used when the store cannot answer. With the memory store, pins
 * live only here.
 */
export class SessionPins {
  readonly #pins = new Map<string, { model: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
    private readonly store?: SharedPins,
  ) {}

  /** True when pins are shared through a store: `load` then reads the store. */
  get shared(): boolean {
    return this.store !== undefined;
  }

  get(key: string): string | undefined {
    const pin = this.#pins.get(key);
    if (!pin) return undefined;
    if (pin.expiresAt <= this.now()) {
      this.#pins.delete(key);
      return undefined;
    }
    return pin.model;
  }

  /**
   * Reads a session's pin from the shared store into this process's view, before the request is
   * planned (nothing to do without a shared store). When the store cannot answer, the local view
   * stays as it was (the store reports its outage as a `store` event).
   */
  async load(key: string): Promise<void> {
    if (!this.store) return;
    let model: string | undefined;
    try {
      model = await this.store.read(key);
    } catch {
      return;
    }
    if (model === undefined) this.#pins.delete(key);
    else this.#remember(key, model);
  }

  /** Pins (or re-pins) the session to the model that served it; with a shared store, also there (in the background). */
  set(key: string, model: string): void {
    const before = this.get(key);
    this.#remember(key, model);
    this.store?.write(key, model, this.ttlMs, before === undefined, (winner) => this.#remember(key, winner));
  }

  #remember(key: string, model: string): void {
    this.#pins.delete(key); // re-insert: Map order is the LRU order
    this.#pins.set(key, { model, expiresAt: this.now() + this.ttlMs });
    while (this.#pins.size > this.maxSessions) this.#pins.delete(this.#pins.keys().next().value!);
  }

  get size(): number {
    return this.#pins.size;
  }
}
