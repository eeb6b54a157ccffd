import type { BudgetConfig } from '../../accounting/budgets/schema.js';
import type { ConfigIssue } from '../../core/errors.js';
import { formatPath } from '../../core/zod-issues.js';
import { configCrossReferences } from './references.js';
import type { RouterOptions, TenantConfig } from './options.js';
export type { TenantConfig } from './options.js';

/** The merge rules: providers and models by name (tenant wins), tenant routes first, strategy replaced. */
export function mergeTenant(base: RouterOptions, tenant: TenantConfig): RouterOptions {
  const merged: RouterOptions = {
    ...base,
    providers: { ...base.providers, ...tenant.providers },
    models: { ...base.models, ...tenant.models },
    routes: [...(tenant.routes ?? []), ...(base.routes ?? [])],
  };
  const strategy = tenant.strategy ?? base.strategy;
  if (strategy !== undefined) merged.strategy = strategy;
  delete merged.tenants;
  return merged;
}

/** Whether a model alias may serve a tenant. */
export function allowedFor(tenant: TenantConfig): (alias: string) => boolean {
  const allow = tenant.allowModels ? new Set(tenant.allowModels) : undefined;
  const deny = new Set(tenant.denyModels ?? []);
  return (alias) => (allow === undefined || allow.has(alias)) && !deny.has(alias);
}

/** A tenant's budgets, scoped to it whatever their scope said about tenants. */
export function tenantBudgets(id: string, tenant: TenantConfig): BudgetConfig[] {
  return (tenant.budgets ?? []).map((b) => ({
    ...b,
    id: b.id ?? `tenant:${id}:${b.period}:${JSON.stringify(b.scope ?? {})}`,
    scope: { ...b.scope, tenant: id },
  }));
}

/** Cross-checks of one tenant against the merged configuration, with paths under `tenants.<id>`. */
export function tenantIssues(base: RouterOptions, id: string, tenant: TenantConfig): ConfigIssue[] {
  const prefix = formatPath(['tenants', id]);
  const merged = mergeTenant(base, tenant);
  const issues: ConfigIssue[] = [];
  const own = new Set<string>([...Object.keys(tenant.models ?? {}), ...Object.keys(tenant.providers ?? {})]);
  // Only report what the tenant's own parts introduce (the defaults were checked already).
  for (const issue of configCrossReferences({ ...merged, routes: tenant.routes ?? [] })) {
    if (issue.path.startsWith('routes') || [...own].some((name) => issue.path.startsWith(formatPath(['models', name])))) {
      issues.push({ path: `${prefix}.${issue.path}`, message: issue.message });
    }
  }
  for (const key of ['allowModels', 'denyModels'] as const) {
    (tenant[key] ?? []).forEach((alias, i) => {
      if (!Object.hasOwn(merged.models, alias))
        issues.push({ path: `${prefix}.${formatPath([key, i])}`, message: `unknown model "${alias}"` });
    });
  }
  const allowed = allowedFor(tenant);
  (tenant.routes ?? []).forEach((r, i) =>
    r.use.forEach((alias, j) => {
      if (alias in merged.models && !allowed(alias)) {
        issues.push({
          path: `${prefix}.${formatPath(['routes', i, 'use', j])}`,
          message: `names model "${alias}", which this tenant denies (allowModels/denyModels)`,
        });
      }
    }),
  );
  return issues;
}
