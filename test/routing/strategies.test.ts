import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, type ModelConfig, type RouterOptions } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { seededRandom } from '../../src/providers/mock/random.js';

const text = (content: string) => [{ role: 'user' as const, content }];
const withImage = [
  {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text: 'what is this?' },
      { type: 'image' as const, url: 'https://example.com/a.png' },
    ],
  },
];

function routerWith(models: Record<string, Omit<ModelConfig, 'provider' | 'model'>>, extra: Partial<RouterOptions> = {}) {
  const m = mockProvider();
  return createRouter({
    providers: { m },
    models: Object.fromEntries(Object.entries(models).map(([k, v]) => [k, { provider: 'm', model: k, ...v }])),
    ...extra,
  });
}

describe('cost strategy', () => {
  const models = {
    premium: { pricing: { input: 3, output: 15 }, capabilities: { vision: true } },
    mini: { pricing: { input: 0.15, output: 0.6 }, capabilities: { vision: true } },
    textOnly: { pricing: { input: 0.05, output: 0.1 }, capabilities: { vision: false } },
    unpriced: {},
  };

  it('orders by estimated cost of this request, unpriced last', () => {
    const router = routerWith(models, { strategy: 'cost' });
    expect(router.explain({ messages: text('hello') }).candidates).toEqual(['textOnly', 'mini', 'premium', 'unpriced']);
  });

  it('picks the cheapest model that can take an image when the request has one', async () => {
    const router = routerWith(models, { strategy: 'cost' });
    const res = await router.chat({ messages: withImage });
    expect(res.route.model).toBe('mini');
    expect(res.route.skipped).toEqual([{ model: 'textOnly', reason: 'lacks-capability', detail: 'needs vision' }]);
  });

  it('weighs output by the request: a long answer makes output price dominate', () => {
    const router = routerWith(
      { cheapIn: { pricing: { input: 0.1, output: 10 } }, cheapOut: { pricing: { input: 1, output: 1 } } },
      { strategy: { type: 'cost', expectedOutputTokens: 4_000 } },
    );
    expect(router.explain({ messages: text('x'), params: { maxTokens: 4_000 } }).candidates).toEqual(['cheapOut', 'cheapIn']);
    expect(router.explain({ messages: text('x'.repeat(40_000)), params: { maxTokens: 1 } }).candidates).toEqual(['cheapIn', 'cheapOut']);
  });
});

describe('capability strategy and filters', () => {
  it('filters by tools, JSON, streaming and context window, then ranks by strengths for the task', () => {
    const router = routerWith(
      {
        general: { strengths: ['creative'] },
        thinker: { strengths: ['reasoning'], capabilities: { reasoning: true } },
        noTools: { capabilities: { tools: false }, strengths: ['reasoning'] },
        tiny: { contextWindow: 50 },
        zh: { strengths: ['chinese'] },
      },
      { strategy: 'capability' },
    );
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    const d = router.explain({ messages: text('solve this'), task: 'reasoning', tools, params: { maxTokens: 100 } });
    expect(d.candidates).toEqual(['thinker', 'general', 'zh']);
    expect(d.skipped).toEqual([
      { model: 'noTools', reason: 'lacks-capability', detail: 'needs tools' },
      { model: 'tiny', reason: 'context-too-small', detail: expect.stringContaining('> context window 50') },
    ]);
    // A Chinese prompt without a task hint ranks `chinese` strengths first.
    expect(router.explain({ messages: text('请帮我查一下订单') }).candidates[0]).toBe('zh');
  });
});

describe('load-balance strategy', () => {
  it('property: weighted picks over 20,000 requests stay within 2% of the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 5 }), fc.integer(), (weights, seed) => {
        const models = Object.fromEntries(weights.map((w, i) => [`m${i}`, { weight: w }]));
        const router = routerWith(models, { strategy: 'load-balance', random: seededRandom(seed) });
        const counts = new Map<string, number>();
        for (let i = 0; i < 20_000; i++) {
          const first = router.explain({ messages: text('x') }).candidates[0]!;
          counts.set(first, (counts.get(first) ?? 0) + 1);
        }
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((w, i) => expect(Math.abs((counts.get(`m${i}`) ?? 0) / 20_000 - w / total)).toBeLessThan(0.02));
      }),
      { numRuns: 5 },
    );
  }, 60_000);

  it('property: whole fallback orders follow the weights (each next pick by weight among the rest)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 4 }), fc.integer(), (weights, seed) => {
        const models = Object.fromEntries(weights.map((w, i) => [`m${i}`, { weight: w }]));
        const router = routerWith(models, { strategy: 'load-balance', random: seededRandom(seed) });
        const n = 40_000;
        const seen = new Map<string, number>();
        for (let i = 0; i < n; i++) {
          const order = router.explain({ messages: text('x') }).candidates.join(',');
          seen.set(order, (seen.get(order) ?? 0) + 1);
        }
        // Exact chance of an order: the product, pick by pick, of weight over what is left.
        const total = weights.reduce((a, b) => a + b, 0);
        const chance = (order: number[]) => {
          let left = total;
          let p = 1;
          for (const i of order) {
            p *= weights[i]! / left;
            left -= weights[i]!;
          }
          return p;
        };
        const permutations = (rest: number[]): number[][] =>
          rest.length === 0 ? [[]] : rest.flatMap((x) => permutations(rest.filter((y) => y !== x)).map((p) => [x, ...p]));
        const all = permutations(weights.map((_, i) => i));
        expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(n);
        for (const order of all) {
          const expected = chance(order);
          const got = (seen.get(order.map((i) => `m${i}`).join(',')) ?? 0) / n;
          // Binomial standard deviation at n = 40,000 is at most 0.0025: allow 4 of them.
          expect(Math.abs(got - expected)).toBeLessThan(0.01);
        }
      }),
      { numRuns: 4 },
    );
  }, 60_000);

  it('keeps every candidate as a fallback, and round-robin rotates', () => {
    const router = routerWith({ a: {}, b: {}, c: {} }, { strategy: { type: 'load-balance', mode: 'round-robin' } });
    const firsts = Array.from({ length: 6 }, () => router.explain({ messages: text('x') }).candidates);
    expect(firsts.map((c) => c[0])).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(firsts[1]).toEqual(['b', 'c', 'a']);
  });

  it('least-in-flight sends the next request to the least busy model', async () => {
    const slow = mockProvider({ name: 'slow', latencyMs: 30 });
    const fast = mockProvider({ name: 'fast', latencyMs: 30 });
    const router = createRouter({
      providers: { slow, fast },
      models: { s: { provider: 'slow', model: 's' }, f: { provider: 'fast', model: 'f' } },
      strategy: { type: 'load-balance', mode: 'least-in-flight' },
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => router.chat({ messages: text('x') })));
    expect(results.map((r) => r.route.model).sort()).toEqual(['f', 'f', 's', 's']);
  });

  it('nests: a route load-balances across two fallback chains (groups)', async () => {
    const down = mockProvider({ name: 'down', reply: { fail: 503 } });
    const up = mockProvider({ name: 'up' });
    const router = createRouter({
      providers: { down, up },
      models: {
        a1: { provider: 'down', model: 'a1' },
        a2: { provider: 'up', model: 'a2' },
        b1: { provider: 'up', model: 'b1' },
        b2: { provider: 'up', model: 'b2' },
      },
      groups: {
        chainA: { use: ['a1', 'a2'], strategy: 'fallback', weight: 3 },
        chainB: { use: ['b1', 'b2'], strategy: 'fallback', weight: 1 },
      },
      routes: [{ name: 'balanced', when: { agent: 'support' }, use: ['chainA', 'chainB'], strategy: 'load-balance' }],
      random: seededRandom(3),
      retry: { retries: 0 },
      circuitBreaker: false,
    });
    const orders = Array.from({ length: 400 }, () => router.explain({ messages: text('x'), agent: 'support' }).candidates.join(','));
    const aFirst = orders.filter((o) => o === 'a1,a2,b1,b2').length;
    expect(orders.every((o) => o === 'a1,a2,b1,b2' || o === 'b1,b2,a1,a2')).toBe(true);
    expect(aFirst / 400).toBeGreaterThan(0.65);
    expect(aFirst / 400).toBeLessThan(0.85);
    const res = await router.chat({ messages: text('x'), agent: 'support', session: undefined });
    expect(['a2', 'b1']).toContain(res.route.model);
  });
});

describe('latency strategy', () => {
  it('learns an EWMA and prefers the faster model (time to first token for streams)', async () => {
    const slow = mockProvider({ name: 'slow', latencyMs: 40 });
    const fast = mockProvider({ name: 'fast', latencyMs: 5 });
    const router = createRouter({
      providers: { slow, fast },
      models: { s: { provider: 'slow', model: 's' }, f: { provider: 'fast', model: 'f' } },
      strategy: 'latency',
    });
    // Unknown models are explored first, in configured order.
    expect((await router.chat({ messages: text('x') })).route.model).toBe('s');
    expect((await router.chat({ messages: text('x') })).route.model).toBe('f');
    expect((await router.chat({ messages: text('x') })).route.model).toBe('f');
    expect(router.health().models.s!.latencyMs).toBeGreaterThan(router.health().models.f!.latencyMs!);
    await router.stream({ messages: text('x') }).collect();
    expect(router.health().models.f!.ttftMs).toBeGreaterThan(0);
  });
});

describe('routes on classification', () => {
  it('matches language (Simplified vs Traditional), complexity, task and a predicate that sees the classification', () => {
    const router = routerWith(
      { ds: {}, claude: {}, mini: {}, gemini: {}, big: {} },
      {
        routes: [
          { when: { language: 'zh-Hant' }, use: ['claude'] },
          { when: { language: 'zh' }, use: ['ds'] },
          { when: { task: 'sentiment' }, use: ['gemini'] },
          { when: (_req, c) => c.complexity.level === 'complex', use: ['big'] },
          { when: { complexity: 'simple' }, use: ['mini'] },
        ],
      },
    );
    expect(router.explain({ messages: text('我的订单到哪里了？') }).candidates).toEqual(['ds']);
    expect(router.explain({ messages: text('我的訂單到哪裡了？') }).candidates).toEqual(['claude']);
    expect(router.explain({ messages: text('I love it'), task: 'sentiment' }).candidates).toEqual(['gemini']);
    expect(
      router.explain({
        messages: text('Analyze our churn, compare the cohorts, then design an experiment. What sample size? What risks? What cost?'),
      }).candidates,
    ).toEqual(['big']);
    expect(router.explain({ messages: text('hi') }).candidates).toEqual(['mini']);
  });
});
