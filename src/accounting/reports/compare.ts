import { InvalidRequestError } from '../../core/errors.js';
import type { ModelPricing } from '../../core/model.js';
import type { ProviderKind } from '../../core/provider.js';
import { findCatalogModels, lookupModel } from '../../catalog/catalog.js';
import { computeCostPicos } from '../cost.js';
import type { UsageLedger } from '../ledger/ledger.js';
import { microsToUsd, picosToMicrosHalfUp } from '../money.js';
import { z } from 'zod';
import { describeValue } from '../../core/json-value.js';
import { filterOf, parseQuery, queryObject, rangeCheck, usageFilterShape, type UsageFilter } from './query.js';
import { summaryOf } from './summary.js';

/** A model to price the recorded traffic on: a catalog id, a provider kind + id, or your own price list. */
export type CompareTarget = string | { provider: ProviderKind; model: string } | { name: string; pricing: ModelPricing };

export interface CompareQuery extends UsageFilter {
  models: CompareTarget[];
}

export interface CompareRow {
  name: string;
  /** Catalog id when the target came from the catalog. */
  catalogId?: string;
  pricing: ModelPricing;
  costMicros: number;
  costUsd: number;
  /** This model's cost minus the actual cost (negative: it would have been cheaper). */
  deltaMicros: number;
  /** This model's cost over the actual cost (undefined when the actual cost is 0). */
  ratio?: number;
}

export interface CompareResult {
  actual: { requests: number; costMicros: number; costUsd: number; unpriced: number };
  tokens: { input: number; cachedInput: number; cacheWrite: number; output: number; reasoning: number };
  alternatives: CompareRow[];
  exact: boolean;
}

const price = z.number().finite().nonnegative();
const target = z.union(
  [
    z.string().min(1),
    z.strictObject({ provider: z.string().min(1), model: z.string().min(1) }),
    z.strictObject({
      name: z.string().min(1),
      pricing: z.strictObject({ input: price, output: price, cachedInput: price.optional(), cacheWrite: price.optional() }),
    }),
  ],
  { error: (i) => `must be a catalog model id, { provider, model } or { name, pricing }, got ${describeValue(i.input)}` },
);

const compareQuerySchema = queryObject({
  ...usageFilterShape,
  models: z.array(target, { error: 'give at least one model to compare with' }).min(1, 'give at least one model to compare with'),
}).superRefine(rangeCheck);

function resolveTarget(t: z.output<typeof target>, i: number): { name: string; catalogId?: string; pricing: ModelPricing } {
  const path = `models[${i}]`;
  if (typeof t === 'string') {
    const hit = findCatalogModels(t)[0];
    if (!hit)
      throw new InvalidRequestError({ path, message: `${path}: "${t}" is not in the model catalog; pass { name, pricing } instead` });
    return { name: hit.id, catalogId: hit.id, pricing: basePricing(hit.pricing) };
  }
  if ('pricing' in t) return { name: t.name, pricing: basePricing(t.pricing) };
  const hit = lookupModel(t.provider as ProviderKind, t.model);
  if (!hit) throw new InvalidRequestError({ path, message: `${path}: ${t.provider}/${t.model} is not in the model catalog` });
  return { name: hit.id, catalogId: hit.id, pricing: basePricing(hit.pricing) };
}

/** Totals mix many requests: per-request long-context tiers cannot apply, so the base tier prices them. */
function basePricing(p: {
  input: number;
  output: number;
  cachedInput?: number | undefined;
  cacheWrite?: number | undefined;
}): ModelPricing {
  const out: ModelPricing = { input: p.input, output: p.output };
  if (p.cachedInput !== undefined) out.cachedInput = p.cachedInput;
  if (p.cacheWrite !== undefined) out.cacheWrite = p.cacheWrite;
  return out;
}

/**
 * "If you had used...": the recorded traffic (same tokens by kind, billed attempts included) priced on
 * other models. Assumes the other model would use the same number of tokens, which is an approximation.
 */
export async function compareModels(ledger: UsageLedger, query: CompareQuery): Promise<CompareResult> {
  const { models, ...filter } = parseQuery(compareQuerySchema, query);
  const targets = models.map(resolveTarget);
  const { total, exact } = await summaryOf(ledger, { ...filterOf(filter), by: [] });
  const usage = {
    inputTokens: total.tokens.input,
    outputTokens: total.tokens.output,
    totalTokens: total.tokens.input + total.tokens.output,
    cachedInputTokens: total.tokens.cachedInput,
    cacheWriteTokens: total.tokens.cacheWrite,
  };
  const alternatives = targets.map((t): CompareRow => {
    const p = computeCostPicos(usage, t.pricing);
    const costMicros = picosToMicrosHalfUp(p.uncachedInput + p.cachedInput + p.cacheWrite + p.output);
    const row: CompareRow = {
      name: t.name,
      pricing: t.pricing,
      costMicros,
      costUsd: microsToUsd(costMicros),
      deltaMicros: costMicros - total.costMicros,
    };
    if (t.catalogId !== undefined) row.catalogId = t.catalogId;
    if (total.costMicros > 0) row.ratio = costMicros / total.costMicros;
    return row;
  });
  return {
    actual: { requests: total.requests, costMicros: total.costMicros, costUsd: total.costUsd, unpriced: total.unpriced },
    tokens: {
      input: total.tokens.input,
      cachedInput: total.tokens.cachedInput,
      cacheWrite: total.tokens.cacheWrite,
      output: total.tokens.output,
      reasoning: total.tokens.reasoning,
    },
    alternatives,
    exact,
  };
}
