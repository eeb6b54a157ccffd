import { addCounters, countersOf, emptyCounters, HOUR_MS, type Counters, type Dimension } from '../ledger/buckets.js';
import type { UsageLedger } from '../ledger/ledger.js';
import { microsToUsd } from '../money.js';

const SUMMARY_KEY_LIST = SUMMARY_KEYS.join(', ');
import { z } from 'zod';
import {
  filterOf,
  matchesDims,
  matchesRecord,
  parseQuery,
  queryObject,
  rangeCheck,
  recordDims,
  SUMMARY_KEYS,
  summaryKey,
  usageFilterShape,
  type ParsedFilter,
  type SummaryKey,
  type UsageFilter,
} from './query.js';

export interface SummaryQuery extends UsageFilter {
  /** Group rows by these keys, in this order. None: one row with the totals. */
  by?: SummaryKey[];
}

export interface SummaryRow {
  /** The value of each `by` key for this row (`null` when the request had none, e.g. no tenant). */
  group: Partial<Record<SummaryKey, string | null>>;
  /** Requests (one per request, whatever its outcome). */
  requests: number;
  ok: number;
  errors: number;
  /** Failed attempts the vendor billed (counted in tokens and cost, not in requests). */
  billedAttempts: number;
  fallbacks: number;
  attempts: number;
  tokens: { input: number; cachedInput: number; cacheWrite: number; output: number; reasoning: number; total: number };
  inputMicros: number;
  outputMicros: number;
  costMicros: number;
  costUsd: number;
  /** Records whose model had no price (their cost is 0 and not to be trusted). */
  unpriced: number;
  /** Records computed from estimated usage. */
  estimated: number;
  avgLatencyMs: number;
}

export interface CostSummary {
  rows: SummaryRow[];
  total: SummaryRow;
  /**
   * False only when `since`/`until` cut through an hour whose records were already dropped by
   * retention: that hour is then counted whole. Whole hours come from aggregates and are always exact.
   */
  exact: boolean;
}

function groupValue(key: SummaryKey, dims: Readonly<Record<Dimension, string | null>>, time: number): string | null {
  switch (key) {
    case 'day':
      return new Date(time).toISOString().slice(0, 10);
    case 'hour':
      return `${new Date(time).toISOString().slice(0, 13)}:00Z`;
    case 'month':
      return new Date(time).toISOString().slice(0, 7);
    default:
      return dims[key];
  }
}

export function toRow(group: SummaryRow['group'], c: Counters): SummaryRow {
  const served = c.requests + c.billedAttempts;
  return {
    group,
    requests: c.requests,
    ok: c.ok,
    errors: c.errors,
    billedAttempts: c.billedAttempts,
    fallbacks: c.fallbacks,
    attempts: c.attempts,
    tokens: {
      input: c.inputTokens,
      cachedInput: c.cachedInputTokens,
      cacheWrite: c.cacheWriteTokens,
      output: c.outputTokens,
      reasoning: c.reasoningTokens,
      total: c.totalTokens,
    },
    inputMicros: c.inputMicros,
    outputMicros: c.outputMicros,
    costMicros: c.costMicros,
    costUsd: microsToUsd(c.costMicros),
    unpriced: c.unpriced,
    estimated: c.estimated,
    avgLatencyMs: served === 0 ? 0 : Math.round(c.latencyMs / served),
  };
}

/**
 * Totals by group. Whole UTC hours inside [since, until) come from the aggregates (never dropped);
 * an hour cut by `since` or `until` is read from the retained records, which is exact as long as
 * retention has not dropped records from that hour (otherwise the hour counts whole, `exact: false`).
 */
export async function summarize(ledger: UsageLedger, query?: SummaryQuery): Promise<CostSummary> {
  return summaryOf(ledger, parseQuery(summaryQuerySchema, query));
}

export interface ParsedSummaryQuery extends ParsedFilter {
  by: SummaryKey[];
}

const summaryQuerySchema = queryObject({
  ...usageFilterShape,
  by: z.array(summaryKey, { error: `must be a list of keys (${SUMMARY_KEY_LIST})` }).optional(),
})
  .superRefine(rangeCheck)
  .optional()
  .transform((q): ParsedSummaryQuery => ({ ...filterOf(q ?? {}), by: q?.by ?? [] }));

export async function summaryOf(ledger: UsageLedger, query: ParsedSummaryQuery): Promise<CostSummary> {
  const { by, since, until, dims: filter } = query;
  const groups = new Map<string, { group: SummaryRow['group']; counters: Counters }>();
  const total = emptyCounters();
  const add = (dims: Readonly<Record<Dimension, string | null>>, time: number, c: Readonly<Counters>): void => {
    const group = Object.fromEntries(by.map((k) => [k, groupValue(k, dims, time)])) as SummaryRow['group'];
    const id = JSON.stringify(by.map((k) => group[k]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { group, counters: emptyCounters() }));
    addCounters(g.counters, c);
    addCounters(total, c);
  };

  const { droppedThrough } = await ledger.retention();
  const fromRecords = new Set<number>();
  let exact = true;
  for (const { bucket, counters } of await ledger.buckets()) {
    const start = bucket.hour;
    const end = start + HOUR_MS;
    if (end <= since || start >= until || !matchesDims(bucket.dims, filter)) continue;
    if (since <= start && end <= until) add(bucket.dims, start, counters);
    else if (droppedThrough === undefined || droppedThrough < Math.max(start, since)) fromRecords.add(start);
    else {
      exact = false;
      add(bucket.dims, start, counters);
    }
  }
  for (const hour of fromRecords) {
    for (const r of await ledger.records(Math.max(hour, since), Math.min(hour + HOUR_MS, until))) {
      if (matchesRecord(r, query)) add(recordDims(r), r.timestamp, countersOf(r));
    }
  }

  const rows = [...groups.values()].map((g) => toRow(g.group, g.counters)).sort((a, b) => compareGroups(a.group, b.group, by));
  return { rows, total: toRow({}, total), exact };
}

function compareGroups(a: SummaryRow['group'], b: SummaryRow['group'], by: ReadonlyArray<SummaryKey>): number {
  for (const k of by) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
