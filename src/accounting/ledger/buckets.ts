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
  'requests',
  'ok',
  'errors',
  'billedAttempts',
  'fallbacks',
  'attempts',
  'inputTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'outputTokens',
  'reasoningTokens',
  'totalTokens',
  'inputMicros',
  'outputMicros',
  'costMicros',
  'unpriced',
  'estimated',
  'latencyMs',
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

/**
 * What one record adds to its bucket: only the counters that change (most of a record's are 0: no
 * cache, no reasoning, no error...), so a store writes only those fields.
 */
export function deltasOf(r: UsageRecord): Partial<Counters> {
  const d: Partial<Counters> = {};
  if (r.kind === 'request') {
    d.requests = 1;
    if (r.outcome === 'ok') d.ok = 1;
    else d.errors = 1;
    if (r.fallbackUsed) d.fallbacks = 1;
    if (r.attempts !== 0) d.attempts = r.attempts;
  } else {
    d.billedAttempts = 1;
  }
  const t = r.tokens;
  if (t.input !== 0) d.inputTokens = t.input;
  if (t.cachedInput !== 0) d.cachedInputTokens = t.cachedInput;
  if (t.cacheWrite !== 0) d.cacheWriteTokens = t.cacheWrite;
  if (t.output !== 0) d.outputTokens = t.output;
  if (t.reasoning !== 0) d.reasoningTokens = t.reasoning;
  if (t.total !== 0) d.totalTokens = t.total;
  if (r.inputMicros !== 0) d.inputMicros = r.inputMicros;
  if (r.outputMicros !== 0) d.outputMicros = r.outputMicros;
  if (r.costMicros !== 0) d.costMicros = r.costMicros;
  if (!r.priced) d.unpriced = 1;
  if (r.estimated) d.estimated = 1;
  if (r.latencyMs !== 0) d.latencyMs = r.latencyMs;
  return d;
}

/** What one record adds to its bucket, every counter. */
export function countersOf(r: UsageRecord): Counters {
  return addCounters(emptyCounters(), deltasOf(r));
}

export function addCounters(into: Counters, from: Readonly<Partial<Counters>>): Counters {
  for (const f of COUNTER_FIELDS) into[f] += from[f] ?? 0;
  return into;
}
