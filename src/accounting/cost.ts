import type { ModelPricing } from '../core/model.js';
import type { Cost, Usage } from '../core/usage.js';
import type { CatalogPricing } from '../catalog/types.js';
import { microsToUsd, picosPerToken, picosToMicrosCeil, picosToMicrosHalfUp, tokenCount } from './money.js';
import { assertValidPricing, pricingFor } from './pricing.js';

/** A cost in exact integer pico-dollars (1e-12 USD), by billing line, before any rounding. */
export interface CostPicos {
  uncachedInput: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  output: bigint;
}

/**
 * Exact cost of a usage block in pico-dollars. Input tokens minus cache reads and writes are billed
 * at `input`; cache reads at `cachedInput`, cache writes at `cacheWrite` (each defaulting to `input`);
 * all output tokens (reasoning included: every vendor bills thinking as output) at `output`.
 * A long-context tier applies when `usage.inputTokens` exceeds its threshold.
 */
export function computeCostPicos(usage: Usage, pricing: ModelPricing | CatalogPricing): CostPicos {
  const p = pricingFor(pricing, usage.inputTokens);
  const input = tokenCount(usage.inputTokens);
  const cached = tokenCount(usage.cachedInputTokens);
  const written = tokenCount(usage.cacheWriteTokens);
  const plain = input - cached - written > 0n ? input - cached - written : 0n;
  return {
    uncachedInput: plain * picosPerToken(p.input),
    cachedInput: cached * picosPerToken(p.cachedInput ?? p.input),
    cacheWrite: written * picosPerToken(p.cacheWrite ?? p.input),
    output: tokenCount(usage.outputTokens) * picosPerToken(p.output),
  };
}

/**
 * Cost of one request in integer micro-dollars.
 *
 * Rounding rule: the exact cost is computed in integer pico-dollars (BigInt, no float error), then
 * rounded ONCE per side (input, output) to the nearest micro-dollar, half up; `totalMicros` is
 * `inputMicros + outputMicros`. Records and summaries only ever add these integers, so any sum of
 * records is exact to the micro-dollar. A record may differ from its exact pico cost by < 1 micro.
 *
 * Without a price (`pricing` undefined) the cost is zero and `priced: false`: never trust it.
 * Invalid prices (negative, not finite) throw a `ConfigError` naming the field.
 */
export function computeCost(usage: Usage, pricing: ModelPricing | CatalogPricing | undefined): Cost {
  if (pricing) assertValidPricing(pricing);
  return computeValidatedCost(usage, pricing);
}

/**
 * `computeCost` for a price list already validated (the router's models are, when it is built):
 * skips the check, which built an issue list on every request.
 */
export function computeValidatedCost(usage: Usage, pricing: ModelPricing | CatalogPricing | undefined): Cost {
  const estimated = usage.estimated ?? false;
  if (!pricing) {
    return { inputMicros: 0, outputMicros: 0, totalMicros: 0, inputUsd: 0, outputUsd: 0, totalUsd: 0, priced: false, estimated };
  }
  const picos = computeCostPicos(usage, pricing);
  return costFromMicros(
    picosToMicrosHalfUp(picos.uncachedInput + picos.cachedInput + picos.cacheWrite),
    picosToMicrosHalfUp(picos.output),
    estimated,
  );
}

/** A `Cost` from integer micros (USD fields derived). */
export function costFromMicros(inputMicros: number, outputMicros: number, estimated = false, priced = true): Cost {
  const totalMicros = inputMicros + outputMicros;
  return {
    inputMicros,
    outputMicros,
    totalMicros,
    inputUsd: microsToUsd(inputMicros),
    outputUsd: microsToUsd(outputMicros),
    totalUsd: microsToUsd(totalMicros),
    priced,
    estimated,
  };
}

/**
 * Upper bound of what a request can cost, in micros rounded up: every input token at the dearest
 * input rate (a prompt may be written to the cache at `cacheWrite` > `input`) and `maxOutputTokens`
 * at the output rate, in the long-context tier when the prompt is long. Used to reserve budget.
 */
export function worstCaseCostMicros(pricing: ModelPricing | CatalogPricing, inputTokens: number, maxOutputTokens: number): number {
  const p = pricingFor(pricing, inputTokens);
  const inRate = Math.max(p.input, p.cacheWrite ?? p.input, p.cachedInput ?? p.input);
  return picosToMicrosCeil(tokenCount(inputTokens) * picosPerToken(inRate) + tokenCount(maxOutputTokens) * picosPerToken(p.output));
}
