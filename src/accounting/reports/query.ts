import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import { describeValue } from '../../core/json-value.js';
import { zodIssues } from '../../core/zod-issues.js';
import { DIMENSIONS, type Dimension } from '../ledger/buckets.js';
import type { RecordKind, UsageRecord } from '../ledger/record.js';

/** A point in time: a `Date`, ms since the epoch, or an ISO 8601 string. */
export type TimeInput = Date | number | string;

/** Keys a summary can group by. */
export type SummaryKey = Dimension | 'day' | 'hour' | 'month';
export const SUMMARY_KEYS: ReadonlyArray<SummaryKey> = [...DIMENSIONS, 'day', 'hour', 'month'];

/** Filters shared by summary, records, export, compare and forecast. All optional. */
export interface UsageFilter {
  /** Inclusive. */
  since?: TimeInput;
  /** Exclusive. */
  until?: TimeInput;
  tenant?: string;
  user?: string;
  agent?: string;
  /** Model alias. */
  model?: string;
  /** Provider instance name. */
  provider?: string;
}

export interface RecordsQuery extends UsageFilter {
  session?: string;
  /** Records carrying this tag. */
  tag?: string;
  outcome?: 'ok' | 'error';
  kind?: RecordKind;
  /** At most this many records (the newest when `order` is `desc`). */
  limit?: number;
  /** Default `asc` (oldest first). */
  order?: 'asc' | 'desc';
}

export interface TimeRange {
  since: number;
  until: number;
}

/** A filter as the reports read it: validated, times in ms (unbounded ends as -/+Infinity). */
export interface ParsedFilter extends TimeRange {
  dims: Partial<Record<Dimension, string>>;
}

export interface ParsedRecordsQuery extends ParsedFilter {
  session?: string;
  tag?: string;
  outcome?: 'ok' | 'error';
  kind?: RecordKind;
  limit?: number;
  order?: 'asc' | 'desc';
}

// ---- The query schemas: zod alone decides what a report accepts; every problem comes back with its path ----

/** The range a `Date` holds: +-8.64e15 ms around the epoch. */
const MAX_TIME = 8.64e15;
const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= MAX_TIME;

function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value);
  return Number.NaN;
}

const timeInput = z
  .unknown()
  .superRefine((v, ctx) => {
    if (v !== undefined && !isTime(toTime(v))) {
      ctx.addIssue({
        code: 'custom',
        message: `not a valid time (${describeValue(v)}); give a Date, ms since the epoch or an ISO 8601 string`,
      });
    }
  })
  .transform((v) => (v === undefined ? undefined : toTime(v)))
  .optional();

const name = z.string({ error: (i) => `must be a string, got ${describeValue(i.input)}` });

export const usageFilterShape = {
  since: timeInput,
  until: timeInput,
  tenant: name.optional(),
  user: name.optional(),
  agent: name.optional(),
  model: name.optional(),
  provider: name.optional(),
};

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, { error: (i) => `unknown ${what} ${describeValue(i.input)}; expected one of ${values.join(', ')}` });
}

export const summaryKey = oneOf(SUMMARY_KEYS as unknown as readonly [SummaryKey, ...SummaryKey[]], 'summary key');

export const recordsShape = {
  ...usageFilterShape,
  session: name.optional(),
  tag: name.optional(),
  outcome: oneOf(['ok', 'error'], 'outcome').optional(),
  kind: oneOf(['request', 'billed-attempt'], 'record kind').optional(),
  limit: z.number().int().nonnegative({ message: 'must be a non-negative integer' }).optional(),
  order: oneOf(['asc', 'desc'], 'order').optional(),
};

/** `since` must not be after `until`. (Zod runs this even when a field failed: then that field is still the raw input.) */
export function rangeCheck(q: { since?: unknown; until?: unknown }, ctx: z.RefinementCtx): void {
  if (isTime(q.since) && isTime(q.until) && q.since > q.until) {
    ctx.addIssue({
      code: 'custom',
      path: ['since'],
      message: `is after until (${new Date(q.since).toISOString()} > ${new Date(q.until).toISOString()})`,
    });
  }
}

/** Parses a report query with its schema; throws one InvalidRequestError listing every problem with its path. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error);
  throw new InvalidRequestError({
    path: issues[0]?.path ?? '',
    message: issues.map((i) => `${i.path || '(query)'}: ${i.message}`).join('; '),
    issues,
  });
}

/** A query object, or nothing (`undefined`). */
export function queryObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, { error: (i) => `a query must be an object, got ${describeValue(i.input)}` });
}

export function filterOf(
  q: { since?: number | undefined; until?: number | undefined } & Partial<Record<Dimension, string | undefined>>,
): ParsedFilter {
  const dims: Partial<Record<Dimension, string>> = {};
  for (const d of ['tenant', 'user', 'agent', 'model', 'provider'] as const) {
    const v = q[d];
    if (v !== undefined) dims[d] = v;
  }
  return { since: q.since ?? -Infinity, until: q.until ?? Infinity, dims };
}

type RecordsInput = z.output<ReturnType<typeof queryObject<typeof recordsShape>>>;

/** A validated records query as the reports read it. */
export function parsedRecords(q: RecordsInput | undefined): ParsedRecordsQuery {
  const out: ParsedRecordsQuery = filterOf(q ?? {});
  if (q === undefined) return out;
  if (q.session !== undefined) out.session = q.session;
  if (q.tag !== undefined) out.tag = q.tag;
  if (q.outcome !== undefined) out.outcome = q.outcome;
  if (q.kind !== undefined) out.kind = q.kind;
  if (q.limit !== undefined) out.limit = q.limit;
  if (q.order !== undefined) out.order = q.order;
  return out;
}

export const recordsQuerySchema = queryObject(recordsShape).superRefine(rangeCheck).optional().transform(parsedRecords);

export function matchesDims(dims: Readonly<Record<Dimension, string | null>>, filter: Partial<Record<Dimension, string>>): boolean {
  for (const [d, v] of Object.entries(filter) as Array<[Dimension, string]>) if (dims[d] !== v) return false;
  return true;
}

export function recordDims(r: UsageRecord): Record<Dimension, string | null> {
  return {
    tenant: r.tenant ?? null,
    user: r.user ?? null,
    agent: r.agent ?? null,
    model: r.model,
    provider: r.provider,
    providerModel: r.providerModel,
  };
}

export function matchesRecord(r: UsageRecord, q: ParsedFilter & Partial<ParsedRecordsQuery>): boolean {
  if (!matchesDims(recordDims(r), q.dims)) return false;
  if (q.session !== undefined && r.session !== q.session) return false;
  if (q.tag !== undefined && !(r.tags ?? []).includes(q.tag)) return false;
  if (q.outcome !== undefined && r.outcome !== q.outcome) return false;
  if (q.kind !== undefined && r.kind !== q.kind) return false;
  return true;
}
