import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, createRouter, type BudgetAlert, type StreamEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const ask = (tenant?: string) => ({
  messages: [{ role: 'user' as const, content: 'How much is shipping to Lyon?' }],
  ...(tenant && { tenant }),
});

describe('costs through the router', () => {
  it('property: 10,000 concurrent requests with random failures, fallbacks and tenants; records and summaries agree to the micro-dollar', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const router = createRouter({
          providers: {
            flaky: mockProvider({
              name: 'flaky',
              failRate: { probability: 0.3, with: 503, seed },
              reply: { text: 'ok from flaky', usage: { inputTokens: 1_234, outputTokens: 567 } },
            }),
            steady: mockProvider({
              name: 'steady',
              failRate: { probability: 0.1, with: 500, seed: seed + 1 },
              reply: { text: 'ok from steady', usage: { inputTokens: 1_000, outputTokens: 333, cachedInputTokens: 200 } },
            }),
          },
          models: {
            a: { provider: 'flaky', model: 'a', pricing: { input: 0.15, output: 0.6 } },
            b: { provider: 'steady', model: 'b', pricing: { input: 2.5, output: 10, cachedInput: 1.25 } },
          },
          retry: { retries: 0 },
          circuitBreaker: false,
          ledger: { maxRecords: 500 },
        });
        const tenants = ['acme', 'globex', 'initech'];
        const outcomes = await Promise.allSettled(Array.from({ length: 10_000 }, (_, i) => router.chat(ask(tenants[i % 3]))));
        const served = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        const failed = outcomes.length - served.length;
        expect(served.some((r) => r.route.fallbackUsed)).toBe(true);
        const overall = await router.costs.summary({});
        const totalOf = (rows: Array<{ costMicros: number; requests: number }>) =>
          rows.reduce((s, r) => ({ micros: s.micros + r.costMicros, requests: s.requests + r.requests }), { micros: 0, requests: 0 });
        const all = totalOf(overall.rows);
        expect(all.micros).toBe(served.reduce((s, r) => s + r.cost.totalMicros, 0));
        expect(all.requests).toBe(10_000);
        for (const t of tenants) {
          const rows = (await router.costs.summary({ tenant: t })).rows;
          const mine = served.filter((r) => r.route.context.tenant === t);
          expect(totalOf(rows).micros).toBe(mine.reduce((s, r) => s + r.cost.totalMicros, 0));
        }
        const byModel = await router.costs.summary({ by: ['model'] });
        const servedByB = served.filter((r) => r.route.model === 'b').reduce((s, r) => s + r.cost.totalMicros, 0);
        expect(byModel.rows.find((r) => r.group.model === 'b')?.costMicros ?? 0).toBe(servedByB);
        expect(failed).toBeGreaterThan(0);
      }),
      { numRuns: 2 },
    );
  }, 120_000);

  it('attributes the cost of a fallback to the model that served it, and a failed request is recorded too', async () => {
    const router = createRouter({
      providers: {
        down: mockProvider({ reply: { fail: 503 } }),
        up: mockProvider({ reply: { text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 0 } } }),
      },
      models: {
        first: { provider: 'down', model: 'x', pricing: { input: 10, output: 10 } },
        second: { provider: 'up', model: 'y', pricing: { input: 1, output: 1 } },
      },
      retry: { retries: 0 },
    });
    const res = await router.chat(ask('acme'));
    expect(res.cost.totalMicros).toBe(1_000_000);
    const records = await router.costs.records({});
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ model: 'second', outcome: 'ok', fallbackUsed: true, attempts: 2 });
    const allDown = createRouter({
      providers: { down: mockProvider({ reply: { fail: 503 } }) },
      models: { x: { provider: 'down', model: 'x' } },
      retry: { retries: 0 },
    });
    await allDown.chat(ask('acme')).catch(() => undefined);
    expect(await allDown.costs.records({})).toMatchObject([{ outcome: 'error', errorCode: 'all-attempts-failed', tenant: 'acme' }]);
  });

  it('uses catalog prices for known models, and flags an unpriced model once instead of pricing it at zero', async () => {
    const router = createRouter({
      providers: { m: mockProvider({ reply: { text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } } }) },
      models: { mini: { provider: 'm', model: 'gpt-4o-mini' }, mystery: { provider: 'm', model: 'in-house-7b' } },
    });
    const unpriced: string[] = [];
    router.on('unpriced-model', (e) => unpriced.push(e.model));
    const priced = await router.chat({ ...ask(), model: 'mini' });
    expect(priced.cost.priced).toBe(true);
    expect(priced.cost.totalUsd).toBeCloseTo(0.15 + 0.6, 6);
    for (let i = 0; i < 3; i++) expect((await router.chat({ ...ask(), model: 'mystery' })).cost.priced).toBe(false);
    expect(unpriced).toEqual(['mystery']);
  });
});

describe('budgets through the router', () => {
  it('200 concurrent requests against a $1 tenant budget with block: spend never exceeds it; alerts fire once at 90% and once at 100%', async () => {
    // A ~10,000-token prompt (counted by the mock as the router estimates it) and 1,000 output tokens.
    const prompt = { messages: [{ role: 'user' as const, content: 'x'.repeat(40_000) }], tenant: 'acme' };
    const m = mockProvider({ latencyMs: { min: 1, max: 5 }, reply: { text: 'ok', usage: { outputTokens: 1_000 } } });
    const router = createRouter({
      providers: { m },
      // 10,000 x $2.5/M + 1,000 x $10/M = $0.035 per request.
      models: { gpt: { provider: 'm', model: 'x', pricing: { input: 2.5, output: 10 }, maxOutputTokens: 1_000 } },
      budgets: [{ id: 'acme-daily', scope: { tenant: 'acme' }, period: 'day', limitUsd: 1, onExceed: 'block' }],
    });
    const alerts: BudgetAlert[] = [];
    router.on('budget-alert', (a) => alerts.push(a));
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => router.chat({ ...prompt, params: { maxTokens: 1_000 } })));
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const blocked = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(blocked.every((b) => BudgetExceededError.isInstance(b.reason))).toBe(true);
    const spent = (await router.costs.summary({ tenant: 'acme' })).rows.reduce((s, r) => s + r.costMicros, 0);
    expect(spent).toBeLessThanOrEqual(1_000_000);
    expect(ok.length).toBeGreaterThan(0);
    expect(m.calls.length).toBe(ok.length);
    const at = (t: number) => alerts.filter((a) => a.budgetId === 'acme-daily' && a.threshold === t);
    expect(at(0.9)).toHaveLength(1);
    expect(at(1)).toHaveLength(1);
    // Another tenant is not limited by acme's budget.
    expect((await router.chat(ask('globex'))).text).toBe('ok');
  });

  it('downgrade: over budget, requests go to the degradeTo model instead', async () => {
    const router = createRouter({
      providers: { m: mockProvider({ reply: { text: 'ok', usage: { outputTokens: 0 } } }) },
      models: {
        premium: { provider: 'm', model: 'p', pricing: { input: 10, output: 10 } },
        economy: { provider: 'm', model: 'e', pricing: { input: 0.1, output: 0.1 } },
      },
      routes: [{ when: {}, use: ['premium'] }],
      budgets: [{ scope: { tenant: 'acme' }, period: 'month', limitUsd: 2.5, onExceed: 'downgrade', degradeTo: 'economy' }],
    });
    const served: string[] = [];
    // ~100,000 prompt tokens: $1 a request on premium.
    const big = { messages: [{ role: 'user' as const, content: 'x'.repeat(400_000) }], tenant: 'acme', params: { maxTokens: 10 } };
    for (let i = 0; i < 5; i++) served.push((await router.chat(big)).route.model);
    expect(served.slice(0, 2)).toEqual(['premium', 'premium']);
    expect(served.at(-1)).toBe('economy');
  });

  it('stopStreamOnBudget stops a stream mid-way with a typed error and records its partial usage', async () => {
    const long = 'word '.repeat(2_000);
    const router = createRouter({
      providers: { m: mockProvider({ reply: { text: long } }) },
      models: { x: { provider: 'm', model: 'x', pricing: { input: 0, output: 1_000 } } },
      budgets: [{ scope: {}, period: 'total', limitUsd: 0.5, onExceed: 'block' }],
      stopStreamOnBudget: true,
    });
    const events: StreamEvent[] = [];
    const error = await (async () => {
      for await (const ev of router.stream({ ...ask(), params: { maxTokens: 100 } })) events.push(ev);
    })().catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    const errorEvent = events.at(-1) as Extract<StreamEvent, { type: 'error' }>;
    expect(errorEvent.type).toBe('error');
    expect(errorEvent.partial.text.length).toBeGreaterThan(0);
    expect(errorEvent.partial.text.length).toBeLessThan(long.length);
    const records = await router.costs.records({});
    expect(records.map((r) => r.kind).sort()).toEqual(['billed-attempt', 'request']);
    const billed = records.find((r) => r.kind === 'billed-attempt')!;
    expect(billed.costMicros).toBe(errorEvent.partial.cost.totalMicros);
  });

  it('bad budget options are ConfigErrors naming the field', () => {
    expect(() =>
      createRouter({
        providers: { m: mockProvider() },
        models: { x: { provider: 'm', model: 'x' } },
        budgets: [{ scope: {}, period: 'week' as never, limitUsd: -1, onExceed: 'block', degradeTo: 'ghost' }],
      }),
    ).toThrow(/budgets\[0\]\.(period|limitUsd)[\s\S]*budgets\[0\]\.(period|limitUsd|degradeTo)/);
  });
});
