import type { SharedStore } from '../../state/shared.js';

/** The pin key of a tenant's session. */
export function sessionKey(tenant: string | undefined, session: string): string {
  return `${tenant ?? ''}\u0000${session}`;
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
  readonly #store: SharedStore | undefined;

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
    store?: SharedStore,
  ) {
    this.#store = store?.kind === 'memory' ? undefined : store;
  }

  /** True when pins are shared through a store: `load` then reads the store. */
  get shared(): boolean {
    return this.#store !== undefined;
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
    if (!this.#store) return;
    let model: string | undefined;
    try {
      model = await this.#store.get(storeKey(key));
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
    if (!this.#store) return;
    const at = storeKey(key);
    const written =
      before === undefined
        ? // A new session: the first process to pin it wins; the others adopt the winner's model.
          this.#store.setIfAbsent(at, model, { ttlMs: this.ttlMs }).then((r) => {
            if (!r.created) this.#remember(key, r.value);
          })
        : this.#store.set(at, model, { ttlMs: this.ttlMs });
    written.catch(() => undefined);
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
