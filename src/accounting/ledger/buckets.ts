import type { UsageRecord } from './record.js';

export const HOUR_MS = 3_600_000;

/** The dimensions aggregates are kept by. Summaries can group by any of them and by time. */
export const DIMENSIONS = ['tenant', 'user', 'agent', 'model', 'provider', 'providerModel'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One aggregate bucket: an UTC hour and a value (or null) per dimension. */
export interface Bucket {
  hour: number;
  dims: Record<Dimension, string | null>;
}

/** The counter fields of a bucket. All integers, so Redis HINCRBY can hold them. */
export const COUNTER_FIELDS = [
  'requests', 'ok', 'errors', 'billedAttempts', 'fallbacks', 'attempts',
  'inputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'outputTokens', 'reasoningTokens', 'totalTokens',
  'inputMicros', 'outputMicros', 'costMicros', 'unpriced', 'estimated', 'latencyMs',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Counters = Record<CounterField, number>;

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTER_FIELDS.map((f) => [f, 0])) as Counters;
}

export function floorHour(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

export function bucketOf(record: UsageRecord): Bucket {
  return {
    hour: floorHour(record.timestamp),
    dims: {
      tenant: record.tenant ?? null,
      user: record.user ?? null,
      agent: record.agent ?? null,
      model: record.model,
      provider: record.provider,
      providerModel: record.providerModel,
    },
  };
}

export function encodeBucket(b: Bucket): string {
  return JSON.stringify([b.hour, ...DIMENSIONS.map((d) => b.dims[d])]);
}

export function decodeBucket(s: string): Bucket {
  const [hour, ...values] = JSON.parse(s) as [number, ...Array<string | null>];
  const dims = Object.fromEntries(DIMENSIONS.map((d, i) => [d, values[i] ?? null])) as Record<Dimension, string | null>;
  return { hour, dims };
}

/** What one record adds to its bucket. */
export function countersOf(r: UsageRecord): Counters {
  const request = r.kind === 'request' ? 1 : 0;
  return {
    requests: request,
    ok: request && (r.outcome === 'ok' ? 1 : 0),
    errors: request && (r.outcome === 'error' ? 1 : 0),
    billedAttempts: r.kind === 'billed-attempt' ? 1 : 0,
    fallbacks: request && (r.fallbackUsed ? 1 : 0),
    attempts: request * r.attempts,
    inputTokens: r.tokens.input,
    cachedInputTokens: r.tokens.cachedInput,
    cacheWriteTokens: r.tokens.cacheWrite,
    outputTokens: r.tokens.output,
    reasoningTokens: r.tokens.reasoning,
    totalTokens: r.tokens.total,
    inputMicros: r.inputMicros,
    outputMicros: r.outputMicros,
    costMicros: r.costMicros,
    unpriced: r.priced ? 0 : 1,
    estimated: r.estimated ? 1 : 0,
    latencyMs: r.latencyMs,
  };
}

export function addCounters(into: Counters, from: Readonly<Partial<Counters>>): Counters {
  for (const f of COUNTER_FIELDS) into[f] += from[f] ?? 0;
  return into;
}
