import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCost, computeCostPicos, worstCaseCostMicros } from '../../src/accounting/cost.js';
import { ConfigError } from '../../src/core/errors.js';

const usage = (inputTokens: number, outputTokens: number, extra: object = {}) => ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, ...extra });

describe('computeCost', () => {
  it('no float error: 3 x $0.10/M is 0.3 micros, not 0.30000000000000004', () => {
    expect(computeCostPicos(usage(3, 0), { input: 0.1, output: 0 }).uncachedInput).toBe(300_000n);
  });

  it('rounds each side once, half up, and total = input + output', () => {
    // 5 x 0.1 = 0.5 -> 1 (half up); 4 x 0.1 = 0.4 -> 0
    expect(computeCost(usage(5, 4), { input: 0.1, output: 0.1 })).toMatchObject({ inputMicros: 1, outputMicros: 0, totalMicros: 1 });
    expect(computeCost(usage(1_000_000, 1_000_000), { input: 2.5, output: 10 })).toMatchObject({ inputUsd: 2.5, outputUsd: 10, totalUsd: 12.5, totalMicros: 12_500_000 });
  });

  it('defaults cache prices to the input price and never bills a negative plain input', () => {
    expect(computeCost(usage(100, 0, { cachedInputTokens: 40, cacheWriteTokens: 10 }), { input: 1, output: 1 }).inputMicros).toBe(100);
    expect(computeCost(usage(10, 0, { cachedInputTokens: 20 }), { input: 1, cachedInput: 0.5, output: 1 }).inputMicros).toBe(10);
  });

  it('unpriced is zero and flagged; estimated usage is flagged', () => {
    expect(computeCost(usage(10, 10, { estimated: true }), undefined)).toMatchObject({ priced: false, estimated: true, totalMicros: 0 });
    expect(computeCost(usage(10, 10, { estimated: true }), { input: 1, output: 1 })).toMatchObject({ priced: true, estimated: true, totalMicros: 20 });
    expect(computeCost(usage(10, 10), { input: 0, output: 0 })).toMatchObject({ priced: true, totalMicros: 0 });
  });

  it('rejects negative prices with a ConfigError naming the field', () => {
    const run = () => computeCost(usage(1, 1), { input: 1, output: -2 });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/pricing\.output/);
  });

  it('matches an exact rational computation for any usage and 6-decimal prices (property)', () => {
    const price = fc.integer({ min: 0, max: 200_000_000 }); // pico-dollars per token = USD/1M x 1e6
    const tokens = fc.integer({ min: 0, max: 50_000_000 });
    fc.assert(
      fc.property(tokens, tokens, tokens, tokens, price, price, price, price, (inp, cached, written, out, pi, pc, pw, po) => {
        const u = usage(inp + cached + written, out, { cachedInputTokens: cached, cacheWriteTokens: written });
        const c = computeCost(u, { input: pi / 1e6, cachedInput: pc / 1e6, cacheWrite: pw / 1e6, output: po / 1e6 });
        const inPicos = BigInt(inp) * BigInt(pi) + BigInt(cached) * BigInt(pc) + BigInt(written) * BigInt(pw);
        const outPicos = BigInt(out) * BigInt(po);
        expect(c.inputMicros).toBe(Number((inPicos + 500_000n) / 1_000_000n));
        expect(c.outputMicros).toBe(Number((outPicos + 500_000n) / 1_000_000n));
        expect(Number.isSafeInteger(c.totalMicros)).toBe(true);
        expect(c.totalMicros).toBe(c.inputMicros + c.outputMicros);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('worstCaseCostMicros', () => {
  it('bills every input token at the dearest input rate and rounds up', () => {
    // Anthropic Sonnet: cache write 3.75 > input 3. 1,000 x 3.75 + 100 x 15 = 5,250.
    expect(worstCaseCostMicros({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, 1_000, 100)).toBe(5_250);
    // 1 x 0.1 = 0.1 micros -> 1 (ceil)
    expect(worstCaseCostMicros({ input: 0.1, output: 0 }, 1, 0)).toBe(1);
  });
});
