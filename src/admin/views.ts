import type { BudgetConfig } from '../accounting/budgets/schema.js';
import type { SummaryKey } from '../accounting/reports/query.js';
import type { Router } from '../routing/router.js';
import type { Recorder } from './recorder.js';
import type { AdminConfigView } from './types.js';

/** A budget with its spend this period, as far as the public API can tell. */
export interface BudgetView {
  id: string;
  /** Whose budget: the router's (`undefined`) or a tenant's. */
  owner?: string;
  scope: Record<string, string>;
  period: BudgetConfig['period'];
  onExceed: BudgetConfig['onExceed'];
  /** `'*'` scopes: which instance, e.g. `tenant=acme`. */
  instance?: string;
  limitMicros: number;
  /** Settled spend this period, read from the usage ledger (`router.costs.summary`). */
  spentMicros: number;
  remainingMicros: number;
  /** True when the budget counts days or months in a time zone other than UTC: the ledger sum is by UTC period. */
  approximate?: boolean;
  lastAlert?: { at: number; reason: string };
}

const SCOPE_KEYS = ['tenant', 'user', 'agent', 'provider', 'model'] as const;

function periodStart(period: BudgetConfig['period'], now: number): number | undefined {
  const d = new Date(now);
  if (period === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return undefined;
}

function budgetId(b: BudgetConfig, owner: string | undefined): string {
  return (
    b.id ??
    (owner !== undefined ? `tenant:${owner}:${b.period}:${JSON.stringify(b.scope ?? {})}` : `${b.period}:${JSON.stringify(b.scope ?? {})}`)
  );
}

/**
 * The router's budgets (from `config.budgets`) and every tenant's (from `router.tenants`), with
 * spend summed from the ledger. `tenant` narrows to what that tenant may see.
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
  const out: BudgetView[] = [];
  for (const { b, owner } of all) {
    const scope: Record<string, string> = {};
    const declared = owner !== undefined ? { ...b.scope, tenant: owner } : (b.scope ?? {});
    for (const k of SCOPE_KEYS) if (declared[k] !== undefined) scope[k] = declared[k];
    if (tenant !== undefined && scope.tenant !== tenant && scope.tenant !== '*') continue;
    const by = SCOPE_KEYS.filter((k) => scope[k] === '*') as SummaryKey[];
    const filter: Record<string, string> = {};
    for (const k of SCOPE_KEYS) if (scope[k] !== undefined && scope[k] !== '*') filter[k] = scope[k];
    if (tenant !== undefined && scope.tenant === '*') filter.tenant = tenant;
    const since = periodStart(b.period, now);
    const summary = await router.costs.summary({ ...filter, ...(since !== undefined && { since }), ...(by.length > 0 && { by }) });
    const limitMicros = Math.round(b.limitUsd * 1_000_000);
    const id = budgetId(b, owner);
    const rows = by.length > 0 ? summary.rows : [summary.total];
    for (const row of rows) {
      const instance = by.length > 0 ? by.map((k) => `${k}=${row.group[k] ?? ''}`).join(',') : undefined;
      const rowTenant = scope.tenant === '*' ? (row.group.tenant ?? undefined) : scope.tenant;
      const alert = alerts.get(`${id}\u0000${rowTenant ?? ''}`);
      out.push({
        id,
        ...(owner !== undefined && { owner }),
        scope,
        period: b.period,
        onExceed: b.onExceed,
        ...(instance !== undefined && { instance }),
        limitMicros,
        spentMicros: row.costMicros,
        remainingMicros: Math.max(0, limitMicros - row.costMicros),
        ...(b.timeZone !== undefined && b.timeZone !== 'UTC' && b.period !== 'total' && { approximate: true }),
        ...(alert && { lastAlert: { at: alert.at, reason: alert.reason } }),
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
