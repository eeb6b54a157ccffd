import type { RouterEvents, Unsubscribe } from '../observability/events.js';
import type { Router } from '../routing/router.js';

/** Per model, within one bucket and tenant: attempts, failed attempts, summed latency of successful ones. */
export interface ModelSample {
  n: number;
  err: number;
  ok: number;
  latencyMs: number;
}

/** One tenant's share of a time bucket (`''`: requests without a tenant). */
export interface TenantSample {
  models: Record<string, ModelSample>;
  spendByModel: Record<string, number>;
  spendByAgent: Record<string, number>;
  requests: number;
  errors: number;
  fallbacks: number;
}

export interface Bucket {
  t: number;
  tenants: Record<string, TenantSample>;
}

export type TimelineEntry =
  | { kind: 'fallback'; at: number; tenant?: string; from: string; to: string; error: string }
  | { kind: 'breaker'; at: number; model: string; provider: string; from: string; to: string; reason: string }
  | { kind: 'control'; at: number; action: string; target: string; tenant?: string; actor?: string }
  | { kind: 'budget'; at: number; budgetId: string; tenant?: string; reason: string; spentMicros: number; limitMicros: number }
  | { kind: 'error'; at: number; tenant?: string; error: string; model?: string };

const MAX_TIMELINE = 500;
const MAX_KEYS = 200;
const OTHER = '__other__';

/** Tenant of a budget alert: its scope's tenant, or the `tenant=...` instance of a `'*'` scope. */
function alertTenant(e: RouterEvents['budget-alert']): string | undefined {
  if (e.scope.tenant !== undefined && e.scope.tenant !== '*') return e.scope.tenant;
  const m = /(?:^|,)tenant=([^,]*)/.exec(e.instance ?? '');
  return m ? m[1] : undefined;
}

/** What the dashboard shows over time, kept in memory from the router's events. */
export class Recorder {
  readonly buckets: Bucket[] = [];
  readonly timeline: TimelineEntry[] = [];
  /** Forced model per tenant (`''`: everyone), as the `control` events said. */
  readonly forced = new Map<string, string>();
  readonly #offs: Unsubscribe[];

  constructor(
    router: Router,
    readonly sampleMs: number,
    readonly samples: number,
    readonly now: () => number = Date.now,
  ) {
    this.#offs = [
      router.on('attempt', (e) => {
        const s = this.#tenant(e.context.tenant);
        const m = (s.models[key(Object.keys(s.models), e.model)] ??= { n: 0, err: 0, ok: 0, latencyMs: 0 });
        m.n++;
        if (e.ok) {
          m.ok++;
          m.latencyMs += e.latencyMs;
        } else m.err++;
      }),
      router.on('response', (e) => {
        const s = this.#tenant(e.route.context.tenant);
        s.requests++;
        const model = key(Object.keys(s.spendByModel), e.route.model);
        s.spendByModel[model] = (s.spendByModel[model] ?? 0) + e.cost.totalMicros;
        const agent = key(Object.keys(s.spendByAgent), e.route.context.agent ?? '');
        s.spendByAgent[agent] = (s.spendByAgent[agent] ?? 0) + e.cost.totalMicros;
      }),
      router.on('error', (e) => {
        const s = this.#tenant(e.context.tenant);
        s.requests++;
        s.errors++;
        const last = e.route?.attempts.at(-1);
        this.#push({
          kind: 'error',
          at: this.now(),
          ...tenantOf(e.context.tenant),
          error: e.error.name,
          ...(last && { model: last.model }),
        });
      }),
      router.on('fallback', (e) => {
        this.#tenant(e.context.tenant).fallbacks++;
        this.#push({ kind: 'fallback', at: this.now(), ...tenantOf(e.context.tenant), from: e.from, to: e.to, error: e.error.name });
      }),
      router.on('breaker', (e) =>
        this.#push({ kind: 'breaker', at: e.at, model: e.model, provider: e.provider, from: e.from, to: e.to, reason: e.reason }),
      ),
      router.on('control', (e) => {
        if (e.action === 'force') this.forced.set(e.tenant ?? '', e.target);
        if (e.action === 'unforce') this.forced.delete(e.tenant ?? '');
        this.#push({
          kind: 'control',
          at: e.at,
          action: e.action,
          target: e.target,
          ...tenantOf(e.tenant),
          ...(e.actor !== undefined && { actor: e.actor }),
        });
      }),
      router.on('budget-alert', (e) =>
        this.#push({
          kind: 'budget',
          at: this.now(),
          budgetId: e.budgetId,
          ...tenantOf(alertTenant(e)),
          reason: e.reason,
          spentMicros: e.spentMicros,
          limitMicros: e.limitMicros,
        }),
      ),
    ];
  }

  /** The latest budget alert per budget and tenant. */
  lastAlerts(): Map<string, Extract<TimelineEntry, { kind: 'budget' }>> {
    const out = new Map<string, Extract<TimelineEntry, { kind: 'budget' }>>();
    for (const e of this.timeline) if (e.kind === 'budget') out.set(`${e.budgetId}\u0000${e.tenant ?? ''}`, e);
    return out;
  }

  close(): void {
    for (const off of this.#offs) off();
  }

  #bucket(): Bucket {
    const t = Math.floor(this.now() / this.sampleMs) * this.sampleMs;
    let last = this.buckets.at(-1);
    if (!last || last.t !== t) {
      this.buckets.push((last = { t, tenants: dict<TenantSample>() }));
      if (this.buckets.length > this.samples) this.buckets.splice(0, this.buckets.length - this.samples);
    }
    return last;
  }

  #tenant(tenant: string | undefined): TenantSample {
    const b = this.#bucket();
    const k = key(Object.keys(b.tenants), tenant ?? '');
    return (b.tenants[k] ??= {
      models: dict<ModelSample>(),
      spendByModel: dict<number>(),
      spendByAgent: dict<number>(),
      requests: 0,
      errors: 0,
      fallbacks: 0,
    });
  }

  #push(entry: TimelineEntry): void {
    this.timeline.push(entry);
    if (this.timeline.length > MAX_TIMELINE) this.timeline.splice(0, this.timeline.length - MAX_TIMELINE);
  }
}

/**
 * A record keyed by names from requests and config (tenants, agents, models): no prototype, so a
 * name such as `__proto__` or `constructor` is an ordinary key.
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Keeps a bucket's keys bounded: past MAX_KEYS distinct values, new ones are counted as `__other__`. */
function key(existing: string[], value: string): string {
  return existing.length < MAX_KEYS || existing.includes(value) ? value : OTHER;
}

function tenantOf(tenant: string | undefined): { tenant?: string } {
  return tenant !== undefined ? { tenant } : {};
}
