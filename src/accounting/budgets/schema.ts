import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { describeValue } from '../../core/json-value.js';
import { zodIssues } from '../../core/zod-issues.js';
import { MAX_LIMIT_USD, usdToMicros } from '../money.js';

export type BudgetPeriod = 'day' | 'month' | 'total';
export type BudgetAction = 'block' | 'downgrade' | 'alert';

/**
 * Who a budget counts. Fields combine (all must match); empty = global. `'*'` means "each value
 * separately": `{ tenant: '*' }` gives every tenant its own counter with the same limit.
 */
export interface BudgetScope {
  tenant?: string;
  user?: string;
  agent?: string;
  /** Provider instance name. */
  provider?: string;
  /** Model alias (or the vendor's model id). */
  model?: string;
}

/** A budget as written in the router options. */
export interface BudgetConfig {
  /** Stable id (counters are stored under it). Default: derived from scope and period. */
  id?: string;
  scope?: BudgetScope;
  period: BudgetPeriod;
  /** IANA time zone in which days and months start. Default `UTC`. */
  timeZone?: string;
  limitUsd: number;
  /** Fractions of the limit at which `onAlert` fires, once per period each. Default `[0.9, 1]`. */
  alertAt?: number[];
  onExceed: BudgetAction;
  /** With `downgrade`: the model alias to use instead of a candidate that no longer fits. */
  degradeTo?: string;
}

/** A validated budget. */
export interface Budget {
  id: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  timeZone: string;
  limitUsd: number;
  limitMicros: number;
  alertAt: number[];
  onExceed: BudgetAction;
  degradeTo?: string;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const name = z.string().min(1);

export const budgetScopeSchema = z.strictObject({
  tenant: name.optional(),
  user: name.optional(),
  agent: name.optional(),
  provider: name.optional(),
  model: name.optional(),
});

/** One budget. Plug into the router's config schema as `budgets: budgetsSchema.optional()`. */
export const budgetSchema = z
  .strictObject({
    id: name.optional(),
    scope: budgetScopeSchema.optional(),
    period: z.enum(['day', 'month', 'total'], { error: (i) => `unknown period ${describeValue(i.input)}: expected day, month or total` }),
    timeZone: z.string().refine(isTimeZone, { message: 'unknown IANA time zone (e.g. UTC, Europe/Berlin, Asia/Shanghai)' }).optional(),
    limitUsd: z
      .number({ error: (i) => (i.input === undefined ? 'limitUsd is required: the limit in USD' : 'limitUsd must be a number of USD') })
      .finite()
      .nonnegative({ message: 'limitUsd must not be negative' })
      .max(MAX_LIMIT_USD, { message: `limitUsd must be at most ${MAX_LIMIT_USD} USD` }),
    alertAt: z.array(z.number().positive().max(10, { message: 'alert thresholds are fractions of the limit, e.g. 0.9' })).optional(),
    onExceed: z.enum(['block', 'downgrade', 'alert'], {
      error: (i) => `unknown onExceed ${describeValue(i.input)}: expected block, downgrade or alert`,
    }),
    degradeTo: name.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.degradeTo !== undefined && b.onExceed !== 'downgrade') {
      ctx.addIssue({ code: 'custom', path: ['degradeTo'], message: 'degradeTo needs onExceed: "downgrade"' });
    }
  });

export const budgetsSchema = z.array(budgetSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((b, i) => {
    // Zod runs this even when an entry failed (it is then the raw input): only well-formed entries have an id.
    if (!budgetSchema.safeParse(b).success) return;
    const id = budgetId(b);
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate budget id "${id}" (also budgets[${seen.get(id)}])` });
    else seen.set(id, i);
  });
});

/** `day:tenant=acme,user=*` style id, stable across processes and restarts. */
export function budgetId(b: Pick<BudgetConfig, 'id' | 'scope' | 'period'>): string {
  if (b.id !== undefined) return b.id;
  const scope = Object.entries(b.scope ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [c]) => (a < c ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  return `${b.period}:${scope || 'global'}`;
}

/** Validates budgets; throws a `ConfigError` listing every problem with its path (`budgets[0].limitUsd`). */
export function parseBudgets(input: unknown, path = 'budgets'): Budget[] {
  const parsed = budgetsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, path));
  return parsed.data.map((b): Budget => {
    const out: Budget = {
      id: budgetId(b),
      scope: { ...b.scope },
      period: b.period,
      timeZone: b.timeZone ?? 'UTC',
      limitUsd: b.limitUsd,
      limitMicros: usdToMicros(b.limitUsd),
      alertAt: [...new Set(b.alertAt ?? [0.9, 1])].sort((x, y) => x - y),
      onExceed: b.onExceed,
    };
    if (b.degradeTo !== undefined) out.degradeTo = b.degradeTo;
    return out;
  });
}
