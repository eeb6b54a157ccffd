import { InvalidRequestError } from '../../core/errors.js';
import type { UsageLedger } from '../ledger/ledger.js';
import { microsToUsd } from '../money.js';
import type { UsageFilter } from './query.js';
import { summarize } from './summary.js';

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

/** Run-rate projection for the current UTC day or month: spend so far / elapsed share of the period. */
export async function forecastSpend(ledger: UsageLedger, query: ForecastQuery): Promise<Forecast> {
  const period: unknown = query?.period;
  if (period !== 'day' && period !== 'month') {
    throw new InvalidRequestError({ path: 'period', message: `period: unknown forecast period "${String(period)}"; expected day or month` });
  }
  const now = ledger.now();
  const d = new Date(now);
  const start = period === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = period === 'day' ? start + 86_400_000 : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  // At least one minute elapsed, so that the first seconds of a period do not project absurd figures.
  const elapsedMs = Math.max(60_000, now - start);
  const { total } = await summarize(ledger, { ...query, since: start, until: end });
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
