import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCost, computeCostPicos, worstCaseCostMicros } from '../../src/accounting/cost.js';
import { ConfigError } from '../../src/core/errors.js';

const usage = (inputTokens: number, outputTokens: number, extra: object = {}) => ({
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  ...extra,
});

describe('computeCost', () => {
  it('no float error: 3 x $0.10/M is 0.3 micros, not 0.30000000000000004', () => {
    expect(computeCostPicos(usage(3, 0), { input: 0.1, output: 0 }).uncachedInput).toBe(300_000n);
  });

  it('rounds each side once, half up, and total = input + output', () => {
    // 5 x 0.1 = 0.5 -> 1 (half up); 4 x 0.1 = 0.4 -> 0
    expect(computeCost(usage(5, 4), { input: 0.1, output: 0.1 })).toMatchObject({ inputMicros: 1, outputMicros: 0, totalMicros: 1 });
    expect(computeCost(usage(1_000_000, 1_000_000), { input: 2.5, output: 10 })).toMatchObject({
      inputUsd: 2.5,
      outputUsd: 10,
      totalUsd: 12.5,
      totalMicros: 12_500_000,
    });
  });

  it('defaults cache prices to the input price and never bills a negative plain input', () => {
    expect(computeCost(usage(100, 0, { cachedInputTokens: 40, cacheWriteTokens: 10 }), { input: 1, output: 1 }).inputMicros).toBe(100);
    expect(computeCost(usage(10, 0, { cachedInputTokens: 20 }), { input: 1, cachedInput: 0.5, output: 1 }).inputMicros).toBe(10);
  });

  it('unpriced is zero and flagged; estimated usage is flagged', () => {
    expect(computeCost(usage(10, 10, { estimated: true }), undefined)).toMatchObject({ priced: false, estimated: true, totalMicros: 0 });
    expect(computeCost(usage(10, 10, { estimated: true }), { input: 1, output: 1 })).toMatchObject({
      priced: true,
      estimated: true,
      totalMicros: 20,
    });
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

describe('doubles where exact, BigInt beyond 2^53', () => {
  // Token counts and prices as vendors and configs give them: odd values included, and sizes on both
  // sides of 2^53 pico-dollars, where the computation falls back from doubles to BigInt.
  const count = fc.oneof(
    fc.nat(),
    fc.integer({ min: 2 ** 40, max: 2 ** 53 }),
    fc.double({ min: -10, max: 1e18 }),
    fc.constantFrom(undefined, Number.NaN, Infinity, -1, 0.5, 2.5, 2 ** 53 + 2),
  );
  const price = fc.oneof(
    fc.integer({ min: 0, max: 200_000_000 }).map((n) => n / 1e6),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.constantFrom(0, 1e-7, 0.0000005, 1e6), // 1e6: the highest price a config accepts
  );
  const big = (n: bigint) => Number(n);

  it('computeCost equals the BigInt computation, to the micro', () => {
    fc.assert(
      fc.property(count, count, count, count, price, price, price, price, (inp, cached, written, out, pi, pc, pw, po) => {
        const u = {
          inputTokens: inp as number,
          outputTokens: out as number,
          totalTokens: 0,
          cachedInputTokens: cached,
          cacheWriteTokens: written,
        };
        const pricing = { input: pi, cachedInput: pc, cacheWrite: pw, output: po };
        const picos = computeCostPicos(u, pricing);
        const c = computeCost(u, pricing);
        expect(c.inputMicros).toBe(big((picos.uncachedInput + picos.cachedInput + picos.cacheWrite + 500_000n) / 1_000_000n));
        expect(c.outputMicros).toBe(big((picos.output + 500_000n) / 1_000_000n));
      }),
      { numRuns: 5_000 },
    );
  });

  it('worstCaseCostMicros equals the BigInt computation, rounded up', () => {
    fc.assert(
      fc.property(count, count, price, price, price, price, (inp, out, pi, pc, pw, po) => {
        const pricing = { input: pi, cachedInput: pc, cacheWrite: pw, output: po };
        const tokens = (n: number | undefined) => (n === undefined || !Number.isFinite(n) || n <= 0 ? 0n : BigInt(Math.round(n)));
        const perToken = (usd: number) => BigInt(Math.round(usd * 1e6));
        const picos = tokens(inp) * perToken(Math.max(pi, pc, pw)) + tokens(out) * perToken(po);
        expect(worstCaseCostMicros(pricing, inp ?? 0, out ?? 0)).toBe(big((picos + 999_999n) / 1_000_000n));
      }),
      { numRuns: 5_000 },
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
