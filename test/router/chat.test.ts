import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, createRouter, type Candidate, type ChatResponse, type RouteInfo, type StrategyFunction } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('router.chat() with mock providers', () => {
  it('returns text, usage, cost and the route that served the request', async () => {
    const main = mockProvider({ reply: { text: 'Hello there', usage: { inputTokens: 1_000, outputTokens: 500 } } });
    const router = createRouter({
      providers: { main },
      models: { small: { provider: 'main', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } } },
    });
    const res = await router.chat({ messages: user('hi'), tenant: 'acme', user: 'u-7', agent: 'support', session: 's-1', tags: ['vip'] });
    expect(res.text).toBe('Hello there');
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 1_000, outputTokens: 500, totalTokens: 1_500 });
    // 1,000 x $0.15/M + 500 x $0.60/M = 150 + 300 micro-dollars
    expect(res.cost).toMatchObject({ inputMicros: 150, outputMicros: 300, totalMicros: 450, totalUsd: 0.00045, priced: true });
    expect(res.route).toMatchObject({
      model: 'small',
      provider: 'main',
      providerModel: 'gpt-4o-mini',
      strategy: 'fallback',
      fallbackUsed: false,
      candidates: ['small'],
      context: { tenant: 'acme', user: 'u-7', agent: 'support', session: 's-1', tags: ['vip'] },
    });
    expect(res.route.attempts).toHaveLength(1);
    expect(res.route.attempts[0]).toMatchObject({ model: 'small', try: 1, ok: true });
    expect(res.id).toMatch(/^[0-9a-f-]{36}$/);
    // The adapter received the vendor model id, not the alias.
    expect(main.calls[0]!.model).toBe('gpt-4o-mini');
  });

  it('reports an unpriced model as such instead of a silent zero', async () => {
    const router = createRouter({ providers: { m: mockProvider() }, models: { x: { provider: 'm', model: 'x' } } });
    const res = await router.chat({ messages: user('hi') });
    expect(res.cost.priced).toBe(false);
    expect(res.cost.totalMicros).toBe(0);
  });

  it('returns tool calls as content parts that can be sent back in the next turn', async () => {
    const router = createRouter({
      providers: { m: mockProvider({ reply: [{ toolCalls: [{ name: 'lookup_order', args: { id: '1234' } }] }, 'It ships tomorrow.'] }) },
      models: { x: { provider: 'm', model: 'x' } },
    });
    const tools = [{ name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } } } }];
    const first = await router.chat({ messages: user('Where is order 1234?'), tools });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup_order', args: { id: '1234' } }]);
    const second = await router.chat({
      messages: [
        ...user('Where is order 1234?'),
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'lookup_order', result: { eta: 'tomorrow' } }] },
      ],
      tools,
    });
    expect(second.text).toBe('It ships tomorrow.');
  });

  it('converts zod tool schemas to JSON Schema once, before the adapter sees them', async () => {
    const { z } = await import('zod');
    const m = mockProvider({ reply: 'ok' });
    const router = createRouter({ providers: { m }, models: { x: { provider: 'm', model: 'x' } } });
    await router.chat({ messages: user('hi'), tools: [{ name: 'get_weather', parameters: z.object({ city: z.string() }) }] });
    expect(m.calls[0]!.request.tools![0]!.parameters).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    });
  });

  it('routes by agent and tenant with first-match-wins rules, and a forced model skips rules', async () => {
    const a = mockProvider({ name: 'a', reply: 'from a' });
    const b = mockProvider({ name: 'b', reply: 'from b' });
    const router = createRouter({
      providers: { a, b },
      models: { ma: { provider: 'a', model: 'a-1' }, mb: { provider: 'b', model: 'b-1' } },
      routes: [
        { name: 'compliance', when: { agent: 'compliance' }, use: ['mb', 'ma'] },
        { when: (req) => req.tenant === 'globex', use: ['mb'] },
      ],
    });
    expect((await router.chat({ messages: user('x'), agent: 'compliance' })).route).toMatchObject({
      model: 'mb',
      routeIndex: 0,
      candidates: ['mb', 'ma'],
    });
    expect((await router.chat({ messages: user('x'), tenant: 'globex' })).route).toMatchObject({ model: 'mb', routeIndex: 1 });
    expect((await router.chat({ messages: user('x') })).route).toMatchObject({ model: 'ma', candidates: ['ma', 'mb'] });
    const forced = await router.chat({ messages: user('x'), agent: 'compliance', model: 'ma' });
    expect(forced.route).toMatchObject({ model: 'ma', strategy: 'forced' });
    expect(router.explain({ messages: user('x'), agent: 'compliance' })).toMatchObject({
      candidates: ['mb', 'ma'],
      strategy: 'fallback',
      routeIndex: 0,
      routeName: 'compliance',
      skipped: [],
    });
  });

  it('applies a custom strategy function to order candidates', async () => {
    const router = createRouter({
      providers: { m: mockProvider() },
      models: { one: { provider: 'm', model: '1' }, two: { provider: 'm', model: '2' } },
      strategy: function reversed(cands) {
        return [...cands].reverse();
      },
    });
    const res = await router.chat({ messages: user('x') });
    expect(res.route).toMatchObject({ model: 'two', strategy: 'reversed', candidates: ['two', 'one'] });
  });

  it('a custom strategy that throws or returns a non-array is a ConfigError naming its group, never a TypeError', async () => {
    const broken: Array<[string, StrategyFunction]> = [
      ['returns a string', () => 'one' as unknown as Candidate[]],
      ['returns null', () => null as unknown as Candidate[]],
      [
        'throws',
        () => {
          throw new TypeError('boom');
        },
      ],
    ];
    for (const [what, strategy] of broken) {
      const router = createRouter({
        providers: { m: mockProvider() },
        models: { one: { provider: 'm', model: '1' }, two: { provider: 'm', model: '2' } },
        routes: [{ name: 'support', when: {}, use: ['one', 'two'], strategy }],
      });
      const error = await router.chat({ messages: user('x') }).catch((e: unknown) => e);
      expect(ConfigError.isInstance(error), what).toBe(true);
      expect((error as ConfigError).issues[0]!.path).toBe('strategy of "support"');
      await router.close();
    }
  });

  it('merges model default params under request params', async () => {
    const m = mockProvider();
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x', params: { temperature: 0.2, maxTokens: 100 } } },
    });
    await router.chat({ messages: user('x'), params: { maxTokens: 50 } });
    expect(m.calls[0]!.request.params).toEqual({ temperature: 0.2, maxTokens: 50 });
  });

  it('has the types users lean on', () => {
    const router = createRouter({ providers: { m: mockProvider() }, models: { x: { provider: 'm', model: 'x' } } });
    expectTypeOf(router.chat).returns.resolves.toEqualTypeOf<ChatResponse>();
    expectTypeOf<ChatResponse['route']>().toEqualTypeOf<RouteInfo>();
    expectTypeOf<ChatResponse['finishReason']>().toEqualTypeOf<'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other'>();
    expectTypeOf<ChatResponse['cost']['totalUsd']>().toBeNumber();
  });
});
