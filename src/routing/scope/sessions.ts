/** The pin key of a tenant's session. */
export function sessionKey(tenant: string | undefined, session: string): string {
  return `${tenant ?? ''}\u0000${session}`;
}

/**
 * Session pins: the model that last served a session, kept for `ttlMs` after its last use, at
 * most `maxSessions` (least recently used dropped first). Keys are scoped by tenant (`sessionKey`).
 */
export class SessionPins {
  readonly #pins = new Map<string, { model: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxSessions = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): string | undefined {
    const pin = this.#pins.get(key);
    if (!pin) return undefined;
    if (pin.expiresAt <= this.now()) {
      this.#pins.delete(key);
      return undefined;
    }
    return pin.model;
  }

  /** Pins (or re-pins) the session to the model that served it. */
  set(key: string, model: string): void {
    this.#pins.delete(key); // re-insert: Map order is the LRU order
    this.#pins.set(key, { model, expiresAt: this.now() + this.ttlMs });
    while (this.#pins.size > this.maxSessions) this.#pins.delete(this.#pins.keys().next().value!);
  }

  get size(): number {
    return this.#pins.size;
  }
}
