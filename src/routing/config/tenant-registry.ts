import type { BudgetConfig } from '../../accounting/budgets/schema.js';
import { ConfigError, type ConfigIssue } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import { formatPath } from '../../core/zod-issues.js';
import type { RateLimits } from '../../resilience/rate-limit.js';
import { buildScope, type RouterScope, type SharedParts } from '../scope/scope.js';
import { tenantConfigIssues } from './schema.js';
import type { RouterOptions, TenantProvidersOption } from './options.js';
import type { StoredTenant } from './shared-tenants.js';
import { allowedFor, mergeTenant, tenantBudgets, type TenantConfig } from './tenants.js';

/** Tenants: their configurations and their routing scopes (built on first use, rebuilt on change). */
export class TenantRegistry {
  readonly #configs = new Map<string, TenantConfig>();
  readonly #scopes = new Map<string, RouterScope>();
  /** Tenants set by another process that this process cannot build (their providers, or a config it cannot accept), with why. */
  readonly #unbuildable = new Map<string, ConfigError>();

  constructor(
    private readonly base: RouterOptions,
    private readonly shared: SharedParts,
    private readonly limits: RateLimits,
    readonly defaultScope: RouterScope,
  ) {
    for (const [id, config] of Object.entries(base.tenants ?? {})) this.#configs.set(id, config);
    this.#syncBudgets();
  }

  /**
   * The scope that serves a request: its tenant's, or the default one. Throws the tenant's
   * ConfigError when another process set it and this one cannot build it (never the default scope instead).
   */
  scopeFor(tenant: string | undefined): RouterScope {
    if (tenant !== undefined) {
      const unbuildable = this.#unbuildable.get(tenant);
      if (unbuildable) throw unbuildable;
    }
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

  /** Why this process cannot serve a tenant set by another one, or undefined. */
  unbuildable(tenant: string | undefined): ConfigError | undefined {
    return tenant === undefined ? undefined : this.#unbuildable.get(tenant);
  }

  /** Adds or replaces a tenant, validated like `createRouter()` options (ConfigError with paths under `tenants.<id>`). */
  set(id: string, config: TenantConfig, extraIssues: (config: TenantConfig) => ConfigIssue[] = () => []): void {
    const issues = tenantConfigIssues(this.base, id, config);
    if (issues.length === 0) issues.push(...extraIssues(config));
    if (issues.length > 0) throw new ConfigError(issues);
    this.#put(id, config);
  }

  remove(id: string): boolean {
    const had = this.#configs.delete(id) || this.#unbuildable.delete(id);
    this.#unbuildable.delete(id);
    this.#scopes.delete(id);
    if (had) this.#syncBudgets();
    return had;
  }

  /**
   * Applies a tenant's register written by another process: its data, with its own providers built
   * here by `build` (the `tenantProviders` option). What cannot be built leaves the tenant
   * unbuildable here (its requests get the returned ConfigError), never served by the defaults.
   */
  applyStored(id: string, stored: StoredTenant, build: TenantProvidersOption | undefined): ConfigError | undefined {
    if ('removed' in stored) {
      this.remove(id);
      return undefined;
    }
    const at = (name: string) => formatPath(['tenants', id, 'providers', name]);
    let providers: Record<string, LLMProvider> = {};
    const issues: ConfigIssue[] = [];
    if (stored.providers.length > 0) {
      if (!build) {
        for (const name of stored.providers)
          issues.push({
            path: at(name),
            message: 'set by another process with its own provider; without a `tenantProviders` option this process cannot build it',
          });
      } else {
        try {
          const built = build(id, [...stored.providers]);
          providers = Object.fromEntries(
            stored.providers.filter((name) => Object.hasOwn(built ?? {}, name)).map((name) => [name, built[name]!]),
          );
          for (const name of stored.providers)
            if (!Object.hasOwn(providers, name))
              issues.push({ path: at(name), message: '`tenantProviders` returned no provider of this name' });
        } catch (error) {
          // Only the class of what was thrown: a message from a secret manager is not repeated here.
          const kind = error instanceof Error ? error.name : typeof error;
          for (const name of stored.providers) issues.push({ path: at(name), message: `\`tenantProviders\` threw (${kind})` });
        }
      }
    }
    const config: TenantConfig = { ...(stored.config as TenantConfig), ...(stored.providers.length > 0 && { providers }) };
    if (issues.length === 0) issues.push(...tenantConfigIssues(this.base, id, config));
    if (issues.length > 0) {
      const error = new ConfigError(issues);
      const had = this.#configs.delete(id);
      this.#scopes.delete(id);
      this.#unbuildable.set(id, error);
      if (had) this.#syncBudgets();
      return error;
    }
    this.#put(id, config);
    return undefined;
  }

  get(id: string): TenantConfig | undefined {
    return this.#configs.get(id);
  }

  list(): string[] {
    return [...this.#configs.keys()];
  }

  #put(id: string, config: TenantConfig): void {
    this.#configs.set(id, config);
    this.#unbuildable.delete(id);
    // Requests in flight keep the scope they started in; the next ones build the new one.
    this.#scopes.delete(id);
    this.#syncBudgets();
  }

  #syncBudgets(): void {
    const all: BudgetConfig[] = [...(this.base.budgets ?? [])];
    for (const [id, config] of this.#configs) all.push(...tenantBudgets(id, config));
    this.shared.accounting.setBudgets(all);
  }
}
