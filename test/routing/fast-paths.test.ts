/**
 * The routing hot path's shortcuts against straightforward references, over random inputs:
 * KeyedOrder (cached permutation + insertion sort) vs a stable sort, the built-in strategies vs
 * their original implementations (run as custom strategies on an identical router), and the
 * request fast check vs the full schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, mockProvider, type Candidate, type ChatRequest, type ModelConfig, type RouterOptions, type StrategyFunction, type StrategyInput, type StrategySpec } from '../../src/index.js';
import { seededRandom } from '../../src/providers/mock/random.js';
import { KeyedOrder, sortByKeys } from '../../src/routing/strategies/keyed-order.js';
import { loadBalanceStrategy } from '../../src/routing/strategies/load-balance.js';

const cand = (i: number, weight = 1, config: Partial<ModelConfig> = {}): Candidate => ({ model: `m${i}`, provider: 'p', providerModel: `v${i}`, config: { provider: 'p', model: `v${i}`, ...config }, weight });

describe('KeyedOrder', () => {
  const key = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: false }), fc.constantFrom(Infinity, -Infinity, 0, -0, NaN));
  // Few subsets (so that the same candidates come again) and small keys (ties) as well as any.
  const subset = fc.oneof(fc.constantFrom(Array(12).fill(true) as boolean[], [true, false, true, true, false, true, true, true, false, true, true, true]), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }));
  const keys = fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }), fc.array(key, { minLength: 12, maxLength: 12 }));
  it('equals a stable sort by key, call after call, whether the candidates repeat or change', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ subset, keys }), { minLength: 1, maxLength: 8 }), (calls) => {
        const all = Array.from({ length: 12 }, (_, i) => cand(i));
        const order = new KeyedOrder();
        for (const { subset, keys } of calls) {
          const candidates = all.filter((_, i) => subset[i]);
          const k = (c: Candidate) => keys[Number(c.model.slice(1))]!;
          expect(order.sort(candidates, k)).toEqual(sortByKeys(candidates, k));
        }
      }),
    );
  });
});

describe('weighted load-balancing', () => {
  it('picks as the scan over weights does, also at exact boundaries of r', () => {
    // Random values that land r exactly on a boundary (0, halves, quarters, even 1 from a sloppy RNG) as well as any.
    const draws = fc.array(fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1 - 2 ** -53, 1), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { minLength: 1, maxLength: 40 });
    // Equal weights on 17-50 candidates too (the size of real pools), not only the small arrays fast-check favours.
    const many = fc.tuple(fc.integer({ min: 17, max: 50 }), fc.constantFrom(1, 3)).map(([n, w]) => Array<number>(n).fill(w));
    const weights = fc.oneof(many, fc.array(fc.constantFrom(1), { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom(3), { minLength: 1, maxLength: 12 }), fc.array(fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.double({ min: 0, max: 4, noNaN: true })), { minLength: 1, maxLength: 12 }));
    fc.assert(
      fc.property(weights, draws, (ws, rs) => {
        const candidates = ws.map((w, i) => cand(i, w));
        const seq = (): (() => number) => {
          let i = 0;
          return () => rs[i++ % rs.length]!;
        };
        const input = (random: () => number) => ({ random, sequence: 0 }) as unknown as StrategyInput;
        expect(loadBalanceStrategy()(candidates, input(seq()))).toEqual(reference.weighted()(candidates, input(seq())));
      }),
      { numRuns: 2_000 },
    );
  });
});

// The strategies written plainly (before the hot-path work, save the weighted pool's swap-removal): the references.
const reference = {
  cost: (expectedOutputTokens?: number): StrategyFunction =>
    function cost(candidates, input) {
      const expected = Math.min(input.request.params?.maxTokens ?? Infinity, expectedOutputTokens ?? 500);
      return sortByKeys(candidates, (c) => (c.config.pricing ? input.inputTokens * c.config.pricing.input + expected * c.config.pricing.output : Infinity));
    },
  capability: (fallbackTask?: string): StrategyFunction =>
    function capability(candidates, input) {
      const task = input.request.task ?? fallbackTask ?? (input.classification.language.language === 'zh' ? 'chinese' : undefined);
      const fit = (c: Candidate) => {
        if (!task) return 0;
        let points = c.config.strengths?.includes(task) ? 2 : 0;
        if (task === 'reasoning' && c.config.capabilities?.reasoning) points += 1;
        if (task === 'fast' && c.config.tier === 'economy') points += 1;
        return points;
      };
      return sortByKeys(candidates, (c) => -fit(c));
    },
  weighted: (): StrategyFunction =>
    function loadBalance(candidates, input) {
      if (candidates.length <= 1) return [...candidates];
      const pool = candidates.filter((c) => c.weight > 0);
      const zero = candidates.filter((c) => !(c.weight > 0));
      const out: Candidate[] = [];
      let total = pool.reduce((s, c) => s + c.weight, 0);
      while (pool.length > 0) {
        let r = input.random() * total;
        let i = 0;
        while (i < pool.length - 1 && r >= pool[i]!.weight) r -= pool[i++]!.weight;
        const picked = pool[i];
        pool[i] = pool[pool.length - 1]!;
        pool.pop();
        total -= picked!.weight;
        out.push(picked!);
      }
      return out.concat(zero);
    },
  leastInFlight: (): StrategyFunction =>
    function loadBalance(candidates, input) {
      return candidates.length <= 1 ? [...candidates] : sortByKeys(candidates, (c) => input.stats.inFlight(c.model));
    },
};

const modelArb = fc.record(
  {
    pricing: fc.option(fc.record({ input: fc.constantFrom(0, 0.1, 0.15, 1, 3, 3.5), output: fc.constantFrom(0, 0.4, 0.6, 1, 15) }), { nil: undefined }),
    strengths: fc.option(fc.subarray(['chinese', 'reasoning', 'creative', 'fast']), { nil: undefined }),
    tier: fc.option(fc.constantFrom('economy' as const, 'standard' as const, 'premium' as const), { nil: undefined }),
    capabilities: fc.option(fc.record({ tools: fc.boolean(), vision: fc.boolean(), reasoning: fc.boolean() }, { requiredKeys: [] }), { nil: undefined }),
    contextWindow: fc.option(fc.constantFrom(10, 100, 100_000), { nil: undefined }),
    weight: fc.option(fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.double({ min: 0.01, max: 5, noNaN: true })), { nil: undefined }),
  },
  { requiredKeys: [] },
);

const requestArb = fc.record(
  {
    messages: fc.constantFrom([{ role: 'user' as const, content: 'hello there' }], [{ role: 'user' as const, content: '请帮我查一下订单' }], [{ role: 'user' as const, content: 'x'.repeat(900) }]),
    task: fc.constantFrom('reasoning', 'chinese', 'fast', 'creative'),
    tags: fc.constantFrom(['a'], ['a', 'b']),
    agent: fc.constantFrom('one', 'two'),
    session: fc.constantFrom('s1', 's2'),
    params: fc.record({ maxTokens: fc.integer({ min: 1, max: 5_000 }) }),
  },
  { requiredKeys: ['messages'] },
) as fc.Arbitrary<ChatRequest>;

type Kind = 'cost' | 'capability' | 'weighted' | 'round-robin' | 'least-in-flight' | 'latency' | 'fallback';
const builtin: Record<Kind, StrategySpec> = { cost: { type: 'cost', expectedOutputTokens: 300 }, capability: 'capability', weighted: 'load-balance', 'round-robin': { type: 'load-balance', mode: 'round-robin' }, 'least-in-flight': { type: 'load-balance', mode: 'least-in-flight' }, latency: 'latency', fallback: 'fallback' };
// Round-robin, latency (no samples in explain) and fallback are plain: their references are the built-ins' own logic, inlined here.
const custom: Record<Kind, StrategySpec> = {
  cost: reference.cost(300),
  capability: reference.capability(),
  weighted: reference.weighted(),
  'round-robin': (c, i) => (c.length <= 1 ? [...c] : [...c.slice(i.sequence % c.length), ...c.slice(0, i.sequence % c.length)]),
  'least-in-flight': reference.leastInFlight(),
  latency: (c) => [...c],
  fallback: (c) => [...c],
};

function build(models: Array<Partial<ModelConfig>>, kinds: Kind[], specs: Record<Kind, StrategySpec>, seed: number): ReturnType<typeof createRouter> {
  const names = models.map((_, i) => `m${i}`);
  const options: RouterOptions = {
    providers: { p: mockProvider({ name: 'p' }) },
    models: Object.fromEntries(models.map((m, i) => [names[i]!, { provider: 'p', model: `vendor-${i}`, ...m }])),
    groups: { g: { use: names.filter((_, i) => i % 2 === 1), strategy: specs[kinds[1]!], weight: 2 } },
    routes: [
      { name: 'agent-one', when: { agent: 'one', tags: ['a'] }, use: [...names.filter((_, i) => i % 2 === 0), 'g'], strategy: specs[kinds[2]!] },
      { name: 'zh', when: { language: 'zh-Hans' }, use: names.slice(0, 3) },
      { name: 'pred', when: (r, c) => r.agent === 'two' && c.complexity.level === 'simple', use: names.slice().reverse(), strategy: specs[kinds[3]!] },
    ],
    strategy: specs[kinds[0]!],
    random: seededRandom(seed),
  };
  return createRouter(options);
}

describe('built-in strategies on the fast path', () => {
  it('decide exactly as their original implementations, request after request', () => {
    const kind = fc.constantFrom<Kind>('cost', 'capability', 'weighted', 'round-robin', 'least-in-flight', 'latency', 'fallback');
    fc.assert(
      fc.property(fc.array(modelArb, { minLength: 2, maxLength: 9 }), fc.array(kind, { minLength: 4, maxLength: 4 }), fc.array(requestArb, { minLength: 1, maxLength: 6 }), fc.integer(), (models, kinds, requests, seed) => {
        const fast = build(models, kinds, builtin, seed);
        const slow = build(models, kinds, custom, seed);
        for (const request of requests) {
          const run = (r: ReturnType<typeof createRouter>) => {
            try {
              const d = r.explain(request);
              return { candidates: d.candidates, skipped: d.skipped, routeIndex: d.routeIndex, language: d.classification.language.language };
            } catch (error) {
              return { error: String(error) };
            }
          };
          expect(run(fast)).toEqual(run(slow));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('candidate filter shortcut', () => {
  // With nothing that can fail a hard check (no allow-list, nothing disabled, breakers closed, every
  // model fits the needs), the planner checks no candidate. A tenant whose allow-list names every
  // model forces the per-candidate checks: both must decide the same, skips included.
  const needArb = fc.record(
    {
      tools: fc.boolean(),
      image: fc.boolean(),
      json: fc.boolean(),
      kind: fc.constantFrom<'chat' | 'stream'>('chat', 'stream'),
      disable: fc.array(fc.nat({ max: 8 }), { maxLength: 2 }),
    },
    { requiredKeys: ['kind', 'disable'] },
  );
  const streamingCaps = fc.option(fc.record({ tools: fc.boolean(), vision: fc.boolean(), json: fc.boolean(), streaming: fc.boolean() }, { requiredKeys: [] }), { nil: undefined });
  it('decides as checking every candidate does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(modelArb, streamingCaps), { minLength: 2, maxLength: 9 }), fc.array(fc.tuple(requestArb, needArb), { minLength: 1, maxLength: 6 }), fc.integer(), (pairs, requests, seed) => {
        const models = pairs.map(([m, caps]) => ({ ...m, ...(caps && { capabilities: { ...m.capabilities, ...caps } }) }));
        const names = models.map((_, i) => `m${i}`);
        const make = (tenants?: RouterOptions['tenants']) =>
          createRouter({
            providers: { p: mockProvider({ name: 'p' }) },
            models: Object.fromEntries(models.map((m, i) => [names[i]!, { provider: 'p', model: `vendor-${i}`, ...m }])),
            strategy: 'load-balance',
            random: seededRandom(seed),
            ...(tenants && { tenants }),
          });
        const shortcut = make();
        const checked = make({ t: { allowModels: names } });
        for (const [request, need] of requests) {
          for (const i of need.disable) {
            if (i < names.length) {
              shortcut.disable(names[i]!);
              checked.disable(names[i]!);
            }
          }
          const req: ChatRequest = {
            ...request,
            ...(need.image && { messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', url: 'https://example.com/a.png' }] }] }),
            ...(need.tools && { tools: [{ name: 'lookup', description: 'find', parameters: { type: 'object', properties: {} } }] }),
            ...(need.json && { responseFormat: { type: 'json' } }),
          };
          const run = (r: ReturnType<typeof createRouter>, tenant?: string) => {
            try {
              const d = r.explain(tenant ? { ...req, tenant } : req, need.kind);
              return { candidates: d.candidates, skipped: d.skipped };
            } catch (error) {
              return { error: String(error) };
            }
          };
          expect(run(shortcut)).toEqual(run(checked, 't'));
        }
      }),
      { numRuns: 200 },
    );
  });
});
