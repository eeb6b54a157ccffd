import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterKeys } from '../../src/accounting/budgets/counter-keys.js';
import { periodKey } from '../../src/accounting/budgets/period.js';
import { parseBudgets } from '../../src/accounting/budgets/schema.js';

const budgets = parseBudgets([
  { id: 'day-sh', scope: { tenant: '*' }, period: 'day', limitUsd: 1, onExceed: 'block', timeZone: 'Asia/Shanghai' },
  { id: 'month-utc', scope: { user: '*' }, period: 'month', limitUsd: 1, onExceed: 'block' },
  { id: 'total', scope: {}, period: 'total', limitUsd: 1, onExceed: 'alert' },
]);
const T0 = Date.UTC(2025, 11, 31, 15, 30); // 23:30 in Shanghai on new year's eve

describe('budget counter keys', () => {
  it('are what the period and instance say, whatever order moments come in (back across midnight too)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }), fc.constantFrom('', 'tenant=acme', 'tenant=初创公司', 'user=u1')), { minLength: 1, maxLength: 60 }),
        (steps) => {
          const keys = new CounterKeys('p');
          for (const [i, offset, instance] of steps) {
            const b = budgets[i]!;
            const at = T0 + offset;
            expect(keys.of(b, at, instance)).toBe(`p:${b.id}:${periodKey(at, b.period, b.timeZone)}${instance ? `:${instance}` : ''}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hand out the same string for the same counter, and a new one after the period turns', () => {
    const keys = new CounterKeys('p');
    const b = budgets[0]!;
    const a = keys.of(b, T0, 'tenant=acme');
    expect(keys.of(b, T0 + 60_000, 'tenant=acme')).toBe(a);
    expect(keys.of(b, T0 + 3_600_000, 'tenant=acme')).toBe('p:day-sh:2026-01-01:tenant=acme');
    expect(a).toBe('p:day-sh:2025-12-31:tenant=acme');
  });
});
