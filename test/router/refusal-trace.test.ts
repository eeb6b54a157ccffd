import { describe, expect, it } from 'vitest';
import { BudgetExceededError, NoRouteError, createRouter, type AuditEntry, type RouterEvents } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { memorySink } from '../../src/observability/audit/index.js';

// ~1,000 prompt tokens (x1.2 margin) and 1,000 output tokens at $1/$1 per M: a worst case of $0.0022 against $0.002.
const ask = { messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }], tenant: 'acme', params: { maxTokens: 1_000 } };

function traced() {
  const audit = memorySink();
  const router = createRouter({
    providers: { m: mockProvider() },
    models: { gpt: { provider: 'm', model: 'x', pricing: { input: 1, output: 1 }, maxOutputTokens: 1_000 } },
    tenants: { acme: { budgets: [{ id: 'acme-day', period: 'day', limitUsd: 0.002, onExceed: 'block' }] } },
    audit: { sink: audit },
  });
  const errors: Array<RouterEvents['error']> = [];
  router.on('error', (e) => errors.push(e));
  return { router, audit, errors };
}

describe('every request leaves a trace', () => {
  it('a budget refusal: BudgetExceededError with what it would reserve and what is left, a zero-cost record, an error event, an audit entry', async () => {
    const { router, audit, errors } = traced();
    const error = await router.chat(ask).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    const refused = error as BudgetExceededError;
    expect(refused.requestedMicros).toBeGreaterThan(1_000);
    expect(refused.remainingMicros).toBe(2_000);
    expect(refused.message).toMatch(/would reserve \$0\.00\d+ .* and \$0\.002 is left; a lower params\.maxTokens lowers the reservation/);
    const records = await router.costs.records({ tenant: 'acme' });
    expect(records).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'budget-exceeded', costMicros: 0, tenant: 'acme' })]);
    expect(errors.map((e) => e.error.code)).toEqual(['budget-exceeded']);
    await router.close();
    expect((audit.entries as AuditEntry[]).filter((e) => e.tenant === 'acme')).toHaveLength(1);
    // A smaller maxTokens fits: nothing was left held by the refusal.
    expect(await router.chat({ ...ask, params: { maxTokens: 10 } }).then((r) => r.route.model)).toBe('gpt');
    const [status] = await router.budgets.status({ tenant: 'acme' });
    expect(status).toMatchObject({ budgetId: 'acme-day', period: 'day', heldMicros: 0, limitMicros: 2_000 });
    expect(status!.spentMicros).toBeGreaterThan(0);
    expect(status!.remainingMicros).toBe(Math.max(0, 2_000 - status!.spentMicros));
  });

  it('NoRouteError (everything disabled): a zero-cost record, an error event, an audit entry', async () => {
    const { router, audit, errors } = traced();
    router.disable('m');
    const error = await router.chat({ ...ask, params: { maxTokens: 10 } }).catch((e: unknown) => e);
    expect(NoRouteError.isInstance(error)).toBe(true);
    const records = await router.costs.records({ tenant: 'acme' });
    expect(records).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'no-route', costMicros: 0 })]);
    expect(errors.map((e) => e.error.code)).toEqual(['no-route']);
    await router.close();
    expect((audit.entries as AuditEntry[]).filter((e) => e.tenant === 'acme')).toHaveLength(1);
    const [status] = await router.budgets.status({ tenant: 'acme' });
    expect(status).toMatchObject({ spentMicros: 0, heldMicros: 0, remainingMicros: 2_000 });
  });
});
