import type { ModelPricing } from '../core/model.js';
import type { Cost, Usage } from '../core/usage.js';

const MICROS_PER_USD = 1_000_000;

/**
 * Cost of one request in integer micro-dollars. Prices are USD per 1M tokens, so
 * `tokens x price` is already micro-dollars; each side is rounded once, half up.
 * Input: uncached input at `input`, cache reads at `cachedInput`, cache writes at `cacheWrite`.
 * Output: all output tokens (reasoning included, as every current vendor bills them).
 */
export function computeCost(usage: Usage, pricing: ModelPricing | undefined): Cost {
  if (!pricing) {
    return { inputMicros: 0, outputMicros: 0, totalMicros: 0, inputUsd: 0, outputUsd: 0, totalUsd: 0, priced: false, estimated: usage.estimated ?? false };
  }
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - cached - written);
  const inputMicros = Math.round(
    plain * pricing.input + cached * (pricing.cachedInput ?? pricing.input) + written * (pricing.cacheWrite ?? pricing.input),
  );
  const outputMicros = Math.round(usage.outputTokens * pricing.output);
  const totalMicros = inputMicros + outputMicros;
  return {
    inputMicros,
    outputMicros,
    totalMicros,
    inputUsd: inputMicros / MICROS_PER_USD,
    outputUsd: outputMicros / MICROS_PER_USD,
    totalUsd: totalMicros / MICROS_PER_USD,
    priced: true,
    estimated: usage.estimated ?? false,
  };
}
