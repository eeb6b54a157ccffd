import type { HoldRef, SharedStore } from '../../state/shared.js';

/** The shortest hold lease a router accepts (`budgetHoldLeaseMs`): below it, renewals would be a store round trip apart. */
export const MIN_LEASE_MS = 1_000;
export const DEFAULT_LEASE_MS = 60_000;

interface Live {
  ref: HoldRef;
  /** When the hold ends at the latest if not renewed, by this process's clock (taken before the store made it: never late). */
  expiresAt: number;
  renewing: boolean;
}

/**
 * One renewal loop for every live budget hold of a router: a request creates no timer of its own.
 * The loop ticks every quarter of the lease while holds are live (and stops when none are): each
 * tick renews, in one `renewHold` each, the holds with half of their lease or less left. So a hold is
 * renewed about every half lease, at least a quarter of a lease before it would end, and a request
 * shorter than a quarter of the lease is never renewed at all. A hold the store says is gone
 * (expired, settled elsewhere) is dropped; a renewal the store could not answer is tried again at the
 * next tick.
 */
export class HoldRenewer {
  readonly leaseMs: number;
  readonly #store: SharedStore;
  readonly #now: () => number;
  readonly #periodMs: number;
  readonly #live = new Map<string, Live>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(store: SharedStore, leaseMs: number = DEFAULT_LEASE_MS, now: () => number = Date.now) {
    this.#store = store;
    this.leaseMs = leaseMs;
    this.#now = now;
    this.#periodMs = Math.max(1, Math.floor(leaseMs / 4));
  }

  /** Holds being kept alive now. */
  get size(): number {
    return this.#live.size;
  }

  /** Keeps `ref` alive until {@link end}; `madeAt` is this process's time just before the reserve was sent. */
  add(ref: HoldRef, madeAt: number): void {
    this.#live.set(ref.id, { ref, expiresAt: madeAt + this.leaseMs, renewing: false });
    if (this.#timer === undefined) {
      this.#timer = setTimeout(this.#tick, this.#periodMs);
      this.#timer.unref?.();
    }
  }

  /** Stops renewing a hold (it is being settled or released). */
  end(id: string): void {
    this.#live.delete(id);
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (this.#live.size === 0) return;
    const now = this.#now();
    for (const [id, live] of this.#live) {
      if (live.renewing || live.expiresAt - now > this.leaseMs / 2) continue;
      live.renewing = true;
      void this.#renew(id, live, now);
    }
    this.#timer = setTimeout(this.#tick, this.#periodMs);
    this.#timer.unref?.();
  };

  async #renew(id: string, live: Live, sentAt: number): Promise<void> {
    try {
      if (await this.#store.renewHold(live.ref, this.leaseMs)) live.expiresAt = sentAt + this.leaseMs;
      else if (this.#live.get(id) === live) this.#live.delete(id);
    } catch {
      // The store could not answer: the next tick tries again (the hold still had half its lease when this one was sent).
    } finally {
      live.renewing = false;
    }
  }
}
