import { AbortError } from '../core/errors.js';
import { uniqueId } from '../core/ids.js';
import type { RateRequest, SharedStore } from '../state/shared.js';
import { type Limiter, localLimitError, MINUTE, queueRefusal, type RateLimitOptions, type Slot } from './limiter.js';
import { WaitingLine } from './waiting-line.js';

/** How long a concurrency slot is leased: a process killed mid-call frees its slots at most this long after it last renewed them. */
export const SLOT_LEASE_MS = 30_000;
/**
 * A request waiting for a concurrency slot asks the store again after at most this long: the
 * store's hint is when the first lease ends, but a call in another process usually gives its slot
 * back much sooner (a slot given back in this process wakes the line at once).
 */
export const SLOT_POLL_MS = 50;
/**
 * The store's windows are this much longer than a minute. The store counts admissions, and a call
 * reaches the vendor a little after its admission (a store round trip, the send): calls admitted at
 * the two ends of a window could otherwise arrive at the vendor within one minute, one too many.
 * With this margin at most `rpm` calls reach the vendor in any minute while that delay varies by
 * less than 1 s between calls (measured: 22 ms on a loaded machine); the cost is 1/61 of the rate.
 */
export const WINDOW_MS = MINUTE + 1_000;
/** The limit a token correction is counted under: it is added to the window, never refused. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

type Admission = { ok: true; slot: Slot } | { ok: false; retryAfterMs: number; by: 'slot' | 'window' };

/** A request in this process's line (an object: the line is settled by identity). */
interface Waiting {
  tokens: number;
}

/**
 * One target's limits counted in a shared store, for every process on it: `rpm` and `tpm` are
 * sliding windows of a minute and a second ({@link WINDOW_MS}, `admitRate`), `maxConcurrent` is
 * leased slots (`acquireSlot`, renewed while the call runs, given back with `releaseSlot`). The
 * store decides every admission; this process keeps only a hint (until when the store last
 * refused, from its `retryAfterMs`) and its own line of waiting requests, first in first out: only
 * the head of the line asks the store, once per `retryAfterMs` (at most {@link SLOT_POLL_MS} when a
 * slot is what it waits for), never in a busy loop. Store errors are the store's: under its
 * `onStoreError` policy an admission either fails with `StoreUnavailableError` or is admitted
 * without counting (`degraded`).
 */
export class SharedLimiter implements Limiter {
  readonly overflow: 'next' | 'queue';
  readonly #maxQueue: number;
  readonly #keys: { rpm: string; tpm: string; slots: string };
  readonly #line: WaitingLine<Waiting, Slot>;
  /** Until when the store refused this target, as this process last heard (a hint to wait; never a reason to admit). */
  #blockedUntil = 0;
  #blockedBy: 'slot' | 'window' = 'window';
  #serving = false;
  #wake: (() => void) | undefined;
  #stopped = false;

  constructor(
    readonly name: string,
    readonly options: RateLimitOptions,
    private readonly store: SharedStore,
    private readonly now: () => number = Date.now,
    /** A slot's lease; renewed every third of it while its call (or stream) runs. */
    private readonly leaseMs = SLOT_LEASE_MS,
  ) {
    this.overflow = options.overflow ?? 'next';
    this.#maxQueue = options.maxQueue ?? 1_000;
    const base = `ratelimit:${name}:`;
    this.#keys = { rpm: `${base}rpm`, tpm: `${base}tpm`, slots: `${base}slots` };
    this.#line = new WaitingLine(() => {
      if (this.#line.size === 0) this.#wake?.();
    });
  }

  wouldAdmit(): boolean {
    return this.#line.size === 0 && this.now() >= this.#blockedUntil;
  }

  async tryAcquire(tokens: number): Promise<Slot | undefined> {
    if (!this.wouldAdmit()) return undefined;
    const admission = await this.#admit(tokens);
    if (admission.ok) return admission.slot;
    this.#block(admission);
    return undefined;
  }

  async acquire(tokens: number, signal: AbortSignal | undefined): Promise<Slot> {
    if (signal?.aborted) throw new AbortError();
    const slot = await this.tryAcquire(tokens);
    if (slot) return slot;
    if (signal?.aborted) throw new AbortError();
    const refused = queueRefusal(this.name, { stopped: this.#stopped, maxQueue: this.#maxQueue, waiting: this.#line.size });
    if (refused) throw refused;
    const waiting = this.#line.enter({ tokens }, signal);
    this.#serve();
    return await waiting;
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
    this.#line.rejectAll(() => localLimitError(this.name, `Local rate limiter of "${this.name}" was closed while the request waited`));
  }

  /**
   * One admission in the store, one round trip: the request and token windows and the concurrency
   * slot together, all or nothing (a refusal by one takes nothing from the others).
   */
  async #admit(tokens: number): Promise<Admission> {
    const { maxConcurrent, rpm, tpm } = this.options;
    const id = uniqueId();
    const weight = tpm === undefined ? 0 : Math.min(Math.max(1, Math.ceil(tokens)), tpm);
    const windows: Array<Omit<RateRequest, 'id'>> = [];
    if (rpm !== undefined) windows.push({ key: this.#keys.rpm, limit: rpm, windowMs: WINDOW_MS });
    if (tpm !== undefined) windows.push({ key: this.#keys.tpm, limit: tpm, windowMs: WINDOW_MS, weight });
    const slot = maxConcurrent === undefined ? undefined : { key: this.#keys.slots, limit: maxConcurrent, leaseMs: this.leaseMs };
    if (windows.length === 0 && slot === undefined) return { ok: true, slot: this.#slot(id, false, weight) };
    const r = await this.store.admitLimits({ id, windows, ...(slot && { slot }) });
    if (r.ok) return { ok: true, slot: this.#slot(id, slot !== undefined, weight) };
    return { ok: false, retryAfterMs: r.by === 'slot' ? Math.min(r.retryAfterMs, SLOT_POLL_MS) : r.retryAfterMs, by: r.by };
  }

  /** The admitted call's slot: renews its lease while held; its release gives the slot back and corrects the token count upwards. */
  #slot(id: string, slotHeld: boolean, weight: number): Slot {
    const { maxConcurrent, tpm } = this.options;
    const renew =
      slotHeld && maxConcurrent !== undefined
        ? setInterval(() => {
            this.store.acquireSlot({ key: this.#keys.slots, id, limit: maxConcurrent, leaseMs: this.leaseMs }).catch(() => undefined);
          }, this.leaseMs / 3)
        : undefined;
    renew?.unref?.();
    let released = false;
    return {
      release: (actualTokens) => {
        if (released) return;
        released = true;
        if (renew !== undefined) clearInterval(renew);
        if (slotHeld) this.#giveBack(id);
        // The window cannot give back an over-estimate; a call that used more than it reserved adds the difference.
        if (tpm !== undefined && actualTokens !== undefined && actualTokens > weight) {
          const extra = Math.ceil(actualTokens - weight);
          this.store
            .admitRate({ key: this.#keys.tpm, id: `${id}+`, limit: UNBOUNDED, windowMs: WINDOW_MS, weight: extra })
            .catch(() => undefined);
        }
      },
    };
  }

  /** Gives a slot back (in the background: the caller's response does not wait), then wakes a line waiting for a slot. */
  #giveBack(id: string): void {
    this.store
      .releaseSlot(this.#keys.slots, id)
      .catch(() => undefined)
      .then(() => {
        if (this.#blockedBy !== 'slot') return;
        this.#blockedUntil = 0;
        this.#wake?.();
      })
      .catch(() => undefined);
  }

  #block(refusal: { retryAfterMs: number; by: 'slot' | 'window' }): void {
    this.#blockedUntil = this.now() + refusal.retryAfterMs;
    this.#blockedBy = refusal.by;
  }

  /** Serves the line while anyone waits: the head asks the store, and the line sleeps for the store's `retryAfterMs` after a refusal. */
  #serve(): void {
    if (this.#serving) return;
    this.#serving = true;
    void this.#serveLoop();
  }

  async #serveLoop(): Promise<void> {
    try {
      while (!this.#stopped) {
        const head = this.#line.first();
        if (head === undefined) break;
        const wait = this.#blockedUntil - this.now();
        if (wait > 0) {
          await this.#sleep(wait);
          continue;
        }
        let admission: Admission;
        try {
          admission = await this.#admit(head.tokens);
        } catch (error) {
          // The store could not answer (fail-closed): this request fails with the store's error.
          this.#line.settleFirst(head, { error });
          continue;
        }
        if (admission.ok) {
          // The head left (its abort) while the store answered: the slot goes back.
          if (!this.#line.settleFirst(head, { value: admission.slot })) admission.slot.release();
        } else this.#block(admission);
      }
    } finally {
      // Set in the same step as the loop's last check: a request that enters later starts a new loop.
      this.#serving = false;
    }
  }

  /** Waits `ms` (a timer that keeps the process alive, like any waiting request), or less when woken. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
