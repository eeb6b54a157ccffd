/**
 * `switchyard/otel`: OpenTelemetry spans and GenAI client metrics for a router, built on its typed
 * events. Loads `@opentelemetry/api` (an optional peer dependency) and nothing else.
 *
 * Follows the OpenTelemetry GenAI semantic conventions v1.41 (`gen_ai.provider.name`, not the older
 * `gen_ai.system`; `gen_ai.client.operation.time_to_first_chunk`).
 */
import {
  context as otelContext,
  metrics as otelMetrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Router } from '../../routing/router.js';
import type { ContentPart } from '../../core/messages.js';
import type { RouterEvents } from '../events.js';
import { genAiFinishReason, type ConfigView, lookupModel } from './names.js';

export { genAiFinishReason, genAiProviderName } from './names.js';
export type { ConfigView } from './names.js';

export interface OpenTelemetryOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * The `providers` and `models` you gave `createRouter()`: spans then carry each provider's kind
   * (`gen_ai.provider.name`, e.g. `anthropic`) and the vendor model id (`gen_ai.request.model`).
   * Without it they carry the provider instance name and the model alias. Keys are never read.
   */
  config?: ConfigView;
  /** Put `switchyard.tenant` on spans and metrics. Default true. */
  tenant?: boolean;
  /** Put `switchyard.agent` on spans (never on metrics: unbounded). Default true. */
  agent?: boolean;
  /** Spans still open after this many requests are ended as abandoned (a stream nobody finished). Default 10,000. */
  maxOpenSpans?: number;
  /**
   * Record prompts and completions on the request span (`gen_ai.system_instructions`,
   * `gen_ai.input.messages`, `gen_ai.output.messages`, JSON in the conventions' message format;
   * images as a placeholder without their data). Needs the router option `eventContent: true`, whose
   * events carry the content. Default false: no content is recorded.
   */
  content?: boolean;
}

export interface OpenTelemetryInstrumentation {
  /** Unsubscribes from the router and ends any span still open. */
  close(): void;
}

/** Bucket boundaries the GenAI conventions recommend. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

interface OpenRequest {
  span: Span;
  ctx: Context;
  kind: RouterEvents['request']['kind'];
  /** What routing asked for first: the request model of the metrics. */
  requestModel: string;
  /** The provider of that first candidate (`gen_ai.provider.name` is required on every metric point). */
  providerName: string | undefined;
  tenant: string | undefined;
  startedAt: number;
}

const INSTRUMENTATION = 'switchyard';

/**
 * Subscribes to the router's events: a CLIENT span `chat {model}` per request (parented to the
 * caller's active context at the moment `chat()`/`stream()` is called), a child span per attempt,
 * and the GenAI client histograms. No prompt or completion content is recorded unless both the
 * router (`eventContent: true`) and this instrumentation (`content: true`) opt in.
 */
export function instrumentOpenTelemetry(router: Router, options: OpenTelemetryOptions = {}): OpenTelemetryInstrumentation {
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION);
  const meter: Meter = (options.meterProvider ?? otelMetrics.getMeterProvider()).getMeter(INSTRUMENTATION);
  const withTenant = options.tenant !== false;
  const withAgent = options.agent !== false;
  const maxOpen = options.maxOpenSpans ?? 10_000;
  const withContent = options.content === true;
  const config = options.config;

  const duration: Histogram = meter.createHistogram('gen_ai.client.operation.duration', {
    description: 'GenAI operation duration',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const tokenUsage: Histogram = meter.createHistogram('gen_ai.client.token.usage', {
    description: 'Number of input and output tokens used',
    unit: '{token}',
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const firstChunk: Histogram = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
    description: 'Time to receive the first chunk of a streamed response',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  const open = new Map<string, OpenRequest>();
  // Names change only when a tenant is set or removed: looked up once per (tenant, alias).
  const names = new Map<string, ReturnType<typeof lookupModel>>();
  const model = (tenant: string | undefined, alias: string) => {
    const key = `${tenant ?? ''}\u0000${alias}`;
    let found = names.get(key);
    if (!found) names.set(key, (found = lookupModel(router, config, tenant, alias)));
    return found;
  };

  const metricBase = (req: OpenRequest | undefined, providerName: string | undefined, responseModel: string | undefined): Attributes => {
    const a: Attributes = { 'gen_ai.operation.name': 'chat' };
    if (providerName !== undefined) a['gen_ai.provider.name'] = providerName;
    if (req) a['gen_ai.request.model'] = req.requestModel;
    if (responseModel !== undefined) a['gen_ai.response.model'] = responseModel;
    if (withTenant && req?.tenant !== undefined) a['switchyard.tenant'] = req.tenant;
    return a;
  };

  const onRequest = (e: RouterEvents['request']) => {
    if (open.size >= maxOpen) {
      const [oldest, stale] = open.entries().next().value as [string, OpenRequest];
      stale.span.setAttribute('switchyard.abandoned', true);
      stale.span.end();
      open.delete(oldest);
    }
    const first = e.candidates[0];
    const requested = first !== undefined ? model(e.context.tenant, first) : undefined;
    const attributes: Attributes = {
      ...(withContent && e.content && inputContent(e.content)),
      'gen_ai.operation.name': 'chat',
      'switchyard.request.id': e.requestId,
      'switchyard.request.kind': e.kind,
      'switchyard.strategy': e.strategy,
      'switchyard.candidates': e.candidates,
    };
    if (requested) {
      attributes['gen_ai.request.model'] = requested.providerModel;
      attributes['gen_ai.provider.name'] = requested.providerName;
    }
    if (e.routeIndex !== undefined) attributes['switchyard.route.index'] = e.routeIndex;
    if (withTenant && e.context.tenant !== undefined) attributes['switchyard.tenant'] = e.context.tenant;
    if (withAgent && e.context.agent !== undefined) attributes['switchyard.agent'] = e.context.agent;
    if (e.context.session !== undefined) attributes['gen_ai.conversation.id'] = e.context.session;
    // Emitted synchronously inside chat()/stream(): the active context is the caller's.
    const parent = otelContext.active();
    const span = tracer.startSpan(requested ? `chat ${requested.providerModel}` : 'chat', { kind: SpanKind.CLIENT, attributes }, parent);
    open.set(e.requestId, {
      span,
      ctx: trace.setSpan(parent, span),
      kind: e.kind,
      requestModel: requested?.providerModel ?? 'unknown',
      providerName: requested?.providerName,
      tenant: e.context.tenant,
      startedAt: performance.now(),
    });
  };

  const onAttempt = (e: RouterEvents['attempt']) => {
    const req = open.get(e.requestId);
    if (!req) return;
    const m = model(e.context.tenant, e.model);
    const end = Date.now();
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': m.providerName,
      'gen_ai.request.model': m.providerModel,
      'switchyard.model': e.model,
      'switchyard.provider': e.provider,
      'switchyard.attempt.try': e.try,
    };
    if (e.error) attributes['error.type'] = e.error.name;
    const span = tracer.startSpan(`chat ${m.providerModel}`, { kind: SpanKind.CLIENT, attributes, startTime: end - e.latencyMs }, req.ctx);
    if (e.error) span.setStatus({ code: SpanStatusCode.ERROR, message: e.error.code });
    if (e.ttftMs !== undefined) {
      span.setAttribute('switchyard.time_to_first_chunk_ms', e.ttftMs);
      firstChunk.record(e.ttftMs / 1000, metricBase(req, m.providerName, m.providerModel));
    }
    span.end(end);
  };

  const onFallback = (e: RouterEvents['fallback']) => {
    open.get(e.requestId)?.span.addEvent('switchyard.fallback', {
      'switchyard.fallback.from': e.from,
      'switchyard.fallback.to': e.to,
      'error.type': e.error.name,
    });
  };

  const onResponse = (e: RouterEvents['response']) => {
    const req = open.get(e.requestId);
    if (!req) return;
    open.delete(e.requestId);
    const { route, usage, cost } = e;
    const m = model(route.context.tenant, route.model);
    req.span.setAttributes({
      'gen_ai.provider.name': m.providerName,
      'gen_ai.response.model': route.providerModel,
      'gen_ai.usage.input_tokens': usage.inputTokens,
      'gen_ai.usage.output_tokens': usage.outputTokens,
      'gen_ai.response.finish_reasons': [genAiFinishReason(e.finishReason)],
      ...(withContent && e.content && outputContent(e.content, genAiFinishReason(e.finishReason))),
      'switchyard.route.model': route.model,
      'switchyard.route.provider': route.provider,
      'switchyard.fallback': route.fallbackUsed,
      'switchyard.attempts': route.attempts.length,
      'switchyard.cost.micros': cost.totalMicros,
      'switchyard.cost.priced': cost.priced,
    });
    if (usage.cachedInputTokens !== undefined) req.span.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cachedInputTokens);
    if (route.degraded) req.span.setAttribute('switchyard.degraded', true);
    req.span.end();
    const attrs = metricBase(req, m.providerName, route.providerModel);
    duration.record(e.latencyMs / 1000, attrs);
    tokenUsage.record(usage.inputTokens, { ...attrs, 'gen_ai.token.type': 'input' });
    tokenUsage.record(usage.outputTokens, { ...attrs, 'gen_ai.token.type': 'output' });
  };

  const onError = (e: RouterEvents['error']) => {
    const req = open.get(e.requestId);
    if (!req) return;
    open.delete(e.requestId);
    const { error } = e;
    req.span.setAttributes({
      'error.type': error.name,
      'switchyard.error.code': error.code,
      'switchyard.attempts': e.route?.attempts.length ?? 0,
    });
    if (e.route)
      req.span.setAttribute(
        'switchyard.fallback',
        e.route.attempts.some((a, i, all) => i > 0 && a.model !== all[0]!.model),
      );
    // The message names provider and model and never a key (the error hierarchy guarantees it).
    req.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    req.span.end();
    // The provider of the last try, or the one asked for first when nothing was tried (a budget refusal).
    const last = e.route?.attempts.at(-1);
    const providerName = last ? model(e.context.tenant, last.model).providerName : req.providerName;
    duration.record((performance.now() - req.startedAt) / 1000, { ...metricBase(req, providerName, undefined), 'error.type': error.name });
  };

  const offs = [
    router.on('request', onRequest),
    router.on('attempt', onAttempt),
    router.on('fallback', onFallback),
    router.on('response', onResponse),
    router.on('error', onError),
    router.on('control', (e) => {
      if (e.action === 'tenant-set' || e.action === 'tenant-remove') names.clear();
    }),
  ];
  return {
    close() {
      for (const off of offs) off();
      for (const req of open.values()) {
        req.span.setAttribute('switchyard.abandoned', true);
        req.span.end();
      }
      open.clear();
    },
  };
}

type Part = Record<string, unknown>;

/** One message part in the GenAI conventions' format (images without their data). */
function genAiPart(part: string | ContentPart): Part {
  if (typeof part === 'string') return { type: 'text', content: part };
  switch (part.type) {
    case 'text':
      return { type: 'text', content: part.text };
    case 'image':
      return { type: 'image', ...(part.mediaType !== undefined && { mime_type: part.mediaType }) };
    case 'tool-call':
      return { type: 'tool_call', id: part.toolCallId, name: part.toolName, arguments: part.args };
    case 'tool-result':
      return { type: 'tool_call_response', id: part.toolCallId, response: part.result };
    case 'reasoning':
      return { type: 'reasoning', content: part.text };
  }
}

function inputContent(content: NonNullable<RouterEvents['request']['content']>): Attributes {
  const messages = content.messages.map((m) => ({
    role: m.role,
    parts: typeof m.content === 'string' ? [genAiPart(m.content)] : m.content.map(genAiPart),
  }));
  return {
    'gen_ai.input.messages': JSON.stringify(messages),
    ...(content.system !== undefined && { 'gen_ai.system_instructions': JSON.stringify([genAiPart(content.system)]) }),
  };
}

function outputContent(content: NonNullable<RouterEvents['response']['content']>, finishReason: string): Attributes {
  const parts = [...(content.text !== '' ? [genAiPart(content.text)] : []), ...content.toolCalls.map(genAiPart)];
  return { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts, finish_reason: finishReason }]) };
}
