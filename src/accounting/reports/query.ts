import { InvalidRequestError } from '../../core/errors.js';
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

function bad(path: string, message: string): InvalidRequestError {
  return new InvalidRequestError({ path, message: `${path}: ${message}` });
}

export function parseTime(value: TimeInput | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) throw bad(path, `not a valid time (${String(value)}); give a Date, ms since the epoch or an ISO 8601 string`);
  return t;
}

export function parseRange(q: UsageFilter): TimeRange {
  const since = parseTime(q.since, 'since') ?? -Infinity;
  const until = parseTime(q.until, 'until') ?? Infinity;
  if (since > until) throw bad('since', `is after until (${new Date(since).toISOString()} > ${new Date(until).toISOString()})`);
  return { since, until };
}

export function parseBy(by: unknown): SummaryKey[] {
  if (by === undefined) return [];
  if (!Array.isArray(by)) throw bad('by', `must be a list of keys (${SUMMARY_KEYS.join(', ')})`);
  return by.map((key: unknown, i) => {
    if (typeof key !== 'string' || !SUMMARY_KEYS.includes(key as SummaryKey)) {
      throw bad(`by[${i}]`, `unknown summary key "${String(key)}"; expected one of ${SUMMARY_KEYS.join(', ')}`);
    }
    return key as SummaryKey;
  });
}

export function parseRecordsQuery(q: RecordsQuery): void {
  if (q.outcome !== undefined && q.outcome !== 'ok' && q.outcome !== 'error') throw bad('outcome', `must be "ok" or "error", got "${String(q.outcome)}"`);
  if (q.kind !== undefined && q.kind !== 'request' && q.kind !== 'billed-attempt') throw bad('kind', `must be "request" or "billed-attempt", got "${String(q.kind)}"`);
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 0)) throw bad('limit', 'must be a non-negative integer');
  if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') throw bad('order', `must be "asc" or "desc", got "${String(q.order)}"`);
}

/** Dimension filters (tenant, user, agent, model, provider) given in a query. */
export function dimensionFilter(q: UsageFilter): Partial<Record<Dimension, string>> {
  const out: Partial<Record<Dimension, string>> = {};
  for (const d of ['tenant', 'user', 'agent', 'model', 'provider'] as const) if (q[d] !== undefined) out[d] = q[d];
  return out;
}

export function matchesDims(dims: Readonly<Record<Dimension, string | null>>, filter: Partial<Record<Dimension, string>>): boolean {
  for (const [d, v] of Object.entries(filter) as Array<[Dimension, string]>) if (dims[d] !== v) return false;
  return true;
}

export function recordDims(r: UsageRecord): Record<Dimension, string | null> {
  return { tenant: r.tenant ?? null, user: r.user ?? null, agent: r.agent ?? null, model: r.model, provider: r.provider, providerModel: r.providerModel };
}

export function matchesRecord(r: UsageRecord, q: RecordsQuery): boolean {
  if (!matchesDims(recordDims(r), dimensionFilter(q))) return false;
  if (q.session !== undefined && r.session !== q.session) return false;
  if (q.tag !== undefined && !(r.tags ?? []).includes(q.tag)) return false;
  if (q.outcome !== undefined && r.outcome !== q.outcome) return false;
  if (q.kind !== undefined && r.kind !== q.kind) return false;
  return true;
}
