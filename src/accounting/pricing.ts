import type { ModelPricing } from '../core/model.js';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { CatalogPricing } from '../catalog/types.js';
import { MAX_PRICE_PER_MILLION } from './money.js';

const FIELDS = ['input', 'output', 'cachedInput', 'cacheWrite'] as const;

/** Problems of a price list: negative, non-finite or missing required prices, each with its path. */
export function pricingIssues(pricing: ModelPricing | CatalogPricing, path = 'pricing'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const field of FIELDS) {
    const value: unknown = pricing[field];
    if (value === undefined && (field === 'cachedInput' || field === 'cacheWrite')) continue;
    if (typeof value !== 'number' || !Number.isFinite(value))
      issues.push({ path: `${path}.${field}`, message: 'must be a finite number of USD per 1M tokens' });
    else if (value < 0) issues.push({ path: `${path}.${field}`, message: `must not be negative (got ${value})` });
    else if (value > MAX_PRICE_PER_MILLION)
      issues.push({ path: `${path}.${field}`, message: `must be at most ${MAX_PRICE_PER_MILLION} USD per 1M tokens (got ${value})` });
  }
  const long = (pricing as CatalogPricing).longContext;
  if (long) {
    if (!Number.isInteger(long.aboveInputTokens) || long.aboveInputTokens <= 0) {
      issues.push({ path: `${path}.longContext.aboveInputTokens`, message: 'must be a positive integer' });
    }
    issues.push(...pricingIssues(long.pricing, `${path}.longContext.pricing`));
  }
  return issues;
}

/** Throws a `ConfigError` naming every bad field (e.g. `models.fast.pricing.input`). */
export function assertValidPricing(pricing: ModelPricing | CatalogPricing, path = 'pricing'): void {
  const issues = pricingIssues(pricing, path);
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The price list that applies to a request with this many input tokens (long-context tiers). */
export function pricingFor(pricing: ModelPricing | CatalogPricing, inputTokens: number): ModelPricing {
  const long = (pricing as CatalogPricing).longContext;
  return long && inputTokens > long.aboveInputTokens ? long.pricing : pricing;
}
