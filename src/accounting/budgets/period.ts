import type { BudgetPeriod } from './schema.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f;
}

/**
 * Every time zone offset is a whole number of minutes, so the local date cannot change inside one
 * UTC minute: the key is computed once a minute per (period, zone), not with `formatToParts` on
 * every request.
 */
const keyCache = new Map<string, { minute: number; key: string }>();

/** The period a moment falls in, in a time zone: `2025-10-01` (day), `2025-10` (month) or `total`. */
export function periodKey(now: number, period: BudgetPeriod, timeZone: string): string {
  if (period === 'total') return 'total';
  const minute = Math.floor(now / 60_000);
  const cacheKey = `${period}|${timeZone}`;
  const hit = keyCache.get(cacheKey);
  if (hit && hit.minute === minute) return hit.key;
  const parts = formatter(timeZone).formatToParts(new Date(now));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const key = period === 'day' ? `${get('year')}-${get('month')}-${get('day')}` : `${get('year')}-${get('month')}`;
  keyCache.set(cacheKey, { minute, key });
  return key;
}
