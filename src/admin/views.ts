import type { BudgetConfig } from '../accounting/budgets/schema.js';
import type { BudgetStatusReport } from '../accounting/budgets/types.js';
import type { SummaryKey } from '../accounting/reports/query.js';
import type { Router } from '../routing/router.js';
import type { Recorder } from './recorder.js';
import type { AdminConfigView } from './types.js';

/** A budget with its money this period, as `router.budgets.status()` reports it. */
export interface BudgetView {
  id: string;
  /** Whose budget: the router's (`undefined`) or a tenant's. */
  owner?: string;
  scope: Record<string, string>;
  period: BudgetConfig['period'];
  /** The period instance the figures belong to, e.g. `2026-12-07` (from `budgets.status()`). */
  periodKey?: string;
  onExceed: BudgetConfig['onExceed'];
  /** `'*'` scopes: which instance, e.g. `tenant=acme`. */
  instance?: string;
  limitMicros: number;
  /** Settled spend this period (`budgets.status()`: the budget counters, shared by a fleet). */
  spentMicros: number;
  /** Held by requests in flight (their worst-case cost until they settle). */
  heldMicros: number;
  /** `limit - spent - held`, at least 0: what a new request may still reserve. */
  remainingMicros: number;
  /**
   * True for a budget with a `'*'` provider or model scope: `budgets.status()` takes no model, so its
   * figures are the settled spend from the usage ledger per UTC period, without holds.
   */
  approximate?: boolean;
  lastAlert?: { at: number; reason: string };
}

const SCOPE_KEYS = ['tenant', 'user', 'agent', 'provider', 'model'] as const;
/** The dimensions `budgets.status(context)` takes; `'*'` instances of these are read from it. */
const CONTEXT_KEYS = ['tenant', 'user', 'agent'] as const;
type ContextKey = (typeof CONTEXT_KEYS)[number];
type StatusContext = Partial<Record<ContextKey, string>>;

const DAY_MS = 86_400_000;

/**
 * From when the ledger is searched for the instances of a `'*'` scope: the UTC period start, a day
 * earlier (a budget counted in another time zone may have started its period before UTC did).
 */
function periodStart(period: BudgetConfig['period'], now: number): number | undefined {
  const d = new Date(now);
  if (period === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - DAY_MS;
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - DAY_MS;
  return undefined;
}

function utcPeriodStart(period: BudgetConfig['period'], now: number): number | undefined {
  const d = new Date(now);
  if (period === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return undefined;
}

/** The id the router gives the budget (`budgetId()` of the budgets, `tenantBudgets()` of the tenants). */
function budgetId(b: BudgetConfig, owner: string | undefined): string {
  if (b.id !== undefined) return b.id;
  if (owner !== undefined) return `tenant:${owner}:${b.period}:${JSON.stringify(b.scope ?? {})}`;
  const scope = Object.entries(b.scope ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [c]) => (a < c ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  return `${b.period}:${scope || 'global'}`;
}

/**
 * The router's budgets (from `config.budgets`) and every tenant's (from `router.tenants`), with
 * spent, held and remaining from `router.budgets.status()`, so the views never disagree with it.
 * The instances of a `'*'` tenant, user or agent scope are the ones that spent this period (from the
 * ledger). `tenant` narrows to what that tenant may see.
 */
export async function budgetViews(
  router: Router,
  config: AdminConfigView | undefined,
  recorder: Recorder,
  tenant: string | undefined,
  now: number,
): Promise<BudgetView[]> {
  const all: Array<{ b: BudgetConfig; owner?: string }> = (config?.budgets ?? []).map((b) => ({ b }));
  for (const id of router.tenants.list()) for (const b of router.tenants.get(id)?.budgets ?? []) all.push({ b, owner: id });
  const alerts = recorder.lastAlerts();
  // One status read per context, whatever number of budgets it serves.
  const statuses = new Map<string, Promise<BudgetStatusReport[]>>();
  const statusOf = (ctx: StatusContext) => {
    const key = CONTEXT_KEYS.map((k) => ctx[k] ?? '\u0001').join('\u0000');
    let found = statuses.get(key);
    if (!found) statuses.set(key, (found = router.budgets.status(ctx)));
    return found;
  };
  const out: BudgetView[] = [];
  for (const { b, owner } of all) {
    const scope: Record<string, string> = {};
    const declared = owner !== undefined ? { ...b.scope, tenant: owner } : (b.scope ?? {});
    for (const k of SCOPE_KEYS) if (declared[k] !== undefined) scope[k] = declared[k];
    if (tenant !== undefined && scope.tenant !== tenant && scope.tenant !== '*') continue;
    const id = budgetId(b, owner);
    const limitMicros = Math.round(b.limitUsd * 1_000_000);
    const base = {
      id,
      ...(owner !== undefined && { owner }),
      scope,
      period: b.period,
      onExceed: b.onExceed,
      limitMicros,
    };
    const alertOf = (rowTenant: string | undefined) => {
      const alert = alerts.get(`${id}\u0000${rowTenant ?? ''}`);
      return alert ? { lastAlert: { at: alert.at, reason: alert.reason } } : {};
    };
    const filter: Record<string, string> = {};
    for (const k of SCOPE_KEYS) if (scope[k] !== undefined && scope[k] !== '*') filter[k] = scope[k];
    if (tenant !== undefined && scope.tenant === '*') filter.tenant = tenant;

    if (scope.provider === '*' || scope.model === '*') {
      // budgets.status() cannot name a model: the ledger's settled spend per UTC period instead.
      const by = SCOPE_KEYS.filter((k) => scope[k] === '*') as SummaryKey[];
      const since = utcPeriodStart(b.period, now);
      const summary = await router.costs.summary({ ...filter, ...(since !== undefined && { since }), by });
      for (const row of summary.rows) {
        const rowTenant = scope.tenant === '*' ? (row.group.tenant ?? undefined) : scope.tenant;
        out.push({
          ...base,
          instance: by.map((k) => `${k}=${row.group[k] ?? ''}`).join(','),
          spentMicros: row.costMicros,
          heldMicros: 0,
          remainingMicros: Math.max(0, limitMicros - row.costMicros),
          approximate: true,
          ...alertOf(rowTenant),
        });
      }
      continue;
    }

    const fixed: StatusContext = {};
    for (const k of CONTEXT_KEYS) if (filter[k] !== undefined) fixed[k] = filter[k];
    const open = CONTEXT_KEYS.filter((k) => scope[k] === '*' && fixed[k] === undefined);
    let contexts: StatusContext[] = [fixed];
    if (open.length > 0) {
      // The instances that spent in this period (or just before it, for a budget in another time zone).
      const since = periodStart(b.period, now);
      const summary = await router.costs.summary({ ...filter, ...(since !== undefined && { since }), by: open });
      contexts = summary.rows.map((row) => {
        const ctx: StatusContext = { ...fixed };
        for (const k of open) ctx[k] = row.group[k] ?? '';
        return ctx;
      });
    }
    for (const ctx of contexts) {
      const instance = CONTEXT_KEYS.filter((k) => scope[k] === '*')
        .map((k) => `${k}=${ctx[k] ?? ''}`)
        .join(',');
      const report = (await statusOf(ctx)).find((r) => r.budgetId === id && (r.instance ?? '') === instance);
      if (!report) continue;
      out.push({
        ...base,
        periodKey: report.periodKey,
        ...(instance !== '' && { instance }),
        spentMicros: report.spentMicros,
        heldMicros: report.heldMicros,
        remainingMicros: report.remainingMicros,
        ...alertOf(scope.tenant === '*' ? ctx.tenant : scope.tenant),
      });
    }
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strings, numbers, booleans and arrays/objects of them; functions, clients and anything else are named, never serialised. */
function plain(value: unknown, depth = 0): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'function') return '[function]';
  if (value instanceof RegExp) return String(value);
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (isPlain(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
  }
  return '[object]';
}

function strategyName(s: unknown): string | undefined {
  if (s === undefined) return undefined;
  if (typeof s === 'string') return s;
  if (typeof s === 'function') return 'custom';
  if (isPlain(s) && typeof s.type === 'string') return s.type;
  return 'custom';
}

/**
 * What is configured, with no key, client or function body: names, kinds, vendor model ids, prices,
 * routes, budgets and tenants (their own models and providers by name only).
 */
export function configurationView(router: Router, config: AdminConfigView | undefined, tenant: string | undefined) {
  const health = router.health(tenant !== undefined ? { tenant } : {});
  const providers = Object.entries(health.providers).map(([name, p]) => ({
    name,
    ...(config?.providers?.[name] && { kind: String(config.providers[name].kind) }),
    disabled: p.disabled,
    models: p.models,
  }));
  const models = Object.entries(health.models).map(([alias, m]) => {
    const c = config?.models?.[alias];
    return {
      alias,
      provider: m.provider,
      ...(c && { model: String(c.model) }),
      ...(c?.pricing && { pricing: { input: Number(c.pricing.input), output: Number(c.pricing.output) } }),
      state: m.state,
      disabled: m.disabled,
    };
  });
  const tenants = router.tenants
    .list()
    .filter((id) => tenant === undefined || id === tenant)
    .map((id) => {
      const t = router.tenants.get(id) ?? {};
      return {
        id,
        providers: Object.keys(t.providers ?? {}),
        models: Object.fromEntries(Object.entries(t.models ?? {}).map(([alias, m]) => [alias, { provider: m.provider, model: m.model }])),
        routes: (t.routes ?? []).map((r) => ({ ...(r.name !== undefined && { name: r.name }), when: plain(r.when), use: [...r.use] })),
        ...(t.strategy !== undefined && { strategy: strategyName(t.strategy) }),
        budgets: (t.budgets ?? []).map((b) => plain({ ...b })),
        ...(t.allowModels && { allowModels: [...t.allowModels] }),
        ...(t.denyModels && { denyModels: [...t.denyModels] }),
      };
    });
  return {
    providers,
    models,
    ...(config?.strategy !== undefined && { strategy: strategyName(config.strategy) }),
    ...(config?.routes &&
      tenant === undefined && {
        routes: config.routes.map((r) => ({ ...(r.name !== undefined && { name: r.name }), when: plain(r.when), use: [...r.use] })),
      }),
    ...(config?.budgets && tenant === undefined && { budgets: config.budgets.map((b) => plain({ ...b })) }),
    tenants,
  };
}
