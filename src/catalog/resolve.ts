import { ConfigError } from '../core/errors.js';
import { DEFAULT_CAPABILITIES, type ModelCapabilities, type ModelInfo, type ModelPricing, type ModelTier } from '../core/model.js';
import type { ProviderKind } from '../core/provider.js';
import { pricingIssues } from '../accounting/pricing.js';
import { catalog, lookupModel } from './catalog.js';
import type { CatalogEntry, CatalogPricing, ModelStrength } from './types.js';

/** Where the price of a resolved model comes from. */
export type PricingSource = 'config' | 'catalog' | 'none';

/** A model as the router should see it: catalog figures with the user's overrides on top. */
export interface ResolvedModelInfo extends ModelInfo {
  id: string;
  providerKind: ProviderKind;
  capabilities: ModelCapabilities;
  pricing?: CatalogPricing;
  /** False when neither the config nor the catalog has a price: flag it, never bill it as zero. */
  priced: boolean;
  pricingSource: PricingSource;
  strengths: ModelStrength[];
  /** The matching catalog entry, when there is one. */
  catalogEntry?: CatalogEntry;
  /** The catalog's date, when a catalog figure was used. */
  catalogUpdatedAt?: string;
}

/** The fields of a router `ModelConfig` that override the catalog (a `ModelConfig` fits as is). */
export interface ModelOverrides {
  /** The vendor's model id. */
  model: string;
  pricing?: ModelPricing;
  capabilities?: Partial<ModelCapabilities>;
  contextWindow?: number;
  maxOutputTokens?: number;
  tier?: ModelTier;
}

/**
 * Merges a model's config over its catalog entry. Each field given in the config wins; `pricing`
 * replaces the catalog's whole price list (cache prices default to the input price, long-context
 * tiers are dropped), so `pricing: { input: 0, output: 0 }` means free on purpose. An unknown model
 * without `pricing` resolves with `priced: false`. Bad overrides throw a `ConfigError` naming the field
 * under `path` (e.g. `models.fast`).
 */
export function resolveModelInfo(config: ModelOverrides, providerKind: ProviderKind, path = 'model'): ResolvedModelInfo {
  if (config.pricing) {
    const issues = pricingIssues(config.pricing, `${path}.pricing`);
    if (issues.length > 0) throw new ConfigError(issues);
  }
  for (const field of ['contextWindow', 'maxOutputTokens'] as const) {
    const v = config[field];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0))
      throw new ConfigError([{ path: `${path}.${field}`, message: 'must be a positive integer' }]);
  }
  const entry = lookupModel(providerKind, config.model);
  const pricing: CatalogPricing | undefined = config.pricing ? { ...config.pricing } : entry?.pricing;
  const tier: ModelTier | undefined = config.tier ?? entry?.tier;
  const contextWindow = config.contextWindow ?? entry?.contextWindow;
  const maxOutputTokens = config.maxOutputTokens ?? entry?.maxOutputTokens;
  const out: ResolvedModelInfo = {
    id: config.model,
    providerKind,
    capabilities: { ...DEFAULT_CAPABILITIES, ...entry?.capabilities, ...config.capabilities },
    priced: pricing !== undefined,
    pricingSource: config.pricing ? 'config' : entry ? 'catalog' : 'none',
    strengths: [...(entry?.strengths ?? [])],
  };
  if (entry) {
    out.catalogEntry = entry;
    out.catalogUpdatedAt = catalog.updatedAt;
    out.displayName = entry.displayName;
  }
  if (pricing) out.pricing = pricing;
  if (tier) out.tier = tier;
  if (contextWindow !== undefined) out.contextWindow = contextWindow;
  if (maxOutputTokens !== undefined) out.maxOutputTokens = maxOutputTokens;
  return out;
}
