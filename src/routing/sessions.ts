/**
 * Session pins: the model that last served a session, kept for `ttlMs` after its last use, at
 * most `maxSessions` (least recently used dropped first). Keys are scoped by tenant.
 */
export class SessionPins {
  readonly #pins = new Map<string, { model: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  static #last: { tenant: string | undefined; session: string; key: string } | undefined;

  /** The pin key of a tenant's session; the last one is reused (a session's requests come in runs). */
  static key(tenant: string | undefined, session: string): string {
    const last = SessionPins.#last;
    if (last !== undefined && last.session === session && last.tenant === tenant) return last.key;
    const key = `${tenant ?? ''}\u0000${session}`;
    SessionPins.#last = { tenant, session, key };
    return key;
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

  /** The key set last: the last in the Map's order, unless it has been deleted since. */
  #newest: string | undefined;

  /** Pins (or re-pins) the session to the model that served it. */
  set(key: string, model: string): void {
    const expiresAt = this.now() + this.ttlMs;
    if (key === this.#newest) {
      // Already the most recently used (an agent's calls in one session come in runs): update in
      // place, without a delete and re-insert in the Map.
      const pin = this.#pins.get(key);
      if (pin) {
        pin.model = model;
        pin.expiresAt = expiresAt;
        return;
      }
    }
    this.#pins.delete(key); // re-insert: Map order is the LRU order
    this.#pins.set(key, { model, expiresAt });
    this.#newest = key;
    while (this.#pins.size > this.maxSessions) this.#pins.delete(this.#pins.keys().next().value!);
  }

  get size(): number {
    return this.#pins.size;
  }
}
