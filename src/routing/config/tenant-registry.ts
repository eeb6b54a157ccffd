import type { BudgetConfig } from '../../accounting/budgets/schema.js';
import { ConfigError } from '../../core/errors.js';
import type { RateLimits } from '../../resilience/rate-limit.js';
import { buildScope, type RouterScope, type SharedParts } from '../scope/scope.js';
import { tenantConfigIssues } from './schema.js';
import type { RouterOptions } from './options.js';
import { allowedFor, mergeTenant, tenantBudgets, type TenantConfig } from './tenants.js';

/** Tenants: their configurations and their routing scopes (built on first use, rebuilt on change). */
export class TenantRegistry {
  readonly #configs = new Map<string, TenantConfig>();
  readonly #scopes = new Map<string, RouterScope>();

  constructor(
    private readonly base: RouterOptions,
    private readonly shared: SharedParts,
    private readonly limits: RateLimits,
    readonly defaultScope: RouterScope,
  ) {
    for (const [id, config] of Object.entries(base.tenants ?? {})) this.#configs.set(id, config);
    this.#syncBudgets();
  }

  /** The scope that serves a request: its tenant's, or the default one. */
  scopeFor(tenant: string | undefined): RouterScope {
    if (tenant === undefined || !this.#configs.has(tenant)) return this.defaultScope;
    let scope = this.#scopes.get(tenant);
    if (!scope) {
      const config = this.#configs.get(tenant)!;
      const merged = mergeTenant(this.base, config);
      // Shared limits apply to the provider instances the tenant shares with the defaults, not to its own keys.
      const limits = this.limits.view((provider) => merged.providers[provider] === this.base.providers[provider]);
      scope = buildScope(merged, this.shared, limits, config.allowModels || config.denyModels ? allowedFor(config) : undefined, tenant);
      this.#scopes.set(tenant, scope);
    }
    return scope;
  }

  /** Adds or replaces a tenant, validated like `createRouter()` options (ConfigError with paths under `tenants.<id>`). */
  set(id: string, config: TenantConfig): void {
    const issues = tenantConfigIssues(this.base, id, config);
    if (issues.length > 0) throw new ConfigError(issues);
    this.#configs.set(id, config);
    this.#scopes.delete(id);
    this.#syncBudgets();
  }

  remove(id: string): boolean {
    const had = this.#configs.delete(id);
    this.#scopes.delete(id);
    if (had) this.#syncBudgets();
    return had;
  }

  get(id: string): TenantConfig | undefined {
    return this.#configs.get(id);
  }

  list(): string[] {
    return [...this.#configs.keys()];
  }

  #syncBudgets(): void {
    const all: BudgetConfig[] = [...(this.base.budgets ?? [])];
    for (const [id, config] of this.#configs) all.push(...tenantBudgets(id, config));
    this.shared.accounting.setBudgets(all);
  }
}
