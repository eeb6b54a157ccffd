import { z } from 'zod';
import { describeValue } from '../../core/json-value.js';
import type { UsageLedger } from '../ledger/ledger.js';
import { microsToUsd } from '../money.js';
import { filterOf, parseQuery, queryObject, usageFilterShape, type UsageFilter } from './query.js';
import { summaryOf } from './summary.js';

export type ForecastPeriod = 'day' | 'month';

export interface ForecastQuery extends Omit<UsageFilter, 'since' | 'until'> {
  period: ForecastPeriod;
}

export interface Forecast {
  period: ForecastPeriod;
  /** ISO start and end of the current UTC period. */
  start: string;
  end: string;
  /** Share of the period elapsed, 0..1. */
  elapsed: number;
  requests: number;
  spentMicros: number;
  spentUsd: number;
  /** Spend so far scaled to the whole period at the same rate (integer micros, rounded). */
  projectedMicros: number;
  projectedUsd: number;
  projectedRequests: number;
}

const { since: _since, until: _until, ...dimensionFields } = usageFilterShape;
const forecastQuerySchema = queryObject({
  ...dimensionFields,
  period: z.enum(['day', 'month'], { error: (i) => `unknown forecast period ${describeValue(i.input)}; expected day or month` }),
});

/** Run-rate projection for the current UTC day or month: spend so far / elapsed share of the period. */
export async function forecastSpend(ledger: UsageLedger, query: ForecastQuery): Promise<Forecast> {
  const { period, ...filter } = parseQuery(forecastQuerySchema, query);
  const now = ledger.now();
  const d = new Date(now);
  const start =
    period === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = period === 'day' ? start + 86_400_000 : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  // At least one minute elapsed, so that the first seconds of a period do not project absurd figures.
  const elapsedMs = Math.max(60_000, now - start);
  const { total } = await summaryOf(ledger, { ...filterOf(filter), since: start, until: end, by: [] });
  const scale = (end - start) / elapsedMs;
  const projectedMicros = Math.round(total.costMicros * scale);
  return {
    period,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    elapsed: Math.min(1, (now - start) / (end - start)),
    requests: total.requests,
    spentMicros: total.costMicros,
    spentUsd: total.costUsd,
    projectedMicros,
    projectedUsd: microsToUsd(projectedMicros),
    projectedRequests: Math.round(total.requests * scale),
  };
}
