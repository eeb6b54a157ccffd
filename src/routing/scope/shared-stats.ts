import type { SharedStore } from '../../state/shared.js';

/** Statistics are counted in the store per minute: one counter hash per minute bucket. */
const BUCKET_MS = 60_000;
/** The fleet view covers the current minute and the four before it. */
const WINDOW_BUCKETS = 5;
/** How long the fleet's statistics look back, ms. */
export const STATS_WINDOW_MS = WINDOW_BUCKETS * BUCKET_MS;
/** A bucket expires on its own two minutes after it left the window (each flush into it renews that). */
const BUCKET_TTL_MS = (WINDOW_BUCKETS + 2) * BUCKET_MS;
/** Default of the `statsSyncMs` router option. */
export const DEFAULT_STATS_SYNC_MS = 2_000;
/** This process's EWMA stays preferred over the fleet's mean while its newest sample is at most this old (or two syncs). */
const FRESH_MS = 10_000;

const METRICS = ['calls', 'failures', 'latencySum', 'latencyCount', 'ttftSum', 'ttftCount'] as const;
type Metric = (typeof METRICS)[number];
type Counts = Record<Metric, number>;

/** What the fleet measured for one model of one scope over the last {@link STATS_WINDOW_MS}. */
export interface FleetModelStats {
  /** Calls that ended (successes and failures; calls the caller aborted are not counted). */
  requests: number;
  failures: number;
  /** `failures / requests`, 0 without calls. */
  errorRate: number;
  /** Mean latency of successful calls, ms. */
  latencyMs?: number;
  /** Mean time to first token of streams, ms. */
  ttftMs?: number;
  /** How far back these figures look, ms. */
  windowMs: number;
}

/** One scope's handle on the router's shared statistics (what {@link RouterStats} feeds and reads). */
export interface FleetStatsLink {
  /** How long a sample of this process's own stays fresh enough to prefer its EWMA, ms. */
  readonly freshMs: number;
  record(model: string, outcome: { ok: true; latencyMs: number } | { ok: false }): void;
  firstToken(model: string, ttftMs: number): void;
  /** The fleet's figures, including this process's calls not yet flushed; undefined when nobody measured the model. */
  view(model: string): FleetModelStats | undefined;
}

const zero = (): Counts => ({ calls: 0, failures: 0, latencySum: 0, latencyCount: 0, ttftSum: 0, ttftCount: 0 });

function addInto(target: Map<string, Counts>, key: string, deltas: Partial<Counts>): void {
  let c = target.get(key);
  if (!c) target.set(key, (c = zero()));
  for (const m of METRICS) c[m] += deltas[m] ?? 0;
}

/** `scope:model` with both parts percent-encoded (no `:` inside); the default scope is empty, a tenant's starts with `~`. */
function statKey(scope: string | undefined, model: string): string {
  return `${scope === undefined ? '' : `~${encodeURIComponent(scope)}`}:${encodeURIComponent(model)}`;
}

const bucketKey = (bucket: number) => `stats:${bucket}`;

/**
 * Latency and error statistics of every scope of one router, counted in a shared store (SQLite,
 * Redis) so that every process reads the fleet's picture and a restarted process starts warm.
 *
 * Nothing here runs on the request path: calls are added to this process's deltas synchronously,
 * and one loop per router, every `syncMs`, sends them as one `increment` per minute bucket
 * (`stats:<minute>`, fields `<scope>:<model>:<metric>`, expiring on their own) and reads the
 * buckets of the window back (a fixed {@link WINDOW_BUCKETS} `counters` calls). A flush that fails
 * keeps its deltas for the next one; deltas older than the window are dropped (nobody would read
 * them), so an outage cannot grow memory beyond the window's buckets. The store reports its own
 * outages (the router's `store` event); nothing here throws or rejects.
 */
export class SharedStats {
  /** Deltas not yet sent, per minute bucket. */
  #pending = new Map<number, Map<string, Counts>>();
  /** Deltas being sent now (out of {@link #pending} until the store answers). */
  #sending = new Map<number, Map<string, Counts>>();
  /** Deltas sent since the last successful read (so not in {@link #view} yet), per minute bucket. */
  #unseen = new Map<number, Map<string, Counts>>();
  /** The fleet's sums over the window, as last read. */
  #view = new Map<string, Counts>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  readonly #first: Promise<void>;
  readonly freshMs: number;

  constructor(
    private readonly store: SharedStore,
    private readonly syncMs: number,
    private readonly now: () => number,
  ) {
    this.freshMs = Math.max(FRESH_MS, 2 * syncMs);
    this.#first = this.sync();
    this.#timer = setInterval(() => {
      if (!this.#running) void this.sync();
    }, syncMs);
    this.#timer.unref?.();
  }

  /** Resolves once the first read of the store has ended (whatever its outcome). */
  settled(): Promise<void> {
    return this.#first;
  }

  /** The handle of one scope: `undefined` for the router's default scope, else the tenant id. */
  link(scope: string | undefined): FleetStatsLink {
    return {
      freshMs: this.freshMs,
      record: (model, outcome) =>
        this.#add(
          statKey(scope, model),
          outcome.ok ? { calls: 1, latencySum: Math.max(0, Math.round(outcome.latencyMs)), latencyCount: 1 } : { calls: 1, failures: 1 },
        ),
      firstToken: (model, ttftMs) => this.#add(statKey(scope, model), { ttftSum: Math.max(0, Math.round(ttftMs)), ttftCount: 1 }),
      view: (model) => this.#viewOf(statKey(scope, model)),
    };
  }

  /** One flush and one read, never two at once; never rejects. */
  sync(): Promise<void> {
    const run = (this.#running ?? Promise.resolve()).then(() => this.#syncOnce());
    const tracked: Promise<void> = run.finally(() => {
      if (this.#running === tracked) this.#running = undefined;
    });
    this.#running = tracked;
    return tracked;
  }

  /** Stops the loop and sends the last deltas (one attempt: a store that is down loses them). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
    await this.#flush();
  }

  #add(key: string, deltas: Partial<Counts>): void {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    let b = this.#pending.get(bucket);
    if (!b) this.#pending.set(bucket, (b = new Map()));
    addInto(b, key, deltas);
  }

  #viewOf(key: string): FleetModelStats | undefined {
    const c = zero();
    const read = this.#view.get(key);
    const oldest = this.#oldestBucket();
    const parts = read ? [read] : [];
    for (const local of [this.#pending, this.#sending, this.#unseen])
      for (const [bucket, counts] of local) {
        const own = bucket >= oldest ? counts.get(key) : undefined;
        if (own) parts.push(own);
      }
    if (parts.length === 0) return undefined;
    for (const p of parts) for (const m of METRICS) c[m] += p[m];
    if (c.calls === 0 && c.ttftCount === 0) return undefined;
    const out: FleetModelStats = {
      requests: c.calls,
      failures: c.failures,
      errorRate: c.calls === 0 ? 0 : c.failures / c.calls,
      windowMs: STATS_WINDOW_MS,
    };
    if (c.latencyCount > 0) out.latencyMs = c.latencySum / c.latencyCount;
    if (c.ttftCount > 0) out.ttftMs = c.ttftSum / c.ttftCount;
    return out;
  }

  #oldestBucket(): number {
    return Math.floor(this.now() / BUCKET_MS) - WINDOW_BUCKETS + 1;
  }

  async #syncOnce(): Promise<void> {
    try {
      await this.#flush();
      if (!this.#closed) await this.#read();
    } catch {
      // #flush and #read handle the store's rejections; this only guards the loop against the unexpected (never an unhandled rejection).
    }
  }

  /** Sends each bucket's deltas as one `increment`; a bucket whose send fails goes back to the pending ones. */
  async #flush(): Promise<void> {
    const oldest = this.#oldestBucket();
    for (const local of [this.#pending, this.#unseen]) for (const bucket of local.keys()) if (bucket < oldest) local.delete(bucket);
    this.#sending = this.#pending;
    this.#pending = new Map();
    await Promise.all(
      [...this.#sending].map(async ([bucket, counts]) => {
        const deltas: Record<string, number> = {};
        for (const [key, c] of counts) for (const m of METRICS) if (c[m] !== 0) deltas[`${key}:${m}`] = c[m];
        try {
          if (Object.keys(deltas).length > 0) await this.store.increment(bucketKey(bucket), deltas, { ttlMs: BUCKET_TTL_MS });
          mergeBucket(this.#unseen, bucket, counts);
        } catch {
          // Kept for the next flush; the store reports its outage itself (the router's `store` event).
          mergeBucket(this.#pending, bucket, counts);
        }
        this.#sending.delete(bucket);
      }),
    );
  }

  /** Reads the window's buckets and replaces the view; on failure the last view stays. */
  async #read(): Promise<void> {
    const newest = Math.floor(this.now() / BUCKET_MS);
    const buckets = Array.from({ length: WINDOW_BUCKETS }, (_, i) => newest - i);
    let hashes: Array<Record<string, number>>;
    try {
      hashes = await Promise.all(buckets.map((b) => this.store.counters(bucketKey(b))));
    } catch {
      return;
    }
    const view = new Map<string, Counts>();
    for (const hash of hashes)
      for (const [field, value] of Object.entries(hash)) {
        const cut = field.lastIndexOf(':');
        const metric = field.slice(cut + 1);
        if (cut <= 0 || !(METRICS as readonly string[]).includes(metric) || !Number.isFinite(value)) continue;
        addInto(view, field.slice(0, cut), { [metric]: value });
      }
    this.#view = view;
    // What was sent before this read is in the view now; what is pending still is not.
    this.#unseen = new Map();
  }
}

function mergeBucket(into: Map<number, Map<string, Counts>>, bucket: number, counts: Map<string, Counts>): void {
  let b = into.get(bucket);
  if (!b) into.set(bucket, (b = new Map()));
  for (const [key, c] of counts) addInto(b, key, c);
}

/** Shared statistics for a router's store, or undefined for the memory store (each scope then learns alone, as before). */
export function sharedStats(store: SharedStore, syncMs: number | undefined, now: () => number): SharedStats | undefined {
  return store.kind === 'memory' ? undefined : new SharedStats(store, syncMs ?? DEFAULT_STATS_SYNC_MS, now);
}
