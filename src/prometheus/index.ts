/**
 * `switchyard/prometheus`: counters, histograms and gauges of a router on a `prom-client` registry
 * (an optional peer dependency), fed by the router's typed events and its `health()` snapshot.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Router } from '../routing/router.js';
import type { RouterEvents } from '../observability/events.js';
import type { BudgetStatusReport } from '../accounting/budgets/types.js';
import { LabelCap } from './label-cap.js';

export { OTHER as OTHER_LABEL_VALUE } from './label-cap.js';

export interface PrometheusOptions {
  /** Default: a new `Registry`. Pass `register` from prom-client to use its global one. */
  registry?: Registry;
  /** Metric name prefix. Default `switchyard_`. */
  prefix?: string;
  /** Label requests, tokens and spend by tenant. Default true. */
  tenantLabel?: boolean;
  /** Label requests and spend by agent. Default false (agents are often unbounded). */
  agentLabel?: boolean;
  /**
   * Distinct values kept per label (tenant, agent, model, provider, budget...); later values are
   * reported as `__other__`. Default 100.
   */
  maxLabelValues?: number;
  /** Latency buckets, seconds. */
  durationBuckets?: number[];
}

export interface PrometheusMetrics {
  readonly registry: Registry;
  /** Unsubscribes from the router (the metrics stay registered). */
  close(): void;
}

/** Tenants whose budgets a scrape reads, besides the configured ones: the first this many seen in traffic. */
const MAX_BUDGET_TENANTS = 1000;

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Registers switchyard's metrics on `registry` and keeps them current. Every label set is bounded:
 * model and provider come from the configuration, error classes from the error hierarchy, and
 * tenant/agent values are capped at `maxLabelValues` (or switched off).
 */
export function prometheusMetrics(router: Router, options: PrometheusOptions = {}): PrometheusMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? 'switchyard_';
  const cap = new LabelCap(options.maxLabelValues ?? 100);
  const withTenant = options.tenantLabel !== false;
  const withAgent = options.agentLabel === true;
  const who = [...(withTenant ? ['tenant'] : []), ...(withAgent ? ['agent'] : [])];
  const registers = [registry];

  const requests = new Counter({
    name: `${p}requests_total`,
    help: 'Requests that ended, by outcome (ok or error) and serving model',
    labelNames: ['kind', 'outcome', 'model', 'provider', ...who],
    registers,
  });
  const errors = new Counter({
    name: `${p}errors_total`,
    help: 'Requests that failed for good, by error class',
    labelNames: ['class', 'model', 'provider', ...who],
    registers,
  });
  const attemptFailures = new Counter({
    name: `${p}attempt_failures_total`,
    help: 'Failed tries at a model (each retry counts), by error class',
    labelNames: ['class', 'model', 'provider'],
    registers,
  });
  const fallbacks = new Counter({
    name: `${p}fallbacks_total`,
    help: 'Moves from a failed model to the next candidate',
    labelNames: ['from', 'to', 'class'],
    registers,
  });
  const retries = new Counter({
    name: `${p}retries_total`,
    help: 'Tries beyond the first at the same model',
    labelNames: ['model', 'provider'],
    registers,
  });
  const rateLimited = new Counter({
    name: `${p}rate_limited_total`,
    help: 'Rate-limit events: source="local" when a local limit was saturated and the request overflowed to the next model, "vendor" for a vendor 429',
    labelNames: ['model', 'source'],
    registers,
  });
  const rateLimitWait = new Histogram({
    name: `${p}rate_limit_wait_seconds`,
    help: 'Time a request waited in a local rate limiter\'s line before its call; outcome="admitted", or "gave_up" (deadline, abort, full line, close)',
    labelNames: ['model', 'provider', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60],
    registers,
  });
  const duration = new Histogram({
    name: `${p}request_duration_seconds`,
    help: 'Request latency, retries and fallbacks included',
    labelNames: ['kind', 'outcome', 'model', 'provider'],
    buckets: options.durationBuckets ?? [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const ttft = new Histogram({
    name: `${p}time_to_first_chunk_seconds`,
    help: 'Streams: time from the call to the first chunk',
    labelNames: ['model', 'provider'],
    buckets: options.durationBuckets ?? [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const tokens = new Counter({
    name: `${p}tokens_total`,
    help: 'Tokens by type (input, output, cached_input, reasoning)',
    labelNames: ['type', 'model', 'provider', ...who],
    registers,
  });
  const cost = new Counter({
    name: `${p}cost_micros_total`,
    help: 'Spend in micro-dollars (1e-6 USD) of successful requests',
    labelNames: ['model', 'provider', ...who],
    registers,
  });
  const breakerTransitions = new Counter({
    name: `${p}breaker_transitions_total`,
    help: 'Circuit breaker state changes',
    labelNames: ['model', 'provider', 'to'],
    registers,
  });
  const budgetAlerts = new Counter({
    name: `${p}budget_alerts_total`,
    help: 'Budget alerts: reason="threshold" (spend crossed alertAt) or "refused"',
    labelNames: ['budget', 'reason'],
    registers,
  });
  const controls = new Counter({
    name: `${p}controls_total`,
    help: 'Emergency controls used (disable, enable, force, unforce, reset-breaker, tenant-set, tenant-remove)',
    labelNames: ['action'],
    registers,
  });

  // Read from router.health() when Prometheus scrapes: always current, nothing to keep in step.
  new Gauge({
    name: `${p}breaker_state`,
    help: 'Circuit breaker state per model: 0 closed, 1 half-open, 2 open',
    labelNames: ['model', 'provider'],
    registers,
    collect() {
      this.reset();
      for (const [model, h] of Object.entries(router.health().models))
        this.set({ model: cap.value('model', model), provider: cap.value('provider', h.provider) }, BREAKER_VALUE[h.state]);
    },
  });
  new Gauge({
    name: `${p}disabled`,
    help: '1 when a model or provider is taken out of rotation by an emergency control',
    labelNames: ['model', 'provider'],
    registers,
    collect() {
      this.reset();
      for (const [model, h] of Object.entries(router.health().models))
        this.set({ model: cap.value('model', model), provider: cap.value('provider', h.provider) }, h.disabled ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}in_flight`,
    help: 'Calls in flight per model',
    labelNames: ['model', 'provider'],
    registers,
    collect() {
      this.reset();
      for (const [model, h] of Object.entries(router.health().models))
        this.set({ model: cap.value('model', model), provider: cap.value('provider', h.provider) }, h.inFlight);
    },
  });
  new Gauge({
    name: `${p}cooling`,
    help: '1 while a vendor 429 cools a model (calls wait or go elsewhere)',
    labelNames: ['model', 'provider'],
    registers,
    collect() {
      this.reset();
      for (const [model, h] of Object.entries(router.health().models))
        this.set({ model: cap.value('model', model), provider: cap.value('provider', h.provider) }, h.coolingUntil !== undefined ? 1 : 0);
    },
  });

  // Budgets: read from router.budgets.status() when Prometheus scrapes (spent, held and remaining as the
  // budget engine counts them, shared by a fleet): the global scope and every tenant configured or
  // seen in traffic (the first MAX_BUDGET_TENANTS of them; label values stay capped by maxLabelValues).
  // One read serves the five gauges of a scrape.
  const tenantsSeen = new Set<string>();
  let snapshot: { at: number; reports: Promise<BudgetStatusReport[]> } | undefined;
  const readBudgets = (): Promise<BudgetStatusReport[]> => {
    const now = performance.now();
    if (snapshot && now - snapshot.at < 1000) return snapshot.reports;
    const tenants = new Set([...router.tenants.list(), ...tenantsSeen]);
    const contexts = [{}, ...[...tenants].map((tenant) => ({ tenant }))];
    const reports = Promise.all(contexts.map((c) => router.budgets.status(c))).then((lists) => {
      const unique = new Map<string, BudgetStatusReport>();
      for (const r of lists.flat()) unique.set(`${r.budgetId}\u0000${r.instance ?? ''}`, r);
      return [...unique.values()];
    });
    snapshot = { at: now, reports };
    return reports;
  };
  const budgetGauge = (name: string, help: string, value: (r: BudgetStatusReport) => number) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ['budget', 'instance'],
      registers,
      async collect() {
        const reports = await readBudgets();
        this.reset();
        for (const r of reports)
          this.set({ budget: cap.value('budget', r.budgetId), instance: cap.value('instance', r.instance ?? '') }, value(r));
      },
    });
  budgetGauge(
    'budget_spent_micros',
    'Settled spend of a budget this period, micro-dollars (router.budgets.status())',
    (r) => r.spentMicros,
  );
  budgetGauge('budget_held_micros', 'Money held by requests in flight against a budget, micro-dollars', (r) => r.heldMicros);
  budgetGauge('budget_remaining_micros', 'What new requests may still reserve: limit - spent - held, at least 0', (r) => r.remainingMicros);
  budgetGauge('budget_limit_micros', 'Limit of a budget in micro-dollars', (r) => r.limitMicros);
  budgetGauge('budget_used_ratio', 'Share of a budget spent or held (0..1+)', (r) =>
    r.limitMicros > 0 ? (r.spentMicros + r.heldMicros) / r.limitMicros : 0,
  );

  const whoLabels = (context: { tenant?: string; agent?: string }): Record<string, string> => {
    const out: Record<string, string> = {};
    if (withTenant) out.tenant = context.tenant === undefined ? '' : cap.value('tenant', context.tenant);
    if (withAgent) out.agent = context.agent === undefined ? '' : cap.value('agent', context.agent);
    return out;
  };
  const target = (model: string, provider: string) => ({ model: cap.value('model', model), provider: cap.value('provider', provider) });

  const onAttempt = (e: RouterEvents['attempt']) => {
    const t = target(e.model, e.provider);
    if (e.try > 1) retries.inc(t);
    if (e.error) {
      attemptFailures.inc({ class: e.error.name, ...t });
      if (e.error.code === 'rate-limit') rateLimited.inc({ model: t.model, source: 'vendor' });
    }
    if (e.ttftMs !== undefined) ttft.observe(t, e.ttftMs / 1000);
  };
  const onResponse = (e: RouterEvents['response']) => {
    const { route, usage } = e;
    const t = target(route.model, route.provider);
    const w = whoLabels(route.context);
    requests.inc({ kind: e.kind, outcome: 'ok', ...t, ...w });
    duration.observe({ kind: e.kind, outcome: 'ok', ...t }, e.latencyMs / 1000);
    tokens.inc({ type: 'input', ...t, ...w }, usage.inputTokens);
    tokens.inc({ type: 'output', ...t, ...w }, usage.outputTokens);
    if (usage.cachedInputTokens) tokens.inc({ type: 'cached_input', ...t, ...w }, usage.cachedInputTokens);
    if (usage.reasoningTokens) tokens.inc({ type: 'reasoning', ...t, ...w }, usage.reasoningTokens);
    cost.inc({ ...t, ...w }, e.cost.totalMicros);
    for (const s of route.skipped)
      if (s.reason === 'rate-limited') rateLimited.inc({ model: cap.value('model', s.model), source: 'local' });
  };
  const started = new Map<string, number>();
  const onRequest = (e: RouterEvents['request']) => {
    const tenant = e.context.tenant;
    if (tenant !== undefined && tenantsSeen.size < MAX_BUDGET_TENANTS) tenantsSeen.add(tenant);
    if (started.size > 10_000) started.clear();
    started.set(e.requestId, performance.now());
  };
  const onError = (e: RouterEvents['error']) => {
    const last = e.route?.attempts.at(-1);
    const t = last ? target(last.model, last.provider) : { model: 'none', provider: 'none' };
    const w = whoLabels(e.context);
    requests.inc({ kind: e.kind, outcome: 'error', ...t, ...w });
    errors.inc({ class: e.error.name, ...t, ...w });
    const at = started.get(e.requestId);
    if (at !== undefined) duration.observe({ kind: e.kind, outcome: 'error', ...t }, (performance.now() - at) / 1000);
    for (const s of e.route?.skipped ?? [])
      if (s.reason === 'rate-limited') rateLimited.inc({ model: cap.value('model', s.model), source: 'local' });
  };
  const onBudget = (e: RouterEvents['budget-alert']) => {
    budgetAlerts.inc({ budget: cap.value('budget', e.budgetId), reason: e.reason });
  };

  const offs = [
    router.on('request', onRequest),
    router.on('attempt', onAttempt),
    router.on('response', (e) => {
      started.delete(e.requestId);
      onResponse(e);
    }),
    router.on('error', (e) => {
      onError(e);
      started.delete(e.requestId);
    }),
    router.on('fallback', (e) => fallbacks.inc({ from: cap.value('model', e.from), to: cap.value('model', e.to), class: e.error.name })),
    router.on('rate-limit-wait', (e) =>
      rateLimitWait.observe({ ...target(e.model, e.provider), outcome: e.admitted ? 'admitted' : 'gave_up' }, e.waitedMs / 1000),
    ),
    router.on('breaker', (e) => breakerTransitions.inc({ ...target(e.model, e.provider), to: e.to })),
    router.on('budget-alert', onBudget),
    router.on('control', (e) => controls.inc({ action: e.action })),
  ];
  return {
    registry,
    close() {
      for (const off of offs) off();
      started.clear();
      tenantsSeen.clear();
    },
  };
}
