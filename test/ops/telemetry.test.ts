import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, createRouter, type Router, type RouterOptions } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { instrumentOpenTelemetry } from '../../src/observability/otel/index.js';
import { prometheusMetrics } from '../../src/prometheus/index.js';

const msg = (content: string) => [{ role: 'user' as const, content }];

function mixedRouter(): { router: Router; config: RouterOptions } {
  const config: RouterOptions = {
    providers: {
      // Always down: every request routed to it falls back.
      oai: Object.assign(mockProvider({ name: 'oai', reply: { fail: 503 } }), { kind: 'openai' }),
      claude: Object.assign(
        mockProvider({
          name: 'claude',
          reply: { text: 'hello from claude', usage: { inputTokens: 12, outputTokens: 5 } },
          chunkDelayMs: 1,
        }),
        { kind: 'anthropic' },
      ),
    },
    models: {
      gpt: { provider: 'oai', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 } },
      sonnet: { provider: 'claude', model: 'claude-sonnet-4-5', pricing: { input: 3, output: 15 } },
    },
    strategy: 'fallback',
    routes: [{ when: { agent: 'direct' }, use: ['sonnet'] }],
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    budgets: [{ id: 'poor-day', scope: { tenant: 'poor' }, period: 'day', limitUsd: 0.000001, onExceed: 'block' }],
  };
  return { router: createRouter(config), config };
}

/** Mixed traffic: a fallback (gpt -> sonnet, after a retry), a direct hit, a stream, and a budget refusal. */
async function traffic(router: Router) {
  const tracer = trace.getTracer('app');
  const parentId = await tracer.startActiveSpan('handle-ticket', async (parent) => {
    await router.chat({ messages: msg('order status?'), tenant: 'acme', agent: 'support' });
    parent.end();
    return parent.spanContext().spanId;
  });
  await router.chat({ messages: msg('hi'), tenant: 'acme', agent: 'direct' });
  let text = '';
  for await (const ev of router.stream({ messages: msg('stream please'), tenant: 'globex', agent: 'direct' }))
    if (ev.type === 'text-delta') text += ev.delta;
  expect(text).toBe('hello from claude');
  await expect(router.chat({ messages: msg('too expensive'), tenant: 'poor', agent: 'direct' })).rejects.toBeInstanceOf(
    BudgetExceededError,
  );
  return parentId;
}

describe('OpenTelemetry spans and GenAI metrics (in-memory exporters)', () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  let parentSpanId = '';
  let finished: ReadableSpan[] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(tracerProvider);
    const { router, config } = mixedRouter();
    const otel = instrumentOpenTelemetry(router, { tracerProvider, meterProvider, config });
    parentSpanId = await traffic(router);
    otel.close();
    await router.close();
    await reader.forceFlush();
    finished = spans.getFinishedSpans();
  });
  afterAll(async () => {
    context.disable();
    trace.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  const requestSpans = () => finished.filter((s) => s.attributes['switchyard.request.id'] !== undefined);
  const childrenOf = (s: ReadableSpan) => finished.filter((c) => c.parentSpanContext?.spanId === s.spanContext().spanId);

  it('a request span parented to the caller, with an attempt span per try, named and attributed by the GenAI conventions', () => {
    const reqs = requestSpans();
    expect(reqs).toHaveLength(4);
    const fallback = reqs.find((s) => s.attributes['switchyard.fallback'] === true)!;
    expect(fallback.name).toBe('chat gpt-4o-mini');
    expect(fallback.kind).toBe(2); // SpanKind.CLIENT
    expect(fallback.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(fallback.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['stop'],
      'switchyard.strategy': 'fallback',
      'switchyard.tenant': 'acme',
      'switchyard.agent': 'support',
      'switchyard.route.model': 'sonnet',
      'switchyard.attempts': 3,
      // 12 input tokens at $3/M + 5 output at $15/M = 36 + 75 micro-dollars.
      'switchyard.cost.micros': 111,
    });
    expect(fallback.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'switchyard.fallback',
        { 'switchyard.fallback.from': 'gpt', 'switchyard.fallback.to': 'sonnet', 'error.type': 'ProviderUnavailableError' },
      ],
    ]);
    const tries = childrenOf(fallback).sort(
      (a, b) =>
        Number(a.attributes['switchyard.attempt.try']) - Number(b.attributes['switchyard.attempt.try']) || a.name.localeCompare(b.name),
    );
    expect(
      tries.map((s) => [
        s.name,
        s.attributes['switchyard.model'],
        s.attributes['switchyard.attempt.try'],
        s.attributes['error.type'],
        s.status.code,
      ]),
    ).toEqual([
      ['chat claude-sonnet-4-5', 'sonnet', 1, undefined, 0],
      ['chat gpt-4o-mini', 'gpt', 1, 'ProviderUnavailableError', 2],
      ['chat gpt-4o-mini', 'gpt', 2, 'ProviderUnavailableError', 2],
    ]);
    expect(tries[1]!.attributes['gen_ai.provider.name']).toBe('openai');
    // No prompt or completion content anywhere.
    for (const s of finished)
      expect(JSON.stringify(s.attributes)).not.toMatch(/order status|hello from claude|gen_ai\.(input|output)\.messages/);
  });

  it('prompts and completions on the request span only when the router and the instrumentation both opt in', async () => {
    const recorded = async (eventContent: boolean, content: boolean) => {
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const router = createRouter({
        providers: {
          m: mockProvider({ name: 'm', reply: { text: '已为您查询', toolCalls: [{ name: 'lookupOrder', args: { id: 'A-1' } }] } }),
        },
        models: { one: { provider: 'm', model: 'x' } },
        eventContent,
      });
      const otel = instrumentOpenTelemetry(router, { tracerProvider: provider, content });
      await router.chat({ system: 'You are a support agent.', messages: msg('我的订单在哪里？') });
      otel.close();
      await router.close();
      const [span] = exporter.getFinishedSpans().filter((x) => x.attributes['switchyard.request.id'] !== undefined);
      await provider.shutdown();
      return span!.attributes;
    };
    const both = await recorded(true, true);
    expect(JSON.parse(String(both['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '我的订单在哪里？' }] },
    ]);
    expect(JSON.parse(String(both['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'You are a support agent.' }]);
    expect(JSON.parse(String(both['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: '已为您查询' },
          { type: 'tool_call', id: expect.any(String), name: 'lookupOrder', arguments: { id: 'A-1' } },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    for (const [router, instrumentation] of [
      [false, true],
      [true, false],
    ] as const) {
      const attributes = await recorded(router, instrumentation);
      expect(Object.keys(attributes).filter((k) => /messages|instructions/.test(k))).toEqual([]);
      expect(JSON.stringify(attributes)).not.toMatch(/订单|support agent|已为您/);
    }
  });

  it('the stream carries time to first chunk; the budget refusal is an error span with error.type', () => {
    const stream = requestSpans().find((s) => s.attributes['switchyard.request.kind'] === 'stream')!;
    expect(stream.attributes['switchyard.tenant']).toBe('globex');
    expect(stream.parentSpanContext).toBeUndefined();
    const [attempt] = childrenOf(stream);
    expect(attempt!.attributes['switchyard.time_to_first_chunk_ms']).toBeGreaterThanOrEqual(0);
    const refused = requestSpans().find((s) => s.attributes['switchyard.tenant'] === 'poor')!;
    expect(refused.status.code).toBe(2);
    expect(refused.attributes['error.type']).toBe('BudgetExceededError');
    expect(refused.attributes['switchyard.error.code']).toBe('budget-exceeded');
    expect(childrenOf(refused)).toHaveLength(0);
  });

  it('exports gen_ai.client.operation.duration, gen_ai.client.token.usage and time_to_first_chunk histograms', () => {
    const metrics = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const byName = (name: string) => metrics.find((m) => m.descriptor.name === name) as HistogramMetricData;
    const durationPoints = byName('gen_ai.client.operation.duration').dataPoints;
    expect(byName('gen_ai.client.operation.duration').descriptor.unit).toBe('s');
    expect(durationPoints.reduce((n, p) => n + p.value.count, 0)).toBe(4);
    const errorPoint = durationPoints.find((p) => p.attributes['error.type'] === 'BudgetExceededError');
    // gen_ai.provider.name is required on every point: a refusal before any try carries the provider asked for.
    expect(errorPoint?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'switchyard.tenant': 'poor',
    });
    for (const p of durationPoints) expect(p.attributes['gen_ai.provider.name'], JSON.stringify(p.attributes)).toBeTypeOf('string');
    const tokens = byName('gen_ai.client.token.usage');
    expect(tokens.descriptor.unit).toBe('{token}');
    const sum = (type: string) =>
      tokens.dataPoints.filter((p) => p.attributes['gen_ai.token.type'] === type).reduce((n, p) => n + (p.value.sum ?? 0), 0);
    expect(sum('input')).toBe(36);
    expect(sum('output')).toBe(15);
    // Two acme requests: one asked for gpt-4o-mini (and fell back), one for claude-sonnet-4-5.
    const acme = tokens.dataPoints.filter(
      (p) => p.attributes['switchyard.tenant'] === 'acme' && p.attributes['gen_ai.token.type'] === 'input',
    );
    expect(
      acme
        .map((p) => [
          p.attributes['gen_ai.request.model'],
          p.attributes['gen_ai.response.model'],
          p.attributes['gen_ai.provider.name'],
          p.value.count,
        ])
        .sort(),
    ).toEqual([
      ['claude-sonnet-4-5', 'claude-sonnet-4-5', 'anthropic', 1],
      ['gpt-4o-mini', 'claude-sonnet-4-5', 'anthropic', 1],
    ]);
    const ttft = byName('gen_ai.client.operation.time_to_first_chunk');
    expect(ttft.dataPoints.reduce((n, p) => n + p.value.count, 0)).toBe(1);
  });
});

describe('OpenTelemetry options', () => {
  it('tenant and agent attributes can be switched off; a stream left early ends its span; close() ends what is open', async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const meterProvider = new MeterProvider();
    const { router } = mixedRouter();
    const otel = instrumentOpenTelemetry(router, { tracerProvider, meterProvider, tenant: false, agent: false, maxOpenSpans: 1 });
    await router.chat({ messages: msg('hi'), tenant: 'acme', agent: 'direct' });
    for await (const ev of router.stream({ messages: msg('stream'), tenant: 'acme', agent: 'direct' })) if (ev.type === 'text-delta') break;
    const reqs = spans.getFinishedSpans().filter((s) => s.attributes['switchyard.request.id'] !== undefined);
    expect(reqs).toHaveLength(2);
    for (const s of reqs) {
      expect(s.attributes['switchyard.tenant']).toBeUndefined();
      expect(s.attributes['switchyard.agent']).toBeUndefined();
    }
    // Without `config`, names are the alias and the provider instance.
    expect(reqs[0]!.name).toBe('chat sonnet');
    expect(reqs[0]!.attributes['gen_ai.provider.name']).toBe('claude');
    expect(reqs[1]!.attributes['error.type']).toBe('AbortError');
    otel.close();
    await router.close();
    await tracerProvider.shutdown();
  });
});

describe('Prometheus metrics (prom-client registry)', () => {
  it('counts requests, errors, fallbacks, retries, tokens, spend and budget refusals with bounded labels', async () => {
    const { router } = mixedRouter();
    const registry = new Registry();
    const prom = prometheusMetrics(router, { registry, maxLabelValues: 2 });
    await traffic(router);
    // A third tenant beyond maxLabelValues=2 is folded into __other__ (acme and globex came first).
    await router.chat({ messages: msg('hi'), tenant: 'initech', agent: 'direct' });
    const text = await registry.metrics();
    const line = (re: RegExp) => text.split('\n').filter((l) => re.test(l));
    expect(line(/^switchyard_requests_total\{/)).toEqual([
      'switchyard_requests_total{kind="chat",outcome="ok",model="sonnet",provider="claude",tenant="acme"} 2',
      'switchyard_requests_total{kind="stream",outcome="ok",model="sonnet",provider="claude",tenant="globex"} 1',
      'switchyard_requests_total{kind="chat",outcome="error",model="none",provider="none",tenant="__other__"} 1',
      'switchyard_requests_total{kind="chat",outcome="ok",model="sonnet",provider="claude",tenant="__other__"} 1',
    ]);
    expect(line(/^switchyard_errors_total\{/)).toEqual([
      'switchyard_errors_total{class="BudgetExceededError",model="none",provider="none",tenant="__other__"} 1',
    ]);
    expect(line(/^switchyard_fallbacks_total\{/)).toEqual([
      'switchyard_fallbacks_total{from="gpt",to="sonnet",class="ProviderUnavailableError"} 1',
    ]);
    expect(line(/^switchyard_retries_total\{/)).toEqual(['switchyard_retries_total{model="gpt",provider="oai"} 1']);
    expect(line(/^switchyard_attempt_failures_total\{/)).toEqual([
      'switchyard_attempt_failures_total{class="ProviderUnavailableError",model="gpt",provider="oai"} 2',
    ]);
    expect(line(/^switchyard_tokens_total\{type="input".*tenant="acme"/)).toEqual([
      'switchyard_tokens_total{type="input",model="sonnet",provider="claude",tenant="acme"} 24',
    ]);
    expect(line(/^switchyard_cost_micros_total\{.*tenant="acme"/)).toEqual([
      'switchyard_cost_micros_total{model="sonnet",provider="claude",tenant="acme"} 222',
    ]);
    // The budget engine reports a refusal once per alert threshold (0.9 and 1).
    expect(line(/^switchyard_budget_alerts_total\{/)).toEqual(['switchyard_budget_alerts_total{budget="poor-day",reason="refused"} 2']);
    expect(line(/^switchyard_budget_limit_micros\{/)).toEqual(['switchyard_budget_limit_micros{budget="poor-day",instance=""} 1']);
    expect(line(/^switchyard_budget_(spent|held|remaining)_micros\{/)).toEqual([
      'switchyard_budget_spent_micros{budget="poor-day",instance=""} 0',
      'switchyard_budget_held_micros{budget="poor-day",instance=""} 0',
      'switchyard_budget_remaining_micros{budget="poor-day",instance=""} 1',
    ]);
    expect(line(/^switchyard_breaker_state\{/)).toEqual([
      'switchyard_breaker_state{model="gpt",provider="oai"} 0',
      'switchyard_breaker_state{model="sonnet",provider="claude"} 0',
    ]);
    expect(line(/^switchyard_request_duration_seconds_count\{/).length).toBe(3);
    expect(line(/^switchyard_time_to_first_chunk_seconds_count\{/)).toEqual([
      'switchyard_time_to_first_chunk_seconds_count{model="sonnet",provider="claude"} 1',
    ]);
    router.disable('oai', { actor: 'ops' });
    expect((await registry.metrics()).split('\n').filter((l) => l.startsWith('switchyard_disabled{'))).toEqual([
      'switchyard_disabled{model="gpt",provider="oai"} 1',
      'switchyard_disabled{model="sonnet",provider="claude"} 0',
    ]);
    expect((await registry.metrics()).split('\n').filter((l) => l.startsWith('switchyard_controls_total{'))).toEqual([
      'switchyard_controls_total{action="disable"} 1',
    ]);
    prom.close();
    await router.close();
  });

  it('budget gauges are what router.budgets.status() says at scrape time, holds of requests in flight included', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const vendor = mockProvider({
      name: 'v',
      reply: async (request) => {
        if (request.messages.at(-1)!.content === 'slow') await gate;
        return { text: 'ok', usage: { inputTokens: 1000, outputTokens: 100 } };
      },
    });
    const router = createRouter({
      providers: { v: vendor },
      models: { m: { provider: 'v', model: 'm-1', pricing: { input: 1, output: 2 } } },
      budgets: [
        { id: 'per-tenant', scope: { tenant: '*' }, period: 'day', limitUsd: 1, onExceed: 'block' },
        { id: 'all', period: 'month', limitUsd: 10, onExceed: 'alert' },
      ],
    });
    const registry = new Registry();
    const prom = prometheusMetrics(router, { registry });
    const gauges = async () =>
      (await registry.metrics()).split('\n').filter((l) => /^switchyard_budget_(spent|held|remaining|limit)_micros\{/.test(l));
    const expected = async () => {
      const all = [...(await router.budgets.status({})), ...(await router.budgets.status({ tenant: 'acme' }))];
      const unique = new Map(all.map((s) => [`${s.budgetId}|${s.instance ?? ''}`, s]));
      return [...unique.values()];
    };
    try {
      await router.chat({ messages: msg('hi'), tenant: 'acme' });
      const slow = router.chat({ messages: msg('slow'), tenant: 'acme', params: { maxTokens: 500 } });
      await expect.poll(() => vendor.calls.length, { timeout: 10_000 }).toBe(2);
      const during = await gauges();
      const status = await expected();
      expect(status.find((s) => s.budgetId === 'per-tenant')).toMatchObject({ instance: 'tenant=acme', spentMicros: 1200 });
      expect(status.every((s) => s.heldMicros > 0)).toBe(true);
      for (const s of status) {
        const labels = `{budget="${s.budgetId}",instance="${s.instance ?? ''}"}`;
        expect(during).toContain(`switchyard_budget_spent_micros${labels} ${s.spentMicros}`);
        expect(during).toContain(`switchyard_budget_held_micros${labels} ${s.heldMicros}`);
        expect(during).toContain(`switchyard_budget_remaining_micros${labels} ${s.remainingMicros}`);
        expect(during).toContain(`switchyard_budget_limit_micros${labels} ${s.limitMicros}`);
      }
      release();
      await slow;
      await new Promise((resolve) => setTimeout(resolve, 1100)); // one read serves a scrape for up to 1 s
      const after = await gauges();
      expect(after).toContain('switchyard_budget_spent_micros{budget="per-tenant",instance="tenant=acme"} 2400');
      expect(after).toContain('switchyard_budget_held_micros{budget="per-tenant",instance="tenant=acme"} 0');
      expect(after).toContain('switchyard_budget_spent_micros{budget="all",instance=""} 2400');
    } finally {
      release();
      prom.close();
      await router.close();
    }
  });

  it('time waited in a local rate limiter: a rate-limit-wait event and a histogram, by outcome; a call admitted at once adds nothing', async () => {
    const router = createRouter({
      providers: { m: mockProvider({ name: 'm' }) },
      models: { only: { provider: 'm', model: 'x' } },
      rateLimits: { m: { maxConcurrent: 1, overflow: 'queue' } },
    });
    const registry = new Registry();
    prometheusMetrics(router, { registry });
    const waits: Array<{ model: string; admitted: boolean; waitedMs: number }> = [];
    router.on('rate-limit-wait', (e) => waits.push(e));
    // Three at once through one slot: the first goes at once, the other two wait their turn.
    await Promise.all([1, 2, 3].map(() => router.chat({ messages: msg('hi') })));
    // One more that cannot get the slot before its deadline gives up.
    const slow = createRouter({
      providers: { m: mockProvider({ name: 'm', latencyMs: 300 }) },
      models: { only: { provider: 'm', model: 'x' } },
      rateLimits: { m: { maxConcurrent: 1, overflow: 'queue' } },
    });
    const slowRegistry = new Registry();
    prometheusMetrics(slow, { registry: slowRegistry });
    const outcomes = await Promise.allSettled([slow.chat({ messages: msg('a') }), slow.chat({ messages: msg('b'), timeoutMs: 50 })]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(waits.map((w) => [w.model, w.admitted])).toEqual([
      ['only', true],
      ['only', true],
    ]);
    const count = (text: string, outcome: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`switchyard_rate_limit_wait_seconds_count{model="only",provider="m",outcome="${outcome}"}`));
    expect(count(await registry.metrics(), 'admitted')).toMatch(/ 2$/);
    expect(count(await registry.metrics(), 'gave_up')).toBeUndefined();
    expect(count(await slowRegistry.metrics(), 'gave_up')).toMatch(/ 1$/);
    await Promise.all([router.close(), slow.close()]);
  });

  it('tenant and agent labels can be switched on and off', async () => {
    const { router } = mixedRouter();
    const registry = new Registry();
    prometheusMetrics(router, { registry, tenantLabel: false, agentLabel: true, prefix: 'sy_' });
    await router.chat({ messages: msg('hi'), tenant: 'acme', agent: 'direct' });
    const text = await registry.metrics();
    expect(text).toContain('sy_requests_total{kind="chat",outcome="ok",model="sonnet",provider="claude",agent="direct"} 1');
    expect(text).not.toContain('tenant=');
    await router.close();
  });
});
