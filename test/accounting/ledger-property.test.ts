import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/accounting/cost.js';
import { createLedger } from '../../src/accounting/ledger/ledger.js';
import type { RecordInput, UsageRecord } from '../../src/accounting/ledger/record.js';
import { createCostsApi } from '../../src/accounting/reports/costs-api.js';
import { lookupModel } from '../../src/catalog/index.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 9, 1, 0, 0, 0);
const SPAN = 3 * 24 * HOUR;
const MODELS = [
  { model: 'gpt-mini', provider: 'gpt', providerModel: 'gpt-4o-mini', pricing: lookupModel('openai', 'gpt-4o-mini')!.pricing },
  {
    model: 'sonnet',
    provider: 'claude',
    providerModel: 'claude-sonnet-4-5',
    pricing: lookupModel('anthropic', 'claude-sonnet-4-5')!.pricing,
  },
  { model: 'ds', provider: 'deepseek', providerModel: 'deepseek-reasoner', pricing: lookupModel('deepseek', 'deepseek-reasoner')!.pricing },
  { model: 'mystery', provider: 'compat', providerModel: 'my-finetune', pricing: undefined },
];

const inputArb = fc
  .record({
    t: fc.integer({ min: 0, max: SPAN - 1 }),
    tenant: fc.constantFrom('acme', 'globex', '初创公司', undefined),
    user: fc.constantFrom('u1', 'u2', 'u3'),
    m: fc.integer({ min: 0, max: MODELS.length - 1 }),
    input: fc.integer({ min: 0, max: 300_000 }),
    cachedShare: fc.integer({ min: 0, max: 100 }),
    output: fc.integer({ min: 0, max: 20_000 }),
    reasoningShare: fc.integer({ min: 0, max: 100 }),
    outcome: fc.constantFrom('ok', 'ok', 'ok', 'error', 'billed'),
    fallbackUsed: fc.boolean(),
    estimated: fc.boolean(),
  })
  .map((g): RecordInput => {
    const m = MODELS[g.m]!;
    const cached = Math.floor((g.input * g.cachedShare) / 100);
    const usage = {
      inputTokens: g.input,
      outputTokens: g.output,
      totalTokens: g.input + g.output,
      cachedInputTokens: cached,
      reasoningTokens: Math.floor((g.output * g.reasoningShare) / 100),
      estimated: g.estimated,
    };
    const base = {
      requestId: `r-${g.t}`,
      timestamp: T0 + g.t,
      context: { ...(g.tenant !== undefined && { tenant: g.tenant }), user: g.user },
      model: m.model,
      provider: m.provider,
      providerModel: m.providerModel,
      latencyMs: 100,
      fallbackUsed: g.fallbackUsed,
      attempts: g.fallbackUsed ? 2 : 1,
    };
    if (g.outcome === 'error') return { ...base, outcome: 'error', errorCode: 'rate-limit' };
    const cost = computeCost(usage, m.pricing);
    if (g.outcome === 'billed')
      return { ...base, kind: 'billed-attempt', outcome: 'error', errorCode: 'provider-unavailable', usage, cost };
    return { ...base, outcome: 'ok', usage, cost };
  });

function sums(records: ReadonlyArray<UsageRecord>) {
  let costMicros = 0,
    requests = 0,
    billed = 0,
    input = 0,
    cached = 0,
    output = 0,
    reasoning = 0,
    fallbacks = 0;
  for (const r of records) {
    costMicros += r.costMicros;
    if (r.kind === 'request') requests++;
    else billed++;
    if (r.kind === 'request' && r.fallbackUsed) fallbacks++;
    input += r.tokens.input;
    cached += r.tokens.cachedInput;
    output += r.tokens.output;
    reasoning += r.tokens.reasoning;
  }
  return { costMicros, requests, billed, input, cached, output, reasoning, fallbacks };
}

function rowSums(row: {
  costMicros: number;
  requests: number;
  billedAttempts: number;
  fallbacks: number;
  tokens: { input: number; cachedInput: number; output: number; reasoning: number };
}) {
  return {
    costMicros: row.costMicros,
    requests: row.requests,
    billed: row.billedAttempts,
    input: row.tokens.input,
    cached: row.tokens.cachedInput,
    output: row.tokens.output,
    reasoning: row.tokens.reasoning,
    fallbacks: row.fallbacks,
  };
}

describe('ledger: sums of records equal every summary total, to the micro-dollar', () => {
  it.each([
    ['unbounded', { maxRecords: 1_000_000 }],
    ['bounded (keeps 700 records, drops by age after 1 day)', { maxRecords: 700, maxAgeMs: 24 * HOUR }],
  ] as Array<[string, { maxRecords: number; maxAgeMs?: number }]>)(
    '10,000 concurrent records, %s',
    async (_name, bounds) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(inputArb, { minLength: 10_000, maxLength: 10_000 }),
          fc.integer({ min: 0, max: SPAN }),
          fc.integer({ min: 0, max: SPAN }),
          async (inputs, a, b) => {
            const ledger = createLedger({ ...bounds, now: () => T0 + SPAN });
            const costs = createCostsApi(ledger);
            const written = await Promise.all(inputs.map((i) => ledger.record(i)));
            expect(new Set(written.map((r) => r.id)).size).toBe(10_000);

            // Overall and per tenant, from aggregates (exact even after records were dropped).
            const all = await costs.summary({});
            expect(all.exact).toBe(true);
            expect(rowSums(all.total)).toEqual(sums(written));
            const byTenant = await costs.summary({ by: ['tenant'] });
            for (const tenant of ['acme', 'globex', '初创公司', null]) {
              const row = byTenant.rows.find((r) => r.group.tenant === tenant);
              expect(rowSums(row!)).toEqual(sums(written.filter((r) => (r.tenant ?? null) === tenant)));
              if (tenant !== null)
                expect(rowSums((await costs.summary({ tenant })).total)).toEqual(sums(written.filter((r) => r.tenant === tenant)));
            }
            const byModelDay = await costs.summary({ by: ['model', 'day'] });
            expect(byModelDay.rows.reduce((s, r) => s + r.costMicros, 0)).toBe(all.total.costMicros);

            // An arbitrary (unaligned) time range.
            const since = T0 + Math.min(a, b);
            const until = T0 + Math.max(a, b);
            const ranged = await costs.summary({ since, until, by: ['tenant'] });
            const inRange = written.filter((r) => r.timestamp >= since && r.timestamp < until);
            const { droppedThrough } = await ledger.retention();
            if (droppedThrough === undefined || droppedThrough < since) {
              expect(ranged.exact).toBe(true);
              expect(rowSums(ranged.total)).toEqual(sums(inRange));
            }
            // Hour-aligned ranges come from aggregates only: always exact.
            const hs = T0 + Math.floor(Math.min(a, b) / HOUR) * HOUR;
            const hu = T0 + Math.ceil(Math.max(a, b) / HOUR) * HOUR;
            const aligned = await costs.summary({ since: hs, until: hu });
            expect(aligned.exact).toBe(true);
            expect(rowSums(aligned.total)).toEqual(sums(written.filter((r) => r.timestamp >= hs && r.timestamp < hu)));

            // Retention really did drop records in the bounded case, and kept the newest.
            const kept = await costs.records({});
            expect(kept.length).toBeLessThanOrEqual(bounds.maxRecords);
            if (bounds.maxRecords < 10_000) expect(droppedThrough).toBeDefined();
            for (const r of kept) expect(r.timestamp).toBeGreaterThanOrEqual(T0 + SPAN - (bounds.maxAgeMs ?? Infinity));
          },
        ),
        { numRuns: 3 },
      );
    },
    120_000,
  );
});
