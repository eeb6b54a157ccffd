import type { BreakerRecord, BreakerRegister, BreakerState as StoredState } from '../../state/breaker-state.js';
import type { CircuitBreaker } from './breaker.js';
import type { BreakerTransition } from './types.js';

export interface SharedBreakersOptions {
  register: BreakerRegister;
  /** This router in this process (the probe owner written in the store). */
  owner: string;
  /** How long a probe taken by one process keeps the others out; a killed prober frees it after this. */
  probeLeaseMs: number;
  now: () => number;
}

/** One target's link between the local breaker (the fast cache) and its register in the store. */
interface Link {
  key: string;
  breaker: CircuitBreaker;
  /** The register version the local state reflects (0: never written). */
  version: number;
  /** Store steps of this target, one after the other (versions stay in order). */
  chain: Promise<void>;
  /** Until when this process holds the probe (it took the half-open register). */
  probeUntil?: number;
  /** Until when another process holds the probe, as last read or notified. */
  elsewhereUntil?: number;
  /** A local transition could not be written (store down): written again on the next resync. */
  dirty: boolean;
}

/** Retry bound of a compare-and-set loop (each lost race means another process moved the breaker). */
const MAX_RACES = 5;

/**
 * Circuit breakers shared by every process on one store. Each local breaker stays the cache that the
 * request path reads synchronously; the store is written on transitions only (open, probe taken,
 * closed after a probe, reset), and every process learns of a transition by notification (re-reading
 * every target on `resync`). Half-open probing belongs to one process at a time, under a lease.
 * A store error leaves the local view in force and is retried on the next resync: never a hang.
 */
export class SharedBreakers {
  readonly #o: SharedBreakersOptions;
  readonly #links = new Map<string, Link>();
  readonly #byBreaker = new WeakMap<CircuitBreaker, Link>();
  #stop: (() => Promise<void>) | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Settles once the first subscription attempt did (listening, or failed and retrying later). */
  readonly #listening: Promise<void>;

  constructor(options: SharedBreakersOptions) {
    this.#o = options;
    this.#listening = this.#listen();
  }

  /** Links a newly created local breaker to its target's register and reads the register. */
  attach(key: string, breaker: CircuitBreaker): void {
    const link: Link = { key, breaker, version: 0, chain: Promise.resolve(), dirty: false };
    this.#links.set(key, link);
    this.#byBreaker.set(breaker, link);
    breaker.onStateChange((t) => {
      if (!t.remote) this.#local(link, t);
    });
    this.#enqueue(link, () => this.#refresh(link));
  }

  /** Resolves when the first subscription attempt and every store step asked for so far have settled (the first reads after creation). */
  async settled(): Promise<void> {
    await this.#listening;
    await Promise.all([...this.#links.values()].map((l) => l.chain));
  }

  /**
   * Takes the half-open probe of this breaker for this process (one process probes at a time). False
   * when another process holds it or moved the breaker first (the local breaker then shows that state).
   * A store error answers true: the local view decides.
   */
  claimProbe(breaker: CircuitBreaker): Promise<boolean> {
    const link = this.#byBreaker.get(breaker);
    if (!link) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      this.#enqueue(link, async () => {
        try {
          resolve(await this.#claim(link));
        } catch (error) {
          resolve(true);
          throw error;
        }
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.settled();
    await this.#stop?.().catch(() => undefined);
  }

  #listen(): Promise<void> {
    return this.#o.register
      .subscribe((change) => {
        if (change.type === 'resync') this.#resyncAll();
        else {
          const link = this.#links.get(change.target);
          // Any other version (a lower one too: the store lost its data and counts again from 1) is read.
          if (link && change.version !== link.version) this.#enqueue(link, () => this.#refresh(link));
        }
      })
      .then(
        (stop) => {
          if (this.#closed) return void stop().catch(() => undefined);
          this.#stop = stop;
          // What changed before the subscription began was not notified: read it once.
          this.#resyncAll();
        },
        () => {
          // The store is down: try again, without keeping the process alive for it.
          if (!this.#closed) (this.#retry = setTimeout(() => void this.#listen(), 1_000)).unref?.();
        },
      );
  }

  #resyncAll(): void {
    for (const link of this.#links.values()) this.#enqueue(link, () => (link.dirty ? this.#push(link) : this.#refresh(link)));
  }

  #enqueue(link: Link, step: () => Promise<void>): void {
    link.chain = link.chain.then(step).catch(() => {
      // A store error (the store reports its outage through its own status events); the local view stays in force.
    });
  }

  /** A transition made here: written to the store (only these; a request never costs a round trip). */
  #local(link: Link, t: BreakerTransition): void {
    if (t.to === 'half-open') return; // The cooldown elapsed here: the probe is claimed when one is taken.
    const forced = t.to === 'closed' && t.reason === 'manual reset';
    const next = this.#stored(link, t);
    this.#enqueue(link, () => this.#write(link, next, forced));
  }

  /** The store form of the local breaker's state after a transition. */
  #stored(link: Link, t: BreakerTransition): StoredState {
    const s = link.breaker.toJSON();
    if (s.state === 'open') return { state: 'open', openedAt: s.openedAt, retryAt: s.until, reason: t.reason };
    return { state: 'closed', since: t.at };
  }

  /**
   * Writes a transition. A lost race to a newer closed state is retried (fresh evidence of failures
   * stands) and so is a forced reset; otherwise the other process's state is adopted.
   */
  async #write(link: Link, next: StoredState, forced: boolean): Promise<void> {
    link.probeUntil = undefined;
    try {
      for (let i = 0; i < MAX_RACES; i++) {
        const r = await this.#o.register.transition(link.key, link.version, next);
        if (r.ok) {
          link.version = r.version;
          link.dirty = false;
          return;
        }
        const current = r.current;
        if (current && !forced && !(next.state === 'open' && current.breaker.state === 'closed')) {
          link.dirty = false;
          return this.#adopt(link, current);
        }
        link.version = current?.version ?? 0;
      }
    } catch (error) {
      link.dirty = true;
      throw error;
    }
  }

  /** After a resync: a transition that could not be written is written now (unless another process moved on). */
  async #push(link: Link): Promise<void> {
    const s = link.breaker.toJSON();
    if (s.state === 'half-open') return this.#refresh(link);
    const next: StoredState =
      s.state === 'open' ? { state: 'open', openedAt: s.openedAt, retryAt: s.until } : { state: 'closed', since: this.#o.now() };
    await this.#write(link, next, false);
  }

  async #refresh(link: Link): Promise<void> {
    const record = await this.#o.register.get(link.key);
    if (record && record.version !== link.version) this.#adopt(link, record);
    // Gone (the store lost its data): the local state stays, and the next write starts the register again.
    else if (!record) link.version = 0;
  }

  async #claim(link: Link): Promise<boolean> {
    const now = this.#o.now();
    if (link.probeUntil !== undefined && link.probeUntil > now) return true;
    // Another process's probe learned while this claim waited its turn: the version is current, so a
    // compare-and-set would succeed and take the probe from under it.
    if (link.elsewhereUntil !== undefined && link.elsewhereUntil > now) return false;
    const probeUntil = now + this.#o.probeLeaseMs;
    const next: StoredState = { state: 'half-open', since: now, probeOwner: this.#o.owner, probeUntil };
    for (let i = 0; i < MAX_RACES; i++) {
      const r = await this.#o.register.transition(link.key, link.version, next);
      if (r.ok) {
        link.version = r.version;
        link.probeUntil = probeUntil;
        link.elsewhereUntil = undefined;
        return true;
      }
      const current = r.current;
      if (current && !this.#claimable(current.breaker, now)) {
        this.#adopt(link, current);
        return current.breaker.state === 'closed';
      }
      link.version = current?.version ?? 0;
    }
    return false;
  }

  /** Whether a stored state lets this process take the probe: an open breaker past its cooldown, or a probe whose lease ended. */
  #claimable(s: StoredState, now: number): boolean {
    if (s.state === 'open') return s.retryAt <= now;
    if (s.state === 'half-open') return s.probeOwner === this.#o.owner || s.probeUntil <= now;
    return false;
  }

  /** Makes another process's state the local breaker's (listeners hear of it as `remote`). */
  #adopt(link: Link, record: BreakerRecord): void {
    link.version = record.version;
    const s = record.breaker;
    const breaker = link.breaker;
    link.elsewhereUntil = undefined;
    if (s.state === 'closed') {
      link.probeUntil = undefined;
      if (breaker.toJSON().state !== 'closed') breaker.adopt({ state: 'closed', consecutiveFailures: 0 }, 'closed by another process');
    } else if (s.state === 'open') {
      link.probeUntil = undefined;
      breaker.adopt({ state: 'open', openedAt: s.openedAt, until: s.retryAt }, s.reason ?? 'opened by another process');
    } else if (s.probeOwner === this.#o.owner) {
      link.probeUntil = s.probeUntil;
    } else {
      link.probeUntil = undefined;
      link.elsewhereUntil = s.probeUntil;
      breaker.adopt({ state: 'half-open', inFlight: 0, successes: 0, probeElsewhereUntil: s.probeUntil }, 'probe taken by another process');
    }
  }
}
