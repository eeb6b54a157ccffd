/**
 * OpenTelemetry spans and GenAI metrics (switchyard/otel) and Prometheus metrics
 * (switchyard/prometheus) from one run with a fallback and a budget refusal. No keys, no network:
 * the OpenTelemetry SDK's in-memory exporters stand in for your collector.
 *
 *   npx tsx examples/observability.ts
 */
import { trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { createRouter, type RouterOptions } from '../src/index.js';
import { mockProvider } from '../src/testing.js';
import { instrumentOpenTelemetry } from '../src/observability/otel/index.js';
import { prometheusMetrics } from '../src/prometheus/index.js';

const config: RouterOptions = {
  providers: {
    primary: mockProvider({ name: 'primary', reply: { fail: 503 } }),
    backup: mockProvider({ name: 'backup', reply: { text: 'Your order ships tomorrow.', usage: { inputTokens: 40, outputTokens: 12 } } }),
  },
  models: {
    'fast-model': { provider: 'primary', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    'backup-model': { provider: 'backup', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
  },
  retry: { retries: 0 },
  budgets: [{ id: 'trial-day', scope: { tenant: 'trial' }, period: 'day', limitUsd: 0.000001, onExceed: 'block' }],
  // Content on the events, so that the spans below can record prompts and answers (off by default).
  eventContent: true,
};
const router = createRouter(config);

// OpenTelemetry: pass your SDK's providers (or register them globally and pass nothing).
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const otel = instrumentOpenTelemetry(router, { tracerProvider, meterProvider, config, tenant: true, agent: true, content: true });

// Prometheus: serve `await registry.metrics()` on your /metrics endpoint.
const registry = new Registry();
const prom = prometheusMetrics(router, { registry, tenantLabel: true, agentLabel: false, maxLabelValues: 50, prefix: 'switchyard_' });

await router.chat({ messages: [{ role: 'user', content: 'Where is my order?' }], tenant: 'acme', agent: 'support' });
await router
  .chat({ messages: [{ role: 'user', content: 'Hi' }], tenant: 'trial', agent: 'support' })
  .catch((e: Error) => console.log('refused:', e.name));

await reader.forceFlush();
for (const s of spans.getFinishedSpans()) {
  const a = s.attributes;
  const parent = s.parentSpanContext ? '  (attempt)' : '';
  console.log(
    `span "${s.name}"${parent} provider=${String(a['gen_ai.provider.name'])}`,
    `error.type=${String(a['error.type'] ?? '-')} cost.micros=${String(a['switchyard.cost.micros'] ?? '-')}`,
  );
  if (a['gen_ai.output.messages'] !== undefined) console.log(`  output messages: ${String(a['gen_ai.output.messages'])}`);
}
for (const m of metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((sm) => sm.metrics))) {
  console.log(`metric ${m.descriptor.name} (${m.descriptor.unit}): ${m.dataPoints.length} series`);
}
const text = await registry.metrics();
for (const line of text.split('\n').filter((l) => /^switchyard_(requests|fallbacks|errors|cost_micros)_total\{/.test(l))) console.log(line);
// Budget use as router.budgets.status() reports it at scrape time: spent, held by requests in flight, remaining.
for (const line of text.split('\n').filter((l) => /^switchyard_budget_(spent|held|remaining)_micros\{/.test(l))) console.log(line);

otel.close();
prom.close();
await router.close();
await tracerProvider.shutdown();
await meterProvider.shutdown();
console.log('trace api available:', typeof trace.getTracer === 'function');
