import type { BudgetPeriod } from './schema.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f;
}

/** The period a moment falls in, in a time zone: `2025-10-01` (day), `2025-10` (month) or `total`. */
export function periodKey(now: number, period: BudgetPeriod, timeZone: string): string {
  if (period === 'total') return 'total';
  const parts = formatter(timeZone).formatToParts(new Date(now));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return period === 'day' ? `${get('year')}-${get('month')}-${get('day')}` : `${get('year')}-${get('month')}`;
}
